import { describe, expect, it } from 'vitest';
import type { RollupRow } from '../store/ports/rollups.ts';
import { addFigures, energyFlows, settleHour } from './flows.ts';
import type { FlowRole } from './roles.ts';

const H = 3_600_000;
const row = (key: string, hour: number, energy: number, day = '2024-06-10'): RollupRow => ({
  level: 'channel',
  key,
  name: key,
  period: 'hour',
  start: Date.UTC(2024, 5, 10) + hour * H,
  label: `${day}T${String(hour % 24).padStart(2, '0')}`,
  unit: 'Wh',
  energy,
  meanPower: null,
  minPower: null,
  maxPower: null,
  samples: 12,
  coverage: 1,
  channels: 1,
});

describe('settling an hour', () => {
  it('sends PV to the home, then the battery, then the grid (hand-computed)', () => {
    // Home uses 1,000 Wh; PV makes 3,000; the battery takes 1,500; 500 goes out.
    const f = settleHour({
      gridImport: 0,
      gridExport: 500,
      pv: 3000,
      batteryCharge: 1500,
      batteryDischarge: 0,
    });
    expect(f).toMatchObject({
      consumption: 1000,
      solarToHome: 1000,
      solarToBattery: 1500,
      solarToGrid: 500,
      gridToHome: 0,
      selfConsumed: 2500,
      net: -500,
    });
    expect(f.selfConsumption).toBeCloseTo(2500 / 3000, 12);
    expect(f.selfSufficiency).toBe(1);
  });

  it('an evening hour: the battery and the grid share the load', () => {
    const f = settleHour({ gridImport: 300, gridExport: 0, pv: 0, batteryCharge: 0, batteryDischarge: 900 });
    expect(f).toMatchObject({
      consumption: 1200,
      batteryToHome: 900,
      gridToHome: 300,
      selfConsumption: null,
    });
    expect(f.selfSufficiency).toBeCloseTo(0.75, 12);
  });

  it('a battery charged from the grid, and one exporting, are told apart', () => {
    const f = settleHour({
      gridImport: 2000,
      gridExport: 400,
      pv: 0,
      batteryCharge: 1000,
      batteryDischarge: 600,
    });
    expect(f).toMatchObject({
      gridToBattery: 1000,
      gridToHome: 1000,
      batteryToGrid: 400,
      batteryToHome: 200,
    });
    expect(f.consumption).toBe(1200);
  });
});

describe('energy flows per bucket', () => {
  const roles = new Map<string, FlowRole>([
    ['imp', 'import'],
    ['exp', 'export'],
    ['pv', 'pv'],
    ['net', 'net'],
  ]);

  it('nets a signed grid channel per hour, not per day', () => {
    // Import 1 kWh at night, export 2 kWh at noon: 1 kWh in, 2 kWh out, never "1 kWh out".
    const out = energyFlows([row('net', 2, 1000), row('net', 12, -2000)], new Map([['net', 'net']]), 'day');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ label: '2024-06-10', gridImport: 1000, gridExport: 2000, net: -1000 });
  });

  it('settles each hour before adding: a day is the sum of its hours', () => {
    const rows = [
      row('imp', 8, 500),
      row('pv', 8, 0),
      row('exp', 13, 1500),
      row('pv', 13, 2500),
      row('imp', 13, 0),
      row('fridge', 13, 99),
    ];
    const [hour8, hour13] = energyFlows(rows, roles, 'hour');
    expect(hour8).toMatchObject({ label: '2024-06-10T08', consumption: 500, gridToHome: 500 });
    expect(hour13).toMatchObject({ label: '2024-06-10T13', consumption: 1000, solarToHome: 1000 });
    const [day] = energyFlows(rows, roles, 'day');
    expect(day).toMatchObject({ consumption: 1500, pv: 2500, gridExport: 1500, selfConsumed: 1000 });
    expect(day!.selfSufficiency).toBeCloseTo(1000 / 1500, 12);
    expect(day!.start).toBe(Date.UTC(2024, 5, 10) + 8 * H);
    const { label: _l, start: _s, ...dayFigures } = day!;
    expect(addFigures([hour8!, hour13!])).toEqual(dayFigures);
  });

  it('groups hours into local months by label', () => {
    const rows = [row('imp', 5, 100, '2024-06-30'), row('imp', 30, 200, '2024-07-01')];
    expect(energyFlows(rows, roles, 'month').map((b) => [b.label, b.gridImport])).toEqual([
      ['2024-06', 100],
      ['2024-07', 200],
    ]);
  });
});

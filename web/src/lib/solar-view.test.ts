import { describe, expect, it } from 'vitest';
import type { SolarResponse } from '../api/types.ts';
import { flowArrows, hasFlows, solarRange } from './solar-view.ts';

const figures = (over: Partial<SolarResponse['totals']> = {}): SolarResponse['totals'] => ({
  gridImport: 0,
  gridExport: 0,
  pv: 0,
  batteryCharge: 0,
  batteryDischarge: 0,
  consumption: 0,
  net: 0,
  solarToHome: 0,
  solarToBattery: 0,
  solarToGrid: 0,
  gridToHome: 0,
  gridToBattery: 0,
  batteryToHome: 0,
  batteryToGrid: 0,
  selfConsumed: 0,
  selfConsumption: null,
  selfSufficiency: null,
  ...over,
});
const metered = (pv: boolean, battery: boolean, exp = pv) => ({ grid: true, export: exp, pv, battery });

describe('solar card spans', () => {
  it('ends every span with today and starts it on a local date', () => {
    expect(solarRange('today', '2024-03-31')).toEqual({
      from: '2024-03-31',
      to: '2024-04-01',
      period: 'hour',
    });
    expect(solarRange('week', '2024-03-03')).toEqual({ from: '2024-02-26', to: '2024-03-04', period: 'day' });
    expect(solarRange('month', '2024-03-30').from).toBe('2024-03-01');
    // Twelve calendar months, this one included.
    expect(solarRange('year', '2024-03-15')).toEqual({
      from: '2023-04-01',
      to: '2024-03-16',
      period: 'month',
    });
    expect(solarRange('year', '2024-12-01').from).toBe('2024-01-01');
  });
});

describe('flow diagram', () => {
  it('shows nothing for a facility that only imports', () => {
    expect(hasFlows({ metered: metered(false, false) })).toBe(false);
    expect(hasFlows(undefined)).toBe(false);
    expect(hasFlows({ metered: metered(true, false) })).toBe(true);
    expect(hasFlows({ metered: metered(false, false, true) })).toBe(true);
  });

  it('draws PV and battery arrows when they are metered, the rare ones only when used', () => {
    const t = figures({ gridToHome: 5, solarToHome: 3, solarToGrid: 2, batteryToHome: 1, solarToBattery: 1 });
    const arrows = flowArrows({ metered: metered(true, true), totals: t });
    expect(arrows.map((a) => `${a.from}>${a.to}:${a.energy}`)).toEqual([
      'grid>home:5',
      'solar>home:3',
      'solar>grid:2',
      'battery>home:1',
      'solar>battery:1',
    ]);
    const withGridCharge = flowArrows({ metered: metered(true, true), totals: { ...t, gridToBattery: 4 } });
    expect(withGridCharge.some((a) => a.from === 'grid' && a.to === 'battery')).toBe(true);
    expect(flowArrows({ metered: metered(true, false), totals: t }).some((a) => a.to === 'battery')).toBe(
      false,
    );
  });

  it('an export meter without PV sends the export from the home to the grid', () => {
    const arrows = flowArrows({
      metered: metered(false, false, true),
      totals: figures({ gridExport: 7, gridToHome: 9 }),
    });
    expect(arrows).toEqual([
      { from: 'grid', to: 'home', energy: 9 },
      { from: 'home', to: 'grid', energy: 7 },
    ]);
  });
});

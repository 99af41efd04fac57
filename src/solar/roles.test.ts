import { describe, expect, it } from 'vitest';
import type { Channel } from '../domain/types.ts';
import { P1_CHANNELS } from '../ingest/formats/dsmr.ts';
import { channelRole, chooseSources, facilitySources } from './roles.ts';

const ch = (name: string, over: Partial<Channel> = {}): Channel => ({
  id: `m.${name}`,
  meterId: 'm',
  name,
  isMains: false,
  appliance: null,
  measurement: 'interval',
  unit: 'Wh',
  intervalMs: 300_000,
  maxGapMs: null,
  rolloverAt: null,
  ...over,
});

describe('channel roles', () => {
  it('reads the simulator, DSMR, Green Button and common labels', () => {
    expect(channelRole(ch('grid_import', { isMains: true }))).toBe('import');
    expect(channelRole(ch('grid_export'))).toBe('export');
    expect(channelRole(ch('pv'))).toBe('pv');
    expect(channelRole(ch('Solar roof'))).toBe('pv');
    expect(channelRole(ch('battery_charge'))).toBe('battery_charge');
    expect(channelRole(ch('battery_discharge'))).toBe('battery_discharge');
    expect(channelRole(ch('energy_export_t2', { measurement: 'register' }))).toBe('export');
    expect(channelRole(ch('Hourly Electricity Consumption, exported', { isMains: true }))).toBe('export');
    expect(channelRole(ch('feed-in'))).toBe('export');
    // A plain mains is the grid connection, signed; an appliance carries no flow; gas carries none.
    expect(channelRole(ch('mains', { isMains: true }))).toBe('net');
    expect(channelRole(ch('fridge', { appliance: 'fridge' }))).toBeUndefined();
    expect(channelRole(ch('kitchen', { appliance: 'kitchen_outlets' }))).toBeUndefined();
    expect(channelRole(ch('gas', { isMains: true, unit: 'm3' }))).toBeUndefined();
  });

  it('takes one source per flow from a DSMR P1 meter: the mains power and the export power, not registers or phases', () => {
    const channels = Object.values(P1_CHANNELS).map((p) =>
      ch(p.name, {
        isMains: p.mains,
        measurement: p.name.startsWith('power') ? 'power' : 'register',
        unit: p.name.startsWith('power') ? 'kW' : 'kWh',
      }),
    );
    const s = chooseSources(channels);
    expect([...s.keys()].sort()).toEqual(['export', 'import']);
    expect(s.get('import')!.map((c) => c.name)).toEqual(['power_import']);
    expect(s.get('export')!.map((c) => c.name)).toEqual(['power_export']);
  });

  it('adds up tariff registers when there is no total, and phases when there is nothing else', () => {
    const s = chooseSources([
      ch('energy_import_t1', { measurement: 'register' }),
      ch('energy_import_t2', { measurement: 'register' }),
      ch('power_export_l1', { measurement: 'power', unit: 'W' }),
      ch('power_export_l2', { measurement: 'power', unit: 'W' }),
    ]);
    expect(s.get('import')!.map((c) => c.name)).toEqual(['energy_import_t1', 'energy_import_t2']);
    expect(s.get('export')!.map((c) => c.name)).toEqual(['power_export_l1', 'power_export_l2']);
  });

  it('does not count a mains beside an import channel as a second grid connection', () => {
    const s = facilitySources([
      ch('mains', { isMains: true }),
      ch('energy_import'),
      ch('pv', { meterId: 'inv', id: 'inv.pv' }),
    ]);
    expect(s.map((x) => [x.channel.id, x.role])).toEqual([
      ['inv.pv', 'pv'],
      ['m.energy_import', 'import'],
    ]);
  });
});

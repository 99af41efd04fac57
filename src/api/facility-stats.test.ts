import { describe, expect, it } from 'vitest';
import type { Channel } from '../domain/types.ts';
import { powerOf } from './facility-stats.ts';

const ch = (
  measurement: Channel['measurement'],
  unit: Channel['unit'],
  intervalMs: number | null,
): Channel => ({
  id: 'c',
  meterId: 'm',
  name: 'mains',
  isMains: true,
  appliance: null,
  measurement,
  unit,
  intervalMs,
  maxGapMs: null,
  rolloverAt: null,
});

describe('powerOf', () => {
  it('reads power channels and converts electric interval energy to mean power', () => {
    expect(powerOf(ch('power', 'W', 1000), 250)).toBe(250);
    expect(powerOf(ch('power', 'kW', 1000), 1.5)).toBe(1500);
    expect(powerOf(ch('interval', 'Wh', 900_000), 250)).toBe(1000); // 250 Wh in 15 min
    expect(powerOf(ch('interval', 'kWh', 3_600_000), 2)).toBe(2000);
    expect(powerOf(ch('interval', 'Wh', null), 250)).toBeUndefined();
    expect(powerOf(ch('interval', 'm3', 3_600_000), 1)).toBeUndefined();
    expect(powerOf(ch('register', 'kWh', null), 1)).toBeUndefined();
  });
});

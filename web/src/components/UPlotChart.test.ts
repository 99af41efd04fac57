import { describe, expect, it } from 'vitest';
import { zonedDates } from './UPlotChart.tsx';

describe('chart times in the chosen zone', () => {
  it('reads seconds (uPlot default) and milliseconds alike: 2023-11-14 22:13:20 UTC, not 1970', () => {
    const t = 1_700_000_000;
    // tzDate shifts the instant so that the runtime's local fields show the zone's wall clock.
    const wall = (d: Date): string =>
      `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()} ${d.getHours()}:${d.getMinutes()}`;
    expect(wall(zonedDates(1e-3, 'UTC')(t))).toBe('2023-11-14 22:13');
    expect(wall(zonedDates(1, 'UTC')(t * 1000))).toBe('2023-11-14 22:13');
    expect(wall(zonedDates(1e-3, 'America/New_York')(t))).toBe('2023-11-14 17:13');
  });
});

import { describe, expect, it } from 'vitest';
import { addDays, fromHeatmap, heatGrid, localDate, prevMonth } from './periods.ts';

describe('periods', () => {
  it('shifts labels across month and year ends', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(prevMonth('2026-01')).toBe('2025-12');
    expect(prevMonth('2026-11')).toBe('2026-10');
  });

  it('builds the hour-by-day grid with gaps as NaN', () => {
    const g = heatGrid([
      { label: '2026-11-24T00', energy: 5 },
      { label: '2026-11-25T23', energy: 9 },
      { label: '2026-11-25T23', energy: 1 },
    ]);
    expect(g.days).toEqual(['2026-11-24', '2026-11-25']);
    expect(g.values[0]).toBe(5);
    expect(g.values[24 + 23]).toBe(10);
    expect(Number.isNaN(g.values[1])).toBe(true);
    expect(g.max).toBe(10);
  });

  it('reads the heat-map route', () => {
    const g = fromHeatmap({
      days: ['2026-11-25'],
      energy: [[1, null, ...new Array<number>(22).fill(2)]],
      max: 2,
    });
    expect(g.values[0]).toBe(1);
    expect(Number.isNaN(g.values[1])).toBe(true);
    expect(g.values[23]).toBe(2);
  });

  it('finds the local date in a time zone', () => {
    // 23:30 UTC on 24 Nov is already 25 Nov in Berlin.
    expect(localDate(Date.UTC(2026, 10, 24, 23, 30), 'Europe/Berlin')).toBe('2026-11-25');
    expect(localDate(Date.UTC(2026, 10, 24, 23, 30), 'America/New_York')).toBe('2026-11-24');
  });
});

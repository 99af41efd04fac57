import { describe, expect, it } from 'vitest';
import { lastDaysBars, recentHeatGrid } from './facility-energy.ts';

describe('lastDaysBars', () => {
  it('sums the hours of each of the 14 days ending today, NaN for a day without rows', () => {
    const hours = [
      { label: '2024-03-10T01', energy: 100 },
      { label: '2024-03-10T23', energy: 50 },
      { label: '2024-03-01T12', energy: 7 },
      { label: '2024-02-25T12', energy: 999 }, // before the 14 days
    ];
    const bars = lastDaysBars(hours, '2024-03-10');
    expect(bars.categories).toHaveLength(14);
    expect(bars.categories[0]).toBe('02-26');
    expect(bars.categories[13]).toBe('03-10');
    const values = bars.series[0]!.values;
    expect(values[13]).toBe(150);
    expect(values[bars.categories.indexOf('03-01')]).toBe(7);
    expect(values[12]).toBeNaN();
  });
});

describe('recentHeatGrid', () => {
  it('keeps the 28 days ending today', () => {
    const hours = [
      { label: '2024-03-10T05', energy: 10 },
      { label: '2024-02-12T05', energy: 20 }, // the 28th day back: kept
      { label: '2024-02-11T05', energy: 30 }, // the 29th: left out
    ];
    const grid = recentHeatGrid(hours, '2024-03-10');
    expect(grid.days).toEqual(['2024-02-12', '2024-03-10']);
    expect(grid.max).toBe(20);
  });
});

import { describe, expect, it } from 'vitest';
import { groupLabel, localDate } from './periods.ts';

describe('energy periods', () => {
  it('groups days into ISO weeks (Monday) and months', () => {
    expect(groupLabel('2024-03-31', 'week')).toBe('2024-03-25'); // a Sunday
    expect(groupLabel('2024-04-01', 'week')).toBe('2024-04-01'); // a Monday
    expect(groupLabel('2024-01-03', 'week')).toBe('2024-01-01');
    expect(groupLabel('2021-01-01', 'week')).toBe('2020-12-28'); // across the year
    expect(groupLabel('2024-02-29', 'month')).toBe('2024-02');
    expect(groupLabel('2024-02-29', 'day')).toBe('2024-02-29');
  });
  it('gives the local date in a time zone', () => {
    const t = Date.UTC(2024, 2, 30, 23, 30); // 23:30 UTC
    expect(localDate(t, 'UTC')).toBe('2024-03-30');
    expect(localDate(t, 'Europe/Berlin')).toBe('2024-03-31');
    expect(localDate(t, 'America/New_York')).toBe('2024-03-30');
  });
});

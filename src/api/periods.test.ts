import { describe, expect, it } from 'vitest';
import { localDate, localDays } from '../util/time/index.ts';
import { defaultEnergyFrom, groupLabel } from './periods.ts';

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

describe('defaultEnergyFrom', () => {
  const berlin = localDays('Europe/Berlin');
  // 2024-03-31 is the spring-forward day in Berlin; `to` is 10:00 local on Thursday 2024-04-11.
  const to = Date.parse('2024-04-11T08:00:00Z');
  it('starts 30 local days back, at local midnight, for days', () => {
    expect(new Date(defaultEnergyFrom(to, 'day', berlin)).toISOString()).toBe('2024-03-12T23:00:00.000Z');
  });
  it('starts on a Monday 11 weeks before, for weeks', () => {
    // Monday of the week of 2024-04-11 is 2024-04-08; 11 weeks before is 2024-01-22 (CET, UTC+1).
    expect(new Date(defaultEnergyFrom(to, 'week', berlin)).toISOString()).toBe('2024-01-21T23:00:00.000Z');
  });
  it('starts on the first of the month 11 months before, for months', () => {
    expect(new Date(defaultEnergyFrom(to, 'month', berlin)).toISOString()).toBe('2023-04-30T22:00:00.000Z');
  });
});

import { describe, expect, it } from 'vitest';
import {
  comparisonInstants,
  comparisonRange,
  localDays,
  parseRangeParams,
  periodDelta,
  presetRange,
  rangeDays,
  rangeInstants,
  resolutionFor,
} from './index.ts';

describe('range presets', () => {
  const today = '2026-03-31';
  it('are whole local days, today included', () => {
    expect(presetRange('today', today)).toEqual({ from: '2026-03-31', to: '2026-03-31' });
    expect(presetRange('yesterday', today)).toEqual({ from: '2026-03-30', to: '2026-03-30' });
    expect(presetRange('last-7-days', today)).toEqual({ from: '2026-03-25', to: '2026-03-31' });
    expect(presetRange('last-30-days', today)).toEqual({ from: '2026-03-02', to: '2026-03-31' });
    expect(presetRange('this-month', today)).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    expect(presetRange('last-month', today)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('last-month', '2026-01-15')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(presetRange('this-year', today)).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(presetRange('last-year', today)).toEqual({ from: '2025-01-01', to: '2025-12-31' });
  });
});

describe('comparison periods', () => {
  it('compare whole months with whole months and other ranges with as many days before', () => {
    expect(comparisonRange({ from: '2026-11-01', to: '2026-11-30' }, 'prev')).toEqual({
      from: '2026-10-01',
      to: '2026-10-31',
    });
    expect(comparisonRange({ from: '2026-03-01', to: '2026-03-31' }, 'prev')).toEqual({
      from: '2026-02-01',
      to: '2026-02-28',
    });
    expect(comparisonRange({ from: '2026-01-01', to: '2026-03-31' }, 'prev')).toEqual({
      from: '2025-10-01',
      to: '2025-12-31',
    });
    expect(comparisonRange({ from: '2026-03-25', to: '2026-03-31' }, 'prev')).toEqual({
      from: '2026-03-18',
      to: '2026-03-24',
    });
  });
  it('compare with the same dates a year earlier, 29 February as the 28th', () => {
    expect(comparisonRange({ from: '2028-02-01', to: '2028-02-29' }, 'year')).toEqual({
      from: '2027-02-01',
      to: '2027-02-28',
    });
  });
});

describe('ranges in a zone', () => {
  it('span the local days, 23 hours on the day clocks go forward', () => {
    const berlin = localDays('Europe/Berlin');
    const r = rangeInstants({ from: '2026-03-29', to: '2026-03-29' }, berlin);
    expect(r).toEqual({ from: Date.UTC(2026, 2, 28, 23), to: Date.UTC(2026, 2, 29, 22) });
    expect(rangeDays({ from: '2026-11-01', to: '2026-11-30' })).toBe(30);
  });
  it('compare instants as local days when they are whole days, else by wall clock or length', () => {
    const berlin = localDays('Europe/Berlin');
    const at = (d: string) => berlin.startOfDate(d);
    // April 2024 (whole local days) against March: 31 days of which one has 23 hours.
    const april = comparisonInstants(at('2024-04-01'), at('2024-05-01'), 'prev', berlin);
    expect(april).toEqual({
      from: at('2024-03-01'),
      to: at('2024-04-01'),
      offset: at('2024-04-01') - at('2024-03-01'),
    });
    // A week, a year earlier: the same local dates.
    const week = comparisonInstants(at('2024-04-01'), at('2024-04-08'), 'year', berlin);
    expect(week).toMatchObject({ from: at('2023-04-01'), to: at('2023-04-08') });
    // A zoomed-in hour: 14:00 local a year earlier (CEST both times), or the hour before.
    const h = at('2024-07-10') + 14 * 3_600_000;
    expect(comparisonInstants(h, h + 3_600_000, 'year', berlin)).toEqual({
      from: at('2023-07-10') + 14 * 3_600_000,
      to: at('2023-07-10') + 15 * 3_600_000,
      offset: h - (at('2023-07-10') + 14 * 3_600_000),
    });
    expect(comparisonInstants(h, h + 3_600_000, 'prev', berlin)).toEqual({
      from: h - 3_600_000,
      to: h,
      offset: 3_600_000,
    });
  });

  it('pick a resolution for the length', () => {
    expect([1, 2, 3, 31, 32, 400, 401].map(resolutionFor)).toEqual([
      'minute',
      'minute',
      'hour',
      'hour',
      'day',
      'day',
      'month',
    ]);
  });
});

describe('range parameters', () => {
  it('accept dates and a comparison', () => {
    expect(parseRangeParams({ from: '2026-11-01', to: '2026-11-30', cmp: 'prev' })).toEqual({
      ok: true,
      range: { from: '2026-11-01', to: '2026-11-30' },
      cmp: 'prev',
    });
    expect(parseRangeParams({ from: '2026-11-01', to: '2026-11-01' })).toMatchObject({
      ok: true,
      cmp: undefined,
    });
  });
  it('name the field that is wrong', () => {
    expect(parseRangeParams({ from: '2026-02-30', to: '2026-03-01' })).toMatchObject({
      ok: false,
      field: 'from',
    });
    expect(parseRangeParams({ from: '2026-03-01', to: 'tomorrow' })).toMatchObject({
      ok: false,
      field: 'to',
    });
    expect(parseRangeParams({ from: '2026-03-02', to: '2026-03-01' })).toMatchObject({
      ok: false,
      field: 'to',
    });
    expect(parseRangeParams({ from: '2000-01-01', to: '2026-03-01' })).toMatchObject({
      ok: false,
      field: 'to',
    });
    expect(parseRangeParams({ from: '2026-03-01', to: '2026-03-01', cmp: 'week' })).toMatchObject({
      ok: false,
      field: 'cmp',
    });
  });
  it('state a change in the unit and in %', () => {
    expect(periodDelta(90, 120)).toEqual({ delta: -30, percent: -25 });
    expect(periodDelta(5, 0)).toEqual({ delta: 5, percent: null });
  });
});

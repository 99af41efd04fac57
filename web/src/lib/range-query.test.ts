import { describe, expect, it } from 'vitest';
import {
  fmtChange,
  fmtEnergy,
  presetOf,
  presetRange,
  problemText,
  rangeSpan,
  readRangeQuery,
  spanDates,
  writeRangeQuery,
} from './range-query.ts';

const q = (s: string) => new URLSearchParams(s);

describe('ranges in the URL', () => {
  it('reads local days and a comparison, and writes them back keeping other parameters', () => {
    const r = readRangeQuery(q('channels=a,b&from=2026-11-01&to=2026-11-30&cmp=year'));
    expect(r).toEqual({
      range: { kind: 'days', days: { from: '2026-11-01', to: '2026-11-30' } },
      cmp: 'year',
      problem: undefined,
    });
    const back = writeRangeQuery(q('channels=a,b&tz=utc&cmp=year'), r.range!, 'prev');
    expect(back).toBe('channels=a%2Cb&tz=utc&cmp=prev&from=2026-11-01&to=2026-11-30');
    expect(writeRangeQuery(q(back), r.range!, undefined)).not.toContain('cmp');
    // Nothing asked: no range, no problem.
    expect(readRangeQuery(q('channels=a'))).toEqual({ range: undefined, cmp: undefined, problem: undefined });
  });

  it('reads explore spans in UTC ms only where spans are allowed', () => {
    const s = 'from=1768478430000&to=1768482030000&cmp=prev';
    expect(readRangeQuery(q(s), { spans: true }).range).toEqual({
      kind: 'span',
      from: 1768478430000,
      to: 1768482030000,
    });
    expect(readRangeQuery(q(s)).problem?.field).toBe('from');
    expect(writeRangeQuery(q(''), { kind: 'span', from: 1.5, to: 9.2 }, undefined)).toBe('from=1&to=10');
  });

  it('names the field of a hostile link and says what is shown instead', () => {
    const bad = (s: string, spans = true) => readRangeQuery(q(s), { spans }).problem;
    expect(bad('from=2026-11-30&to=2026-11-01')).toEqual({
      field: 'to',
      message: "'to' (2026-11-01) must not be before 'from' (2026-11-30)",
    });
    expect(bad('from=yesterday&to=2026-11-01')?.field).toBe('from');
    expect(bad('from=2026-02-30&to=2026-03-01')?.field).toBe('from');
    expect(bad('from=2026-11-01')?.field).toBe('to');
    expect(bad('from=1900-01-01&to=2026-01-01')?.field).toBe('from');
    expect(bad('from=2000-01-01&to=2026-01-01')?.message).toContain('at most 3660 days');
    expect(bad('from=2026-11-01&to=2026-11-02&cmp=week')?.field).toBe('cmp');
    expect(bad('from=2000&to=1000')).toMatchObject({ field: 'to' });
    expect(bad('from=1000&to=99999999999999')).toMatchObject({ field: 'to' });
    expect(bad('from=1000&to=2000&cmp=x')).toMatchObject({ field: 'cmp' });
    expect(readRangeQuery(q('from=2026-11-30&to=2026-11-01')).range).toBeUndefined();
    expect(problemText({ field: 'to', message: 'bad' }, 'the last 7 days')).toBe(
      "The link's 'to' is not usable: bad. Showing the last 7 days instead.",
    );
  });

  it('finds the preset of a range and the instants of local days', () => {
    const today = '2026-03-31';
    expect(presetOf(presetRange('last-30-days', today), today)).toBe('last-30-days');
    expect(presetOf({ from: '2026-03-03', to: '2026-03-31' }, today)).toBeUndefined();
    // 29 March 2026 is 23 hours long in Berlin.
    const span = rangeSpan({ kind: 'days', days: { from: '2026-03-29', to: '2026-03-29' } }, 'Europe/Berlin');
    expect(span).toEqual({ from: Date.UTC(2026, 2, 28, 23), to: Date.UTC(2026, 2, 29, 22) });
    expect(spanDates(span, 'Europe/Berlin')).toEqual({ from: '2026-03-29', to: '2026-03-29' });
  });

  it('states energy and changes', () => {
    expect(fmtEnergy(1_234_567, 'Wh')).toBe('1,234.6 kWh');
    expect(fmtEnergy(12.25, 'm³')).toBe('12.3 m³');
    expect(fmtChange(-1000, -0.61, 'Wh')).toBe('−1 kWh (−0.6 %)');
    expect(fmtChange(500, null, 'Wh')).toBe('+0.5 kWh (no earlier data)');
  });
});

/**
 * Time parameters as every route takes them: ISO 8601 or UTC milliseconds within 1970-2100, anything
 * else a 400 naming the field; properties over arbitrary input (fast-check) and the cases users meet.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { TS_MAX, TS_MIN } from '../ingest/time.ts';
import { parseTime, parseTimeRange } from './params.ts';

describe('parseTime', () => {
  it('gives a time in range or an InputError naming the field, for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          const ms = parseTime(text, 'from');
          expect(ms).toBeGreaterThanOrEqual(TS_MIN);
          expect(ms).toBeLessThan(TS_MAX);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
          expect((err as Error).message).toContain("field 'from'");
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back UTC milliseconds and ISO 8601 of every instant in range', () => {
    fc.assert(
      fc.property(fc.integer({ min: TS_MIN, max: TS_MAX - 1 }), (ms) => {
        expect(parseTime(String(ms), 'to')).toBe(ms);
        expect(parseTime(new Date(ms).toISOString(), 'to')).toBe(ms);
      }),
    );
  });

  it('reads dates and times without an offset in the given zone, with daylight saving', () => {
    expect(parseTime('2024-03-31', 'from', 'Europe/Berlin')).toBe(Date.parse('2024-03-30T23:00:00Z'));
    expect(parseTime('2024-04-01', 'from', 'Europe/Berlin')).toBe(Date.parse('2024-03-31T22:00:00Z'));
    expect(parseTime('2024-04-01T12:00+05:30', 'from', 'Europe/Berlin')).toBe(
      Date.parse('2024-04-01T06:30:00Z'),
    );
    expect(() => parseTime('2024-03-31T02:30', 'from', 'Europe/Berlin')).toThrow(/does not exist/);
  });

  it('refuses what a hostile or confused client sends, saying what is expected', () => {
    for (const bad of ['-1', '1.5', '-1e308', '1e308', 'NaN', 'Infinity', '2024-02-30', '2100-01-01', ''])
      expect(() => parseTime(bad, 'limit'), bad).toThrow(/field 'limit'.*ISO 8601.*UTC milliseconds/);
  });
});

describe('parseTimeRange', () => {
  it('checks order and span, and fills defaults', () => {
    expect(() => parseTimeRange({ from: '2024-01-02', to: '2024-01-01' })).toThrow(/'to'.*must be after/);
    expect(() => parseTimeRange({ from: '2020-01-01', to: '2024-01-01' }, { maxDays: 400 })).toThrow(
      /at most 400 days/,
    );
    expect(parseTimeRange({}, { defaultTo: () => 5000, defaultFrom: (to) => to - 1000 })).toEqual({
      from: 4000,
      to: 5000,
    });
    expect(() => parseTimeRange({ to: '5000' })).toThrow(/field 'from': required/);
  });
});

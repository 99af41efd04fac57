import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  daysInMonth,
  isTimeZone,
  LocalTimeConverter,
  localDate,
  localDays,
  parseWall,
  prevMonth,
  wallClock,
  wallToUtc,
  weekStart,
  zoneOffsets,
} from './index.ts';
import { Temporal } from './temporal.ts';

const ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Vancouver',
  'Australia/Sydney', // southern hemisphere: summer time across the new year
  'Australia/Lord_Howe', // 30-minute change
  'America/Santiago', // midnight skipped
  'Asia/Kolkata', // no change, half-hour offset
  'Asia/Tokyo',
] as const;
const zone = fc.constantFrom(...ZONES);
// 1970 to 2099 in whole seconds.
const instant = fc.integer({ min: 0, max: 4_102_444_799 }).map((s) => s * 1000);

const temporalOffset = (z: string, t: number) =>
  Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(z).offsetNanoseconds / 1e6;

describe('zone offsets', () => {
  it('agree with Temporal and Intl at any instant, in any order of asking', () => {
    fc.assert(
      fc.property(zone, fc.array(instant, { minLength: 1, maxLength: 30 }), (z, ts) => {
        const offsetAt = zoneOffsets(z);
        for (const t of ts) expect(offsetAt(t)).toBe(temporalOffset(z, t));
      }),
    );
    const ny = zoneOffsets('America/New_York');
    expect(ny(Date.UTC(2024, 0, 15))).toBe(-5 * 3600e3);
    expect(ny(Date.UTC(2024, 6, 15))).toBe(-4 * 3600e3);
  });

  it('change exactly at the transition instant', () => {
    const london = zoneOffsets('Europe/London');
    const change = Date.UTC(2024, 2, 31, 1); // 01:00 GMT -> 02:00 BST
    expect([london(change - 1), london(change), london(change + 1)]).toEqual([0, 3600e3, 3600e3]);
    expect(london(change - 1)).toBe(0);
  });

  it('knows zone names and refuses others', () => {
    expect(isTimeZone('Europe/London')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('+01:00')).toBe(false);
    expect(() => zoneOffsets('Mars/Olympus')).toThrow(RangeError);
  });
});

describe('local times to instants', () => {
  it('follow Temporal for every disambiguation, near clock changes and elsewhere', () => {
    const rules = ['earlier', 'later', 'compatible', 'reject'] as const;
    // Wall times within two hours of a change, or anywhere.
    const near = fc.tuple(zone, instant, fc.integer({ min: -7200, max: 7200 })).map(([z, t, d]) => {
      const next = Temporal.Instant.fromEpochMilliseconds(t)
        .toZonedDateTimeISO(z)
        .getTimeZoneTransition('next');
      const at = next && next.epochMilliseconds < 4_102_444_800_000 ? next.epochMilliseconds : t;
      return { z, wall: at + temporalOffset(z, at) + d * 1000 };
    });
    fc.assert(
      fc.property(near, fc.constantFrom(...rules), ({ z, wall }, rule) => {
        const pdt = Temporal.PlainDateTime.from(new Date(wall).toISOString().slice(0, 19));
        let expected: number;
        try {
          expected = pdt.toZonedDateTime(z, { disambiguation: rule }).epochMilliseconds;
        } catch {
          expected = NaN;
        }
        expect(wallToUtc(zoneOffsets(z), wall, rule)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('spring forward: skipped time moves forward (compatible) or is refused (reject)', () => {
    const ny = zoneOffsets('America/New_York');
    expect(wallToUtc(ny, parseWall('2024-03-10T02:30'))).toBe(Date.UTC(2024, 2, 10, 7, 30));
    expect(wallToUtc(ny, parseWall('2024-03-10T02:30'), 'reject')).toBeNaN();
    expect(wallToUtc(ny, parseWall('2024-11-03T01:30'))).toBe(Date.UTC(2024, 10, 3, 5, 30));
    expect(wallToUtc(ny, parseWall('2024-11-03T01:30'), 'later')).toBe(Date.UTC(2024, 10, 3, 6, 30));
  });

  it('parses wall texts and refuses days that do not exist', () => {
    expect(parseWall('2024-02-29T12:00:30.5')).toBe(Date.UTC(2024, 1, 29, 12, 0, 30, 500));
    expect(parseWall('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(parseWall('2023-02-29')).toBeNaN();
    expect(parseWall('next tuesday')).toBeNaN();
  });

  it('a logger file keeps its order through the repeated hour', () => {
    const ny = new LocalTimeConverter('America/New_York');
    const seq = ['01:00', '01:30', '01:00', '01:30', '02:00'].map((h) =>
      new Date(ny.toUtc(Date.parse(`2024-11-03T${h}:00Z`))).toISOString().slice(11, 16),
    );
    expect(seq).toEqual(['05:00', '05:30', '06:00', '06:30', '07:00']);
    expect(ny.toUtc(Date.parse('2024-03-10T02:30:00Z'))).toBeNaN();
  });
});

describe('local days', () => {
  it('start at local midnight and last 23, 24 or 25 hours as Temporal says', () => {
    fc.assert(
      fc.property(zone, instant, (z, t) => {
        const days = localDays(z);
        const zdt = Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(z);
        const day = days.dayOf(t);
        expect(days.dateOf(t)).toBe(zdt.toPlainDate().toString());
        expect(days.startOf(day)).toBe(zdt.startOfDay().epochMilliseconds);
        expect(days.hoursIn(day)).toBe(zdt.hoursInDay);
      }),
    );
  });

  it('clock-change days in Berlin and a skipped midnight in Santiago', () => {
    const berlin = localDays('Europe/Berlin');
    expect(berlin.hoursIn(berlin.dayOf(Date.UTC(2024, 2, 31, 12)))).toBe(23);
    expect(berlin.hoursIn(berlin.dayOf(Date.UTC(2024, 9, 27, 12)))).toBe(25);
    expect(berlin.startOfDate('2024-03-31')).toBe(Date.UTC(2024, 2, 30, 23));
    const santiago = localDays('America/Santiago');
    // 2024-09-08: 00:00 -04 became 01:00 -03; the day starts at the change, 04:00 UTC.
    expect(santiago.startOfDate('2024-09-08')).toBe(Date.UTC(2024, 8, 8, 4));
    expect(localDate(Date.UTC(2024, 2, 30, 23, 30), 'Europe/Berlin')).toBe('2024-03-31');
  });
});

describe('wall clock and labels', () => {
  it('reads the wall clock as Intl does', () => {
    fc.assert(
      fc.property(zone, instant, (z, t) => {
        const intl = new Intl.DateTimeFormat('sv-SE', {
          timeZone: z,
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
        }).format(t);
        expect(wallClock(z).dateTime(t)).toBe(intl);
      }),
    );
  });

  it('shift days and months, find week starts and month lengths', () => {
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2024-03-31', -13)).toBe('2023-02-28');
    expect(prevMonth('2024-01')).toBe('2023-12');
    expect(daysInMonth('2024-02')).toBe(29);
    expect(weekStart('2024-03-31')).toBe('2024-03-25');
    expect(weekStart('2024-03-25')).toBe('2024-03-25');
  });
});

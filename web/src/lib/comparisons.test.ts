/** Like-for-like period comparisons (issue 14, item 4). */
import { describe, expect, it } from 'vitest';
import { changeTone, sameTimeComparisons, wallClock } from './comparisons.ts';
import { fromWallInput } from './time-zone.ts';

const HOUR = 3_600_000;
const NY = 'America/New_York';

/** A flat load of `wh` per hour from `from` to `to` (UTC ms): hourly rows and daily rows in `zone`. */
function flatLoad(from: number, to: number, wh: number, zone: string) {
  const hours: { start: number; energy: number }[] = [];
  const byDay = new Map<string, number>();
  for (let t = from; t < to; t += HOUR) {
    const energy = Math.min(1, (to - t) / HOUR) * wh;
    hours.push({ start: t, energy });
    const day = wallClock(t, zone).date;
    byDay.set(day, (byDay.get(day) ?? 0) + energy);
  }
  return { hours, days: [...byDay].map(([label, energy]) => ({ label, energy })) };
}

describe('sameTimeComparisons', () => {
  it('compares today until 14:30 with yesterday until 14:30, not with all of yesterday', () => {
    const now = fromWallInput('2026-11-25T14:30', NY);
    const load = flatLoad(fromWallInput('2026-10-01T00:00', NY), now, 100, NY);
    const c = sameTimeComparisons({ ...load, now, zone: NY });
    expect(c.day.now).toBeCloseTo(1450, 6);
    expect(c.day.prev).toBeCloseTo(1450, 6); // was 2400: "-40 % vs yesterday" for a steady load
    expect(c.day.tone).toBe('same');
    expect(c.week.now).toBeCloseTo(6 * 2400 + 1450, 6);
    expect(c.week.prev).toBeCloseTo(c.week.now, 6);
    // 24 days and 14.5 hours on both sides; 2026-11-01 had 25 hours (daylight saving ended).
    expect(c.month.now).toBeCloseTo(24 * 2400 + 100 + 1450, 6);
    expect(c.month.prev).toBeCloseTo(24 * 2400 + 1450, 6);
    // Without hourly rows for last month's day, its daily energy is taken pro rata: the same here.
    const recent = load.hours.filter((h) => h.start >= now - 8 * 24 * HOUR);
    const d = sameTimeComparisons({ days: load.days, hours: recent, now, zone: NY });
    expect(d.month.prev).toBeCloseTo(24 * 2400 + 1450, 6);
    expect(d.day.prev).toBeCloseTo(1450, 6);
  });

  it('cuts the day after a daylight-saving change at the same wall-clock time', () => {
    // 2026-03-08 lost its 02:00 hour in New York: until 12:00 it had 11 hours, not 12.
    const now = fromWallInput('2026-03-09T12:00', NY);
    const load = flatLoad(fromWallInput('2026-02-01T00:00', NY), now, 100, NY);
    const c = sameTimeComparisons({ ...load, now, zone: NY });
    expect(c.day.now).toBeCloseTo(1200, 6);
    expect(c.day.prev).toBeCloseTo(1100, 6);
  });

  it('colours by meaning: less use is good, more is bad, within 5 % the same, no base none', () => {
    const now = fromWallInput('2026-11-25T06:00', NY);
    const load = flatLoad(fromWallInput('2026-11-01T00:00', NY), now, 100, NY);
    const today = load.days.find((d) => d.label === '2026-11-25')!;
    today.energy /= 2; // half of yesterday's use by 06:00
    expect(sameTimeComparisons({ ...load, now, zone: NY }).day).toMatchObject({
      now: 300,
      prev: 600,
      tone: 'less',
    });
    expect(changeTone(130, 100)).toBe('more');
    expect(changeTone(97, 100)).toBe('same');
    expect(changeTone(5, 0)).toBe('none');
  });
});

/** Explore: raw points when they fit, min/max buckets otherwise, aligned aggregations, CSV export. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electricityMeter, powerMains } from '../../store/contract/fixtures.ts';
import type { ReadingRepo } from '../../store/ports/readings.ts';
import { T0, type World, login, openWorld, powerBatch, worldServer } from '../test-world.ts';
import { readSeries } from './explore.ts';

const HOUR = 3_600_000;
const HALF_HOUR = 1_800_000;
const DAY = 86_400_000;
/** 2024-03-30 00:00 UTC, local midnight in London (GMT); the clocks go forward on Sunday 31 March. */
const MAR_30 = Date.UTC(2024, 2, 30);
/** 2024-10-26 00:00 UTC, 01:00 in London (BST); the clocks go back on Sunday 27 October. */
const OCT_26 = Date.UTC(2024, 9, 26);

interface SeriesBody {
  series: {
    channelId: string;
    raw: boolean;
    bucketMs: number | null;
    ts: number[];
    value?: number[];
    min?: number[];
    max?: number[];
    mean?: number[];
    count?: number[];
  }[];
}

describe('explore routes', () => {
  let w: World;
  let app: FastifyInstance;
  let cookie: string;
  const get = async (url: string) => app.inject({ method: 'GET', url, headers: { cookie } });
  /** Adds a facility of organisation a in `timeZone` with one channel holding `batches` (readings i = 0, 1, ... every 30 min from each start). */
  const zoneChannel = async (
    name: string,
    timeZone: string,
    starts: number[],
    intervalMs = 1000,
  ): Promise<string> => {
    const f = { ...w.a.facility, id: `fac-${name}`, name, timeZone };
    const m = electricityMeter(`met-${name}`, f.id);
    const c = { ...powerMains(`ch-${name}`, m.id), intervalMs };
    await w.store.catalog.upsertFacilities([f]);
    await w.store.catalog.upsertMeters([m]);
    await w.store.catalog.upsertChannels([c]);
    for (const t0 of starts) {
      const b = powerBatch(c.id, t0, 4 * 48, HALF_HOUR);
      b.value.forEach((_, i) => (b.value[i] = i));
      await w.store.readings.write(b);
    }
    return c.id;
  };
  let london = '';
  let utc = '';
  /** As `utc`, with its true interval, so that the batch integrates its half hours. */
  let halfHourly = '';
  beforeAll(async () => {
    w = await openWorld();
    // 20,000 one-second readings after the 600 seeded ones.
    await w.store.readings.write(powerBatch(w.a.channel.id, T0 + 600_000, 20_000, 1000));
    // Four days of half-hourly readings from each UTC midnight, across both 2024 clock changes in London.
    london = await zoneChannel('london', 'Europe/London', [MAR_30, OCT_26]);
    utc = await zoneChannel('utc', 'UTC', [MAR_30]);
    halfHourly = await zoneChannel('half-hourly', 'UTC', [MAR_30], HALF_HOUR);
    app = await worldServer(w);
    cookie = (await login(app, w.a.users.viewer.email)).cookie;
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('returns raw points when they fit in the width', async () => {
    const res = await get(
      `/api/v1/explore?channels=${w.a.channel.id}&from=${T0}&to=${T0 + 100_000}&width=100`,
    );
    expect(res.statusCode).toBe(200);
    const [s] = res.json<SeriesBody>().series;
    expect(s).toMatchObject({ channelId: w.a.channel.id, raw: true, bucketMs: null });
    expect(s!.ts).toHaveLength(100);
    expect(s!.ts[1]! - s!.ts[0]!).toBe(1000);
    expect(s!.value!.slice(0, 3)).toEqual([100, 101, 102]);
  });

  it("reads raw points in one query when the channel's interval says they fit, buckets when it is wrong", async () => {
    const calls: string[] = [];
    const r = w.store.readings;
    const readings: ReadingRepo = {
      ...r,
      downsample: (...a) => (calls.push('downsample'), r.downsample(...a)),
      readColumns: (...a) => (calls.push('readColumns'), r.readColumns(...a)),
    };
    const id = w.a.channel.id;
    const q = { from: T0, to: T0 + 100_000, agg: 'auto' as const, width: 100 };
    const counted = await readSeries(readings, id, q);
    expect(calls.splice(0)).toEqual(['downsample', 'readColumns']);
    const direct = await readSeries(readings, id, { ...q, intervalMs: 1000 });
    expect(calls.splice(0)).toEqual(['readColumns']);
    expect(direct).toEqual(counted);
    expect(direct).toMatchObject({ raw: true, ts: expect.any(Array) as unknown });
    // 1 s data on a channel that claims 10 s: 1,000 points do not fit in 100 pixels after all.
    const wide = { ...q, to: T0 + 1_000_000 };
    const dense = await readSeries(readings, id, { ...wide, intervalMs: 10_000 });
    expect(calls.splice(0)).toEqual(['readColumns', 'downsample']);
    expect(dense).toEqual(await readSeries(readings, id, wide));
    expect(dense.raw).toBe(false);
  });

  it('downsamples to min/max buckets per pixel when there are too many points', async () => {
    const res = await get(
      `/api/v1/explore?channels=${w.a.channel.id}&from=${T0}&to=${T0 + 20_600_000}&width=200`,
    );
    const [s] = res.json<SeriesBody>().series;
    expect(s!.raw).toBe(false);
    expect(s!.ts.length).toBeLessThanOrEqual(200);
    expect(s!.ts.length).toBeGreaterThan(190);
    expect(s!.count!.reduce((a, b) => a + b, 0)).toBe(20_600);
    // Each bucket spans 103 s of a 60 s saw tooth 100..159 W: min and max are its ends.
    expect(Math.min(...s!.min!)).toBe(100);
    expect(Math.max(...s!.max!)).toBe(159);
    expect(s!.min![0]).toBe(100);
    expect(s!.max![0]).toBe(159);
  });

  it('aligns fixed aggregations and widens them to fit the width', async () => {
    const oneMin = (
      await get(`/api/v1/explore?channels=${w.a.channel.id}&from=${T0}&to=${T0 + 3_600_000}&agg=1m`)
    ).json<SeriesBody>();
    const s = oneMin.series[0]!;
    expect(s.bucketMs).toBe(60_000);
    expect(s.ts.every((t) => t % 60_000 === 0)).toBe(true);
    expect(s.ts).toHaveLength(61); // T0 is 20 s into a minute: 61 minute buckets hold the hour
    const wide = (
      await get(`/api/v1/explore?channels=${w.a.channel.id}&from=${T0}&to=${T0 + 20_600_000}&agg=1m&width=50`)
    ).json<SeriesBody>();
    expect(wide.series[0]!.bucketMs).toBe(60_000 * 7); // 345 minutes into at most 50 buckets
    expect(wide.series[0]!.ts.length).toBeLessThanOrEqual(50);
  });

  it("starts day buckets at the facility's local midnight, 23 and 25 hours long at the clock changes", async () => {
    const day = async (from: number, to: number) =>
      (await get(`/api/v1/explore?channels=${london}&from=${from}&to=${to}&agg=day`)).json<SeriesBody>()
        .series[0]!;
    // Readings i = 0, 1, ... every 30 min from 30 March 00:00 UTC; 31 March is 00:00Z to 23:00Z (23 h).
    const spring = await day(MAR_30, MAR_30 + 3 * DAY - HOUR); // to 2 April 00:00 BST
    expect(spring).toMatchObject({ raw: false, bucketMs: DAY });
    expect(spring.ts).toEqual([MAR_30, MAR_30 + DAY, MAR_30 + 2 * DAY - HOUR]);
    expect(spring.count).toEqual([48, 46, 48]);
    expect(spring.min).toEqual([0, 48, 94]);
    expect(spring.max).toEqual([47, 93, 141]);
    expect(spring.mean).toEqual([23.5, 70.5, 117.5]);
    // In BST the 26th began at 25 October 23:00Z, an hour before the first reading; the 27th runs from
    // 26 October 23:00Z to 28 October 00:00Z (25 h); the 28th is GMT.
    const autumn = await day(OCT_26, OCT_26 + 3 * DAY);
    expect(autumn.ts).toEqual([OCT_26 - HOUR, OCT_26 + DAY - HOUR, OCT_26 + 2 * DAY]);
    expect(autumn.count).toEqual([46, 50, 48]);
    expect(autumn.min).toEqual([0, 46, 96]);
    expect(autumn.max).toEqual([45, 95, 143]);
    expect(autumn.mean).toEqual([22.5, 70.5, 119.5]);
  });

  it('widens local days to several per bucket, still from local midnight', async () => {
    const s = await readSeries(w.store.readings, london, {
      from: MAR_30 + HOUR,
      to: MAR_30 + 3 * DAY,
      agg: 'day',
      width: 2,
      timeZone: 'Europe/London',
    });
    expect(s).toMatchObject({ raw: false, bucketMs: 2 * DAY, ts: [MAR_30, MAR_30 + 2 * DAY - HOUR] });
    expect(s.raw || [s.count, s.min, s.max]).toEqual([
      [94, 96], // the second bucket ends at 2 April 23:00Z, the readings at 23:30Z
      [0, 94],
      [93, 189],
    ]);
  });

  it('keeps UTC day buckets of a UTC facility as one downsample of whole days', async () => {
    const calls: Parameters<ReadingRepo['downsample']>[] = [];
    const r = w.store.readings;
    const readings: ReadingRepo = { ...r, downsample: (...a) => (calls.push(a), r.downsample(...a)) };
    const q = { from: MAR_30 + 5 * HOUR, to: MAR_30 + 3 * DAY, agg: 'day' as const, width: 1000 };
    const s = await readSeries(readings, utc, { ...q, timeZone: 'UTC' });
    expect(calls).toEqual([[utc, MAR_30, MAR_30 + 3 * DAY, 3]]);
    expect(s).toMatchObject({
      bucketMs: DAY,
      ts: [MAR_30, MAR_30 + DAY, MAR_30 + 2 * DAY],
      count: [48, 48, 48],
    });
    expect(s).toEqual(await readSeries(r, utc, q)); // no zone means UTC
    const res = await get(`/api/v1/explore?channels=${utc}&from=${q.from}&to=${q.to}&agg=day`);
    expect(res.json<SeriesBody>().series[0]).toMatchObject({
      ts: s.ts,
      min: [0, 48, 96],
      max: [47, 95, 143],
    });
  });

  it('rejects bad ranges and unknown channels clearly', async () => {
    const bad = await get(`/api/v1/explore?channels=${w.a.channel.id}&from=${T0}&to=${T0}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'INPUT_INVALID' });
    expect(bad.json<{ message: string }>().message).toContain("field 'to'");
    const agg = await get(`/api/v1/explore?channels=${w.a.channel.id}&from=${T0}&to=${T0 + 1}&agg=week`);
    expect(agg.statusCode).toBe(400);
    expect(agg.json<{ message: string }>().message).toContain('agg');
    expect((await get(`/api/v1/explore?channels=nope&from=${T0}&to=${T0 + 1000}`)).statusCode).toBe(404);
  });

  it('compares with the day before and a year earlier: aligned series, totals from rollups, partial flagged', async () => {
    await w.store.rollups.recompute('all');
    type Compared = SeriesBody['series'][number] & {
      comparison?: { raw: boolean; ts: number[]; mean?: number[] };
      totals?: {
        unit: string | null;
        current: number;
        coverage: number;
        comparison: number | null;
        comparisonCoverage: number | null;
        delta: number | null;
        percent: number | null;
        partial: boolean;
      };
    };
    type Body = {
      resolution: string;
      comparison: { cmp: string; from: number; to: number; offset: number; timeZone: string } | null;
      series: Compared[];
    };
    const apr1 = Date.UTC(2024, 3, 1);
    const url = (cmp: string) =>
      `/api/v1/explore?channels=${halfHourly}&from=${apr1}&to=${apr1 + DAY}&agg=hour&cmp=${cmp}`;
    const prev = (await get(url('prev'))).json<Body>();
    expect(prev.resolution).toBe('minute');
    expect(prev.comparison).toEqual({
      cmp: 'prev',
      from: apr1 - DAY,
      to: apr1,
      offset: DAY,
      timeZone: 'UTC',
    });
    const [s] = prev.series;
    // Hourly buckets of 31 March, whose readings are 48 + 2h and 49 + 2h: shifted by the offset they
    // fall on the hours of 1 April.
    expect(s!.comparison!.ts.map((t) => t + prev.comparison!.offset)).toEqual(s!.ts);
    expect(s!.comparison!.mean![0]).toBeCloseTo(48.5, 9);
    expect(s!.mean![0]).toBeCloseTo(96.5, 9);
    const rollup = async (day: number) =>
      (
        await w.store.rollups.listRollups({
          level: 'channel',
          period: 'day',
          channelId: halfHourly,
          from: day,
          to: day + 1,
        })
      )[0]!;
    const [today, before] = [await rollup(apr1), await rollup(apr1 - DAY)];
    expect(s!.totals).toMatchObject({ unit: 'Wh', partial: false });
    expect(s!.totals!.current).toBeCloseTo(today.energy, 6);
    expect(s!.totals!.comparison).toBeCloseTo(before.energy, 6);
    expect(s!.totals!.delta).toBeCloseTo(today.energy - before.energy, 6);
    expect(s!.totals!.percent).toBeCloseTo(((today.energy - before.energy) / before.energy) * 100, 6);
    expect(s!.totals!.comparisonCoverage).toBeGreaterThan(0.9);

    // A year earlier there is no data: the comparison is flagged, with no % to state.
    const year = (await get(url('year'))).json<Body>();
    expect(year.comparison).toMatchObject({ from: Date.UTC(2023, 3, 1), to: Date.UTC(2023, 3, 2) });
    expect(year.series[0]!.comparison!.ts).toEqual([]);
    expect(year.series[0]!.totals).toMatchObject({
      comparison: 0,
      comparisonCoverage: 0,
      percent: null,
      partial: true,
    });
    // `none`: the totals alone; without cmp neither.
    const none = (await get(url('none'))).json<Body>();
    expect(none.comparison).toBeNull();
    expect(none.series[0]!.comparison).toBeUndefined();
    expect(none.series[0]!.totals!.current).toBeCloseTo(today.energy, 6);
    const plain = (
      await get(`/api/v1/explore?channels=${halfHourly}&from=${apr1}&to=${apr1 + DAY}`)
    ).json<Body>();
    expect(plain.series[0]!.totals).toBeUndefined();

    // Whole local days of London compare in London's calendar: the 23-hour day before 1 April.
    const mar31 = Date.UTC(2024, 2, 31);
    const london = (
      await get(
        `/api/v1/explore?channels=${halfHourly}&from=${mar31 - HOUR}&to=${apr1 - HOUR}&cmp=prev&tz=Europe/London`,
      )
    ).json<Body>();
    expect(london.comparison).toMatchObject({ from: mar31 - HOUR - DAY, to: mar31 - HOUR });
  });

  it('rejects a bad comparison or zone, naming the field', async () => {
    const q = `/api/v1/explore?channels=${utc}&from=${T0}&to=${T0 + HOUR}`;
    const cmp = await get(`${q}&cmp=week`);
    expect(cmp.statusCode).toBe(400);
    expect(cmp.json<{ message: string }>().message).toContain('cmp');
    const tz = await get(`${q}&cmp=prev&tz=Mars/Olympus`);
    expect(tz.statusCode).toBe(400);
    expect(tz.json<{ message: string }>().message).toMatch(/field 'tz'.*Mars\/Olympus/);
  });

  it('exports raw readings as CSV', async () => {
    const res = await get(`/api/v1/explore/export.csv?channels=${w.a.channel.id}&from=${T0}&to=${T0 + 5000}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe('channel_id,time,value,quality');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toBe(`${w.a.channel.id},${new Date(T0).toISOString()},100.0,0`);
  });
});

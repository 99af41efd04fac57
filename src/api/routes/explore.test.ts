/** Explore: raw points when they fit, min/max buckets otherwise, aligned aggregations, CSV export. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingRepo } from '../../store/ports/readings.ts';
import { T0, type World, login, openWorld, powerBatch, worldServer } from '../test-world.ts';
import { readSeries } from './explore.ts';

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
  beforeAll(async () => {
    w = await openWorld();
    // 20,000 one-second readings after the 600 seeded ones.
    await w.store.readings.write(powerBatch(w.a.channel.id, T0 + 600_000, 20_000, 1000));
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

  it('exports raw readings as CSV', async () => {
    const res = await get(`/api/v1/explore/export.csv?channels=${w.a.channel.id}&from=${T0}&to=${T0 + 5000}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe('channel_id,ts,value,quality');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toBe(`${w.a.channel.id},${T0},100.0,0`);
  });
});

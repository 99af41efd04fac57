import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { channelBatch, localDate, referenceEnergy, seedFacility, steps } from './test-support.ts';

const H = 3_600_000;
const NY = 'America/New_York';

describe.each(STORE_FACTORIES)('rollups on $kind', (factory) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('gives 23 h and 25 h local days across the US/Eastern daylight-saving changes', async () => {
    const store = t.store;
    await seedFacility(store, {
      facilityId: 'dst',
      timeZone: NY,
      channels: [{ id: 'dst-p', isMains: true }],
    });
    // 1 kW every minute from local midnight 2024-03-09 to 2024-03-12, and 2024-11-02 to 2024-11-05.
    const spring = steps(Date.parse('2024-03-09T05:00:00Z'), Date.parse('2024-03-12T04:00:00Z'), 60_000);
    const fall = steps(Date.parse('2024-11-02T04:00:00Z'), Date.parse('2024-11-05T05:00:00Z'), 60_000);
    const ts = [...spring, ...fall];
    await store.readings.write(
      channelBatch(
        'dst-p',
        ts,
        ts.map(() => 1000),
      ),
    );
    await store.rollups.recompute('all');
    const days = await store.rollups.listRollups({ level: 'channel', period: 'day', channelId: 'dst-p' });
    const byLabel = new Map(days.map((d) => [d.label, d]));
    expect([...byLabel.keys()]).toEqual([
      '2024-03-09',
      '2024-03-10',
      '2024-03-11',
      '2024-11-02',
      '2024-11-03',
      '2024-11-04',
    ]);
    // The last sample of each run has no next sample: its minute is not integrated.
    expect(byLabel.get('2024-03-10')?.energy).toBeCloseTo(23_000, 6);
    expect(byLabel.get('2024-03-10')?.coverage).toBeCloseTo(1, 9);
    expect(byLabel.get('2024-03-10')?.start).toBe(Date.parse('2024-03-10T05:00:00Z'));
    expect(byLabel.get('2024-11-03')?.energy).toBeCloseTo(25_000, 6);
    expect(byLabel.get('2024-11-03')?.start).toBe(Date.parse('2024-11-03T04:00:00Z'));
    expect(byLabel.get('2024-03-09')?.energy).toBeCloseTo(24_000, 6);
    expect(byLabel.get('2024-03-11')?.energy).toBeCloseTo(24_000 - 1000 / 60, 6);
    expect(byLabel.get('2024-03-11')?.coverage).toBeCloseTo(1 - 1 / 1440, 9);
    const hours = await store.rollups.listRollups({ level: 'channel', period: 'hour', channelId: 'dst-p' });
    const perDay = new Map<string, number>();
    for (const h of hours) perDay.set(h.label.slice(0, 10), (perDay.get(h.label.slice(0, 10)) ?? 0) + 1);
    expect(perDay.get('2024-03-10')).toBe(23);
    expect(perDay.get('2024-11-03')).toBe(25);
    expect(perDay.get('2024-11-04')).toBe(24);
    // The repeated local hour 01:00 on 2024-11-03 appears twice, one UTC hour apart.
    const one = hours.filter((h) => h.label === '2024-11-03T01');
    expect(one.map((h) => h.start)).toEqual([
      Date.parse('2024-11-03T05:00:00Z'),
      Date.parse('2024-11-03T06:00:00Z'),
    ]);
    expect(hours.some((h) => h.label === '2024-03-10T02')).toBe(false);
    expect(one[0]?.meanPower).toBeCloseTo(1000, 9);
  });

  it('integrates power with the gap rule, sums intervals, and takes register deltas with reset and rollover', async () => {
    const store = t.store;
    await seedFacility(store, {
      facilityId: 'f',
      timeZone: 'UTC',
      channels: [
        { id: 'f-pow', intervalMs: 10_000, maxGapMs: 60_000 },
        { id: 'f-int', measurement: 'interval', unit: 'Wh', intervalMs: 15 * 60_000 },
        { id: 'f-reg', measurement: 'register', unit: 'Wh', intervalMs: 15 * 60_000, rolloverAt: 10_000 },
        { id: 'f-rst', measurement: 'register', unit: 'Wh', intervalMs: 15 * 60_000 },
      ],
    });
    const day = Date.parse('2024-05-01T00:00:00Z');
    // Power: irregular steps of 7-13 s, a 10-minute hole at 06:00, a 2-minute hole at 12:00.
    const pts: number[] = [];
    for (let tt = day; tt < day + 24 * H; tt += 7_000 + ((tt / 1000) % 7) * 1000) {
      if (tt >= day + 6 * H && tt < day + 6 * H + 600_000) continue;
      if (tt >= day + 12 * H && tt < day + 12 * H + 120_000) continue;
      pts.push(tt);
    }
    const pv = pts.map((_, i) => 500 + 400 * Math.sin(i / 50));
    const its = steps(day, day + 24 * H, 15 * 60_000);
    const iv = its.map((_, i) => 10 + (i % 9));
    const rv = its.map((_, i) => (9_000 + i * 50) % 10_000);
    const sv = its.map((_, i) => (i < 40 ? 100 + i * 20 : (i - 40) * 20));
    await store.readings.write(channelBatch('f-pow', pts, pv));
    await store.readings.write(channelBatch('f-int', its, iv));
    await store.readings.write(channelBatch('f-reg', its, rv));
    await store.readings.write(channelBatch('f-rst', its, sv));
    await store.rollups.recompute('all');
    const hourOf = (x: number) => new Date(x - (x % H)).toISOString().slice(0, 13);
    const cases = [
      { id: 'f-pow', kind: 'power' as const, ts: pts, v: pv, gap: 60_000, roll: null },
      { id: 'f-int', kind: 'interval' as const, ts: its, v: iv, gap: 45 * 60_000, roll: null },
      { id: 'f-reg', kind: 'register' as const, ts: its, v: rv, gap: 45 * 60_000, roll: 10_000 },
      { id: 'f-rst', kind: 'register' as const, ts: its, v: sv, gap: 45 * 60_000, roll: null },
    ];
    for (const c of cases) {
      const ref = referenceEnergy(c.kind, c.ts, c.v, c.gap, hourOf, c.roll);
      const hours = await store.rollups.listRollups({ level: 'channel', period: 'hour', channelId: c.id });
      expect(hours).toHaveLength(24);
      for (const h of hours) expect(h.energy, `${c.id} ${h.label}`).toBeCloseTo(ref.get(h.label) ?? NaN, 6);
      const [d] = await store.rollups.listRollups({ level: 'channel', period: 'day', channelId: c.id });
      const total = [...ref.values()].reduce((a, b) => a + b, 0);
      expect(d?.energy).toBeCloseTo(total, 6);
    }
    const powHours = await store.rollups.listRollups({
      level: 'channel',
      period: 'hour',
      channelId: 'f-pow',
    });
    const six = powHours.find((h) => h.label === '2024-05-01T06');
    // The 10-minute hole is longer than the 60 s maximum gap: about 50 of 60 minutes covered.
    expect(six?.coverage).toBeGreaterThan(49 / 60);
    expect(six?.coverage).toBeLessThan(51 / 60);
    // The 2-minute hole is longer than the gap as well.
    expect(powHours.find((h) => h.label === '2024-05-01T12')?.coverage).toBeLessThan(59 / 60);
    expect(powHours.find((h) => h.label === '2024-05-01T03')?.coverage).toBeCloseTo(1, 2);
    const int = await store.rollups.listRollups({ level: 'channel', period: 'hour', channelId: 'f-int' });
    expect(int[0]?.coverage).toBe(1);
    expect(int[0]?.samples).toBe(4);
    // Interval energy (Wh per 15 min) as power: value x 4.
    expect(int[0]?.maxPower).toBeCloseTo(13 * 4, 9);
    expect(localDate(day, 'UTC')).toBe('2024-05-01');
  });

  it("sets a power channel's default maximum gap from its observed steps, clamped to 3-10 x nominal", async () => {
    const store = t.store;
    // Nominal 10 s. `jit`: every 10th step is 32 s of jitter (p99 32 s -> gap 96 s) and a 10-minute
    // hole. `slow`: logs every 60 s (p99 60 s -> 180 s, clamped to 10 x nominal = 100 s), a 180 s step (dropped).
    await seedFacility(store, {
      facilityId: 'gap',
      timeZone: 'UTC',
      channels: [
        { id: 'gap-jit', intervalMs: 10_000 },
        { id: 'gap-slow', intervalMs: 10_000 },
      ],
    });
    const day = Date.parse('2024-06-01T00:00:00Z');
    const jit: number[] = [];
    for (let tt = day, i = 0; tt < day + 24 * H; tt += i++ % 10 === 9 ? 32_000 : 10_000)
      if (tt < day + 6 * H || tt >= day + 6 * H + 600_000) jit.push(tt);
    const slow = steps(day, day + 24 * H, 60_000).filter(
      (x) => x !== day + 3 * H && x !== day + 3 * H + 60_000,
    );
    const value = (ts: number[]) => ts.map((_, i) => 400 + (i % 13) * 10);
    await store.readings.write(channelBatch('gap-jit', jit, value(jit)));
    await store.readings.write(channelBatch('gap-slow', slow, value(slow)));
    await store.rollups.recompute('all');
    for (const [id, ts, gap] of [
      ['gap-jit', jit, 96_000],
      ['gap-slow', slow, 100_000],
    ] as const) {
      const ref = referenceEnergy('power', ts, value(ts), gap, () => 'day');
      const [d] = await store.rollups.listRollups({ level: 'channel', period: 'day', channelId: id });
      expect(d?.energy, id).toBeCloseTo(ref.get('day') ?? NaN, 6);
    }
    const hours = await store.rollups.listRollups({ level: 'channel', period: 'hour', channelId: 'gap-jit' });
    // The jitter is covered, the 10-minute hole is not.
    expect(hours.find((h) => h.label === '2024-06-01T05')?.coverage).toBeCloseTo(1, 2);
    expect(hours.find((h) => h.label === '2024-06-01T06')?.coverage).toBeLessThan(51 / 60);
    const slowHours = await store.rollups.listRollups({
      level: 'channel',
      period: 'hour',
      channelId: 'gap-slow',
    });
    expect(slowHours.find((h) => h.label === '2024-06-01T02')?.coverage).toBeLessThan(59.5 / 60);
  });
});

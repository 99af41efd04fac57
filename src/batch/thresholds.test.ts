/**
 * Percentile thresholds wait for enough active history: a channel never on (or on too briefly) gets
 * none, so its first use is not an overshoot of "threshold 0" (issue 14, item 3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { channelBatch, seedFacility, steps } from './test-support.ts';

const day0 = Date.parse('2024-02-01T00:00:00Z');
const H = 3_600_000;

describe.each(STORE_FACTORIES)('thresholds need active history on $kind', (factory) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('gives no p97 to channels without enough active history, and one once they have it', async () => {
    const store = t.store;
    const ids = ['never', 'short', 'rare', 'sparse', 'ok'];
    await seedFacility(store, { facilityId: 'thr', timeZone: 'UTC', channels: ids.map((id) => ({ id })) });
    const day = steps(day0, day0 + 24 * H, 60_000); // 1440 readings over 24 h
    const halfDay = steps(day0, day0 + 12 * H, 60_000);
    const on = (ts: number[], active: (i: number) => boolean) => ts.map((_, i) => (active(i) ? 800 : 0));
    // Never on: p97 of its active values would be "0", the old fallback.
    await store.readings.write(
      channelBatch(
        'never',
        day,
        on(day, () => false),
      ),
    );
    // Always on, but only 12 h of history.
    await store.readings.write(
      channelBatch(
        'short',
        halfDay,
        on(halfDay, () => true),
      ),
    );
    // 24 h but only 5 readings above zero.
    await store.readings.write(
      channelBatch(
        'rare',
        day,
        on(day, (i) => i % 288 === 0),
      ),
    );
    // 10 readings above zero among 20,000 (0.05 %): enough readings, too small a share.
    const dense = steps(day0, day0 + 24 * H, 4_320);
    await store.readings.write(
      channelBatch(
        'sparse',
        dense,
        on(dense, (i) => i % 2000 === 0),
      ),
    );
    // 24 h, 48 readings above zero (3.3 %).
    await store.readings.write(
      channelBatch(
        'ok',
        day,
        on(day, (i) => i % 30 === 0),
      ),
    );
    await store.rollups.computeThresholds({ percentile: 97, channelIds: ids, now: 1 });
    const names = async () => (await store.rollups.getThresholds('p97')).map((x) => x.channelId).sort();
    expect(await names()).toEqual(['ok']);
    expect((await store.rollups.getThresholds('p97'))[0]?.value).toBe(800);

    // A day later the short channel has 36 h of history: it gets one; the rare one loses nothing.
    const more = steps(day0 + 12 * H, day0 + 36 * H, 60_000);
    await store.readings.write(
      channelBatch(
        'short',
        more,
        on(more, () => true),
      ),
    );
    await store.rollups.computeThresholds({ percentile: 97, channelIds: ids, now: 2 });
    expect(await names()).toEqual(['ok', 'short']);
  });
});

/**
 * A full batch recomputes every rollup from the store's raw readings; once a retention run has moved
 * an organisation's older readings into the lake it is refused (naming the organisation, the date and
 * what to run instead) and changes nothing, while incremental runs go on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { runBatch } from './run-batch.ts';
import { channelBatch, seedFacility, steps } from './test-support.ts';

const DAY = 86_400_000;
const start = Date.parse('2024-06-01T04:00:00Z');

describe('batch --full after retention', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('is refused once readings live only in the lake, and leaves the rollups as they were', async () => {
    const store = t.store;
    await seedFacility(store, {
      facilityId: 'ret',
      timeZone: 'America/New_York',
      channels: [{ id: 'ret-a' }],
    });
    const deps = {
      rollups: store.rollups,
      changes: store.readings,
      now: Date.now,
      retention: store.retention,
    };
    const ts = steps(start, start + 2 * DAY, 60_000);
    await store.readings.write(
      channelBatch(
        'ret-a',
        ts,
        ts.map(() => 500),
      ),
    );
    expect((await runBatch(deps, { full: true })).mode).toBe('full');
    const before = await store.rollups.listRollups({ level: 'channel', period: 'day' });
    expect(before.length).toBeGreaterThan(0);

    await store.retention.markLakeBefore('org-t', start + DAY);
    const full = runBatch(deps, { full: true });
    await expect(full).rejects.toThrow(InputError);
    await expect(full).rejects.toThrow(
      /organisation 'org-t' keeps its readings before 2024-06-02 only in the lake.*--executor local/,
    );
    expect(await store.rollups.listRollups({ level: 'channel', period: 'day' })).toEqual(before);

    const more = steps(start + 2 * DAY, start + 3 * DAY, 60_000);
    await store.readings.write(
      channelBatch(
        'ret-a',
        more,
        more.map(() => 500),
      ),
    );
    expect(await runBatch(deps)).toMatchObject({ mode: 'incremental', changes: 1 });
  });
});

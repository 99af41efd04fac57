/**
 * Issue 13, item 6, through the live pipeline on both stores: a huge value from one organisation
 * never costs another organisation its live windows and latest values. Ingest quarantines a value
 * beyond its unit's physical range with a reason (HTTP answers it, MQTT quarantines it); a batch
 * that reaches the pipeline another way (the log of an older version) is still written in full.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PHYSICAL_LIMITS } from '../ingest/units.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { batchOf } from '../stream/batch.ts';
import { createChannelDirectory } from './directory.ts';
import { seedFleet } from './fixtures.ts';
import { createEventHub } from './hub.ts';
import { createIngest } from './ingest.ts';
import { createMemoryLog } from './log/memory/index.ts';
import { runConsumer } from './log/run.ts';
import { createPipeline } from './pipeline.ts';
import { createQuarantine } from './quarantine.ts';
import { encodeCompact } from './wire.ts';

const NOW = Date.UTC(2026, 0, 10, 12);
const O1 = { id: 'gw-o1', orgId: 'o1' };
const O2 = { id: 'gw-o2', orgId: 'o2' };

for (const factory of STORE_FACTORIES) {
  describe(`huge live values on ${factory.kind}`, () => {
    let t: TestStore;
    let pipeline: ReturnType<typeof createPipeline>;
    let log: ReturnType<typeof createMemoryLog>;
    let ingest: ReturnType<typeof createIngest>;
    const quarantine = createQuarantine();
    const errors: unknown[] = [];

    beforeEach(async () => {
      t = await factory.open();
      await seedFleet(t.store);
      const directory = createChannelDirectory({ catalog: t.store.catalog });
      const now = () => NOW;
      pipeline = createPipeline(
        { store: t.store, directory, hub: createEventHub(), now, onError: (e) => errors.push(e) },
        { flushMs: 3_600_000 },
      );
      await pipeline.start();
      log = createMemoryLog();
      runConsumer(log, pipeline.handle);
      ingest = createIngest({ directory, log, quarantine, now });
    });
    afterEach(async () => {
      await log?.close();
      await pipeline?.stop();
      await t?.destroy();
      errors.length = 0;
    });
    const settle = async (): Promise<void> => {
      await log.close(); // drains the queue into the pipeline
      await pipeline.flush();
    };
    const latest = async () =>
      Object.fromEntries((await t.store.live.getLatest()).map((v) => [v.channelId, v.value]));

    it('quarantines a value beyond the physical range with a reason; both organisations keep their live values', async () => {
      const http = await ingest.http(
        O1,
        JSON.stringify({
          readings: [
            { channel: 'm1.mains', ts: NOW - 2000, value: 1e19 },
            { channel: 'm1.fridge', ts: NOW - 2000, value: -2e9 },
            { channel: 'm1.mains', ts: NOW - 1000, value: 450 },
          ],
        }),
        'json',
      );
      expect(http.accepted).toBe(1);
      expect(http.rejected).toEqual([
        {
          index: 0,
          field: 'value',
          reason: `out of physical range: 10000000000000000000 W is beyond ±${PHYSICAL_LIMITS.W} W, the limit for a channel in W`,
        },
        expect.objectContaining({
          index: 1,
          field: 'value',
          reason: expect.stringMatching(/^out of physical range/),
        }),
      ]);
      const mqtt = await ingest.mqtt(
        O1,
        'loadscope/o1/m1/fridge',
        Buffer.from(JSON.stringify({ ts: NOW - 1000, value: 1e300 })),
      );
      expect(mqtt.accepted).toBe(0);
      const compact = await ingest.mqtt(
        O2,
        'loadscope/o2/compact',
        encodeCompact(
          batchOf([
            { channelId: 'm91.mains', ts: NOW - 1000, value: 1e19 },
            { channelId: 'm91.mains', ts: NOW - 500, value: 300 },
          ]),
        ),
      );
      expect(compact).toMatchObject({ accepted: 1, rejected: [{ index: 0, field: 'value' }] });
      expect(quarantine.counters()['out of physical range']).toBe(2);
      expect(quarantine.list({ orgId: 'o1' })[0]).toMatchObject({
        source: 'mqtt',
        topic: 'loadscope/o1/m1/fridge',
        reason: expect.stringContaining('1e+300 W is beyond'),
      });
      await ingest.http(
        O2,
        JSON.stringify({ readings: [{ channel: 'm92.mains', ts: NOW - 1000, value: 120 }] }),
        'json',
      );
      await settle();
      expect(await latest()).toEqual({ 'm1.mains': 450, 'm91.mains': 300, 'm92.mains': 120 });
      expect(await t.store.readings.count('m1.mains')).toBe(1);
      expect(errors).toEqual([]);
    });

    it("writes every organisation's windows and latest values when one batch holds a huge finite value", async () => {
      // Past ingest (e.g. queued in the log by an older version): the store must take any finite double.
      await pipeline.handle(
        batchOf([
          { channelId: 'm1.mains', ts: NOW - 3000, value: 1e19 },
          { channelId: 'm91.mains', ts: NOW - 3000, value: 200 },
          { channelId: 'm92.fridge', ts: NOW - 3000, value: 80 },
        ]),
      );
      await pipeline.flush();
      await pipeline.handle(batchOf([{ channelId: 'm1.mains', ts: NOW - 2000, value: 5 }]));
      await pipeline.flush();
      expect(await latest()).toEqual({ 'm1.mains': 5, 'm91.mains': 200, 'm92.fridge': 80 });
      const minute = Math.floor((NOW - 3000) / 60_000) * 60_000;
      const [w] = await t.store.live.listWindows({
        channelId: 'm1.mains',
        widthMs: 60_000,
        from: minute,
        to: minute + 1,
      });
      expect(w).toMatchObject({ count: 2, max: 1e19, min: 5 });
      const [w2] = await t.store.live.listWindows({
        channelId: 'm91.mains',
        widthMs: 60_000,
        from: minute,
        to: minute + 1,
      });
      expect(w2).toMatchObject({ count: 1, sum: 200 });
      expect(errors).toEqual([]);
    });
  });
}

/**
 * What checking a registered device's token costs per message (the check runs on every HTTP request
 * and every MQTT CONNECT): the registry with its cache warm, and with no cache (every check a store
 * lookup by hash, DuckDB and PostgreSQL), against a fixed in-memory token list (the old token file's
 * check) measured in the same run; and counting one message's activity, against the same baseline.
 */
import { loadavg } from 'node:os';
import { countingIngest, createDeviceActivity } from '../src/devices/activity.ts';
import { createRegistryDeviceAuth } from '../src/devices/auth.ts';
import { createDeviceService } from '../src/devices/service.ts';
import { createStaticDeviceAuth } from '../src/realtime/device-auth.ts';
import type { Ingest } from '../src/realtime/ingest.ts';
import { STORE_FACTORIES } from '../src/store/contract/factories.ts';
import type { Bench, BenchRow } from './harness.ts';
import { timeIt } from './harness.ts';

const perSecond = async (n: number, fn: (i: number) => Promise<unknown>): Promise<number> => {
  const { seconds } = await timeIt(async () => {
    for (let i = 0; i < n; i++) await fn(i);
  });
  return n / seconds;
};

const bench: Bench = {
  name: 'devices',
  async run({ quick, log }) {
    const devices = quick ? 50 : 500;
    const checks = quick ? 20_000 : 200_000;
    const coldChecks = quick ? 500 : 5000;
    const rows: BenchRow[] = [];
    const load = `load average ${loadavg()[0]!.toFixed(1)}`;
    // Baseline: a fixed list in memory, looked up by the token's hash.
    const tokens = Array.from({ length: devices }, (_, i) => `static-token-${String(i).padStart(8, '0')}`);
    const fixed = createStaticDeviceAuth(tokens.map((token, i) => ({ id: `d${i}`, orgId: 'o', token })));
    const base = await perSecond(checks, (i) => fixed.verify(tokens[i % devices]!));
    rows.push({ name: `fixed token list, ${devices} devices (${load})`, value: base, unit: 'checks/s' });

    for (const factory of STORE_FACTORIES) {
      const t = await factory.open();
      try {
        await t.store.catalog.upsertOrganisations([{ id: 'o', name: 'o', createdAt: 0 }]);
        const service = createDeviceService({ store: t.store, now: Date.now });
        const issued: string[] = [];
        for (let i = 0; i < devices; i++)
          issued.push((await service.provision({ orgId: 'o', name: `d${i}`, createdBy: null })).token);
        log(`${factory.kind}: ${devices} devices provisioned`);
        const warm = createRegistryDeviceAuth({ store: t.store });
        for (const token of issued) await warm.verify(token);
        const warmRate = await perSecond(checks, (i) => warm.verify(issued[i % devices]!));
        rows.push({
          name: `registry on ${factory.kind}, cache warm`,
          value: warmRate,
          unit: 'checks/s',
          baseline: { name: 'fixed token list', value: base },
          ratio: warmRate / base,
          goal: 'within 2x of the fixed list (a cached check costs a hash and a map lookup)',
          met: warmRate * 2 >= base,
        });
        const cold = createRegistryDeviceAuth({ store: t.store, ttlMs: 0, unknownTtlMs: 0 });
        const coldRate = await perSecond(coldChecks, (i) => cold.verify(issued[i % devices]!));
        rows.push({
          name: `registry on ${factory.kind}, no cache (a store lookup per check)`,
          value: coldRate,
          unit: 'checks/s',
          baseline: { name: 'registry, cache warm', value: warmRate },
          ratio: warmRate / coldRate,
        });
        if (factory.kind === 'duckdb') {
          const activity = createDeviceActivity({ store: t.store });
          const noop: Ingest = {
            limits: {} as Ingest['limits'],
            stats: () => ({ messages: 0, accepted: 0, rejected: 0 }),
            mqtt: async () => ({ accepted: 1, rejected: [] }),
            http: async () => ({ accepted: 1, rejected: [] }),
          };
          const counted = countingIngest(noop, activity);
          const identity = { id: 'd0', orgId: 'o', deviceId: 'dev_0' };
          const body = Buffer.from('{}');
          const plain = await perSecond(checks, () => noop.mqtt(identity, 't', body));
          const withCount = await perSecond(checks, () => counted.mqtt(identity, 't', body));
          rows.push({
            name: 'message counted per device and minute',
            value: withCount,
            unit: 'messages/s',
            baseline: { name: 'message not counted', value: plain },
            ratio: plain / withCount,
          });
          await activity.stop();
        }
      } finally {
        await t.destroy();
      }
    }
    return rows;
  },
};
export default bench;

/**
 * The JetStream reading log against NATS (127.0.0.1:4222) and PostgreSQL: two `loadscope worker`
 * processes share the partitions; one is killed with SIGKILL mid-stream; every reading lands exactly
 * once. Unique stream name and PostgreSQL schema per run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../../../store/contract/factories.ts';
import { createBatchBuilder } from '../../../stream/batch.ts';
import { fleetCatalog, seedFleet } from '../../fixtures.ts';
import { createJetStreamLog } from './index.ts';
import { createMembership, ownerOf, partitionOf } from './membership.ts';

const NATS = process.env['LOADSCOPE_NATS_URL'] ?? '127.0.0.1:4222';
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PARTITIONS = 8;

describe('partition membership', () => {
  it('assigns every partition to exactly one live worker and moves only a dead worker’s partitions', () => {
    const ids = ['a', 'b', 'c'];
    const owners = Array.from({ length: 64 }, (_, p) => ownerOf(p, ids));
    expect(new Set(owners)).toEqual(new Set(ids));
    const after = Array.from({ length: 64 }, (_, p) => ownerOf(p, ['a', 'c']));
    owners.forEach((o, p) => o !== 'b' && expect(after[p]).toBe(o));
    const m = createMembership('a', 3000);
    m.seen('b', 1000);
    expect(m.alive(2000)).toEqual(['a', 'b']);
    expect(m.alive(5000)).toEqual(['a']);
    expect(m.owned('a', 8, 5000)).toHaveLength(8);
    expect(partitionOf('m1', 16)).toBe(partitionOf('m1', 16));
  });
});

describe('JetStream log with worker processes', () => {
  let t: TestStore;
  const stream = `t_rt_${Math.random().toString(36).slice(2, 10)}`;
  const workers: ChildProcess[] = [];
  // The workers' lake: a folder of this test's own, not the checkout's `.loadscope/lake`, where a
  // killed worker's spool would outlive the run and be adopted by the next one.
  const lakeDir = mkdtempSync(join(tmpdir(), 'loadscope-js-lake-'));

  const spawnWorker = (): Promise<ChildProcess> =>
    new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/main.ts',
          'worker',
          '--stream',
          stream,
          '--ack-wait',
          '2000',
          '--heartbeat',
          '300',
        ],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            ...t.env,
            LOADSCOPE_LOG: 'jetstream',
            LOADSCOPE_NATS_URL: NATS,
            LOADSCOPE_LOG_PARTITIONS: String(PARTITIONS),
            LOADSCOPE_LAKE: lakeDir,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      workers.push(child);
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) resolve(child);
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => reject(new Error(`worker exited (${code}) before ready: ${err}`)));
    });

  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'postgres')!.open();
    await seedFleet(t.store, 10);
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    rmSync(lakeDir, { recursive: true, force: true });
    const nc = await connect({ servers: NATS });
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
    await t?.destroy();
  });

  it('loses and duplicates nothing when a worker is killed mid-stream', async () => {
    const [w1] = await Promise.all([spawnWorker(), spawnWorker()]);
    const channels = fleetCatalog(10).channels.map((c) => c.id);
    const meterOf = new Map(fleetCatalog(10).channels.map((c) => [c.id, c.meterId]));
    const log = await createJetStreamLog({
      servers: NATS,
      partitions: PARTITIONS,
      partitionKey: (id) => meterOf.get(id),
      name: stream,
    });
    const t0 = Date.now() - 3600_000;
    const batches = 60;
    const perChannel = 50;
    let sent = 0;
    for (let b = 0; b < batches; b++) {
      const bb = createBatchBuilder(channels.length * perChannel);
      for (const ch of channels)
        for (let i = 0; i < perChannel; i++)
          bb.push(ch, t0 + (b * perChannel + i) * 1000, Math.random() * 1000);
      // Replays: every tenth batch is sent twice (at-least-once producers).
      await log.append(bb.build());
      if (b % 10 === 0) await log.append(bb.build());
      sent += bb.length;
      if (b === 20) w1.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 20));
    }
    await log.close();
    let count = 0;
    for (let i = 0; i < 300 && count < sent; i++) {
      await new Promise((r) => setTimeout(r, 200));
      count = await t.store.readings.count();
    }
    expect(w1.signalCode).toBe('SIGKILL');
    expect(count).toBe(sent);
    // Exactly one row per (channel, ts): per channel the count equals the distinct timestamps sent.
    expect(await t.store.readings.count(channels[0])).toBe(batches * perChannel);
    const rows = await t.store.readings.read(channels[3]!, t0, t0 + batches * perChannel * 1000);
    expect(new Set(rows.map((r) => r.ts)).size).toBe(rows.length);
  }, 240_000); // Two worker processes and a kill: minutes on a loaded 2-core machine, not a timing check.

  it('carries alerts from one process to the others', async () => {
    const opts = { servers: NATS, partitions: PARTITIONS, partitionKey: () => 'm1', name: stream };
    const [a, b] = await Promise.all([createJetStreamLog(opts), createJetStreamLog(opts)]);
    const gotB: string[] = [];
    const gotA: string[] = [];
    const stopB = b.onAlert((x) => gotB.push(x.id));
    const stopA = a.onAlert((x) => gotA.push(x.id));
    await new Promise((r) => setTimeout(r, 100));
    const alert = {
      id: 'al1',
      rule: 'overshoot',
      channelId: 'm1.mains',
      facilityId: 'f-m1',
      orgId: 'o1',
      ts: 1,
      endTs: null,
      value: 2,
      threshold: 1,
      unit: 'W' as const,
      severity: 'warning' as const,
      state: 'open' as const,
      message: '',
      createdAt: 1,
      updatedAt: 1,
    };
    a.publishAlert(alert);
    for (let i = 0; i < 50 && gotB.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(gotB).toEqual(['al1']);
    expect(gotA).toEqual([]);
    stopA();
    stopB();
    await Promise.all([a.close(), b.close()]);
  });
});

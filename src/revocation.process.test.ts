/**
 * Revocation across real processes in the scale-out column: `loadscope start` runs in a child process
 * on PostgreSQL with the JetStream reading log (its own stream) and holds the connections (MQTT, SSE,
 * WebSocket); a token is revoked by a third
 * process (`loadscope token revoke`, the CLI) and a user is disabled by this test process through its
 * own store. The child hears both through PostgreSQL NOTIFY and closes what the credentials opened
 * within 1.5 s, refuses the revoked token on HTTP ingest, and keeps the other connections open.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, createUser, startSession } from './api/accounts/service.ts';
import { SESSION_COOKIE } from './api/authenticate.ts';
import {
  type LiveConnection,
  openMqtt,
  openSse,
  openWs,
  postReading,
} from './realtime/testing/connections.ts';
import { STORE_FACTORIES, type TestStore } from './store/contract/factories.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BOUND_MS = 1500;
const NATS = process.env['LOADSCOPE_NATS_URL'] ?? '127.0.0.1:4222';

/** Runs the CLI to the end; its exit code and output. */
const cli = (env: Record<string, string>, args: string[]): Promise<{ code: number | null; err: string }> =>
  new Promise((done) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => done({ code, err }));
  });

describe('revocation across processes (scale-out: PostgreSQL and JetStream, `loadscope start` in a child)', () => {
  let t: TestStore;
  let dir: string;
  let server: ChildProcess | undefined;
  let httpUrl = '';
  let mqttUrl = '';
  const open: LiveConnection[] = [];
  const stream = `revoke_${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'postgres')!.open();
    dir = await mkdtemp(join(tmpdir(), 'loadscope-revoke-proc-'));
    const env = {
      ...process.env,
      ...t.env,
      LOADSCOPE_DATA_DIR_STATE: dir,
      LOADSCOPE_PORT: '0',
      LOADSCOPE_MQTT_PORT: '0',
      LOADSCOPE_SIM: '0',
      LOADSCOPE_BATCH_EVERY: '0',
      LOADSCOPE_LOG: 'jetstream',
      LOADSCOPE_NATS_URL: NATS,
      LOADSCOPE_LOG_STREAM: stream,
      LOADSCOPE_LOG_PARTITIONS: '2',
    };
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server = child;
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const http = /web and API: (http:\/\/\S+)/.exec(out);
        const mqtt = /MQTT: +(mqtt:\/\/\S+)/.exec(out);
        if (http && mqtt) {
          httpUrl = http[1]!;
          mqttUrl = mqtt[1]!;
          resolve();
        }
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => reject(new Error(`loadscope start exited (${code}): ${err}`)));
    });
  }, 120_000);
  afterAll(async () => {
    for (const c of open) c.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    await t?.destroy();
    await rm(dir, { recursive: true, force: true });
    const nc = await connect({ servers: NATS });
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
    await nc.close();
  });

  const token = async (name: string) =>
    createApiToken(
      { store: t.store, now: Date.now },
      { orgId: 'default', name, role: 'admin', createdBy: null },
    );
  const closedWithin = async (cs: LiveConnection[], since: number): Promise<number[]> => {
    const delays: number[] = [];
    for (const c of cs) {
      const at = await Promise.race([
        c.closed,
        new Promise<number>((r) => setTimeout(() => r(-1), since + BOUND_MS - Date.now())),
      ]);
      if (at < 0) throw new Error(`${c.kind} still open ${BOUND_MS} ms after the other process's change`);
      delays.push(at - since);
    }
    return delays;
  };

  it('closes what a token opened when another process revokes it, and keeps the rest open', async () => {
    const victim = await token('victim');
    const kept = await token('kept');
    const user = await createUser(
      { store: t.store, now: Date.now },
      { orgId: 'default', email: 'watcher', role: 'viewer', password: 'a long enough password' },
    );
    const cookie = `${SESSION_COOKIE}=${await startSession({ store: t.store, now: Date.now }, user.id, 3600_000)}`;
    const victims = [
      await openMqtt(mqttUrl, victim.token),
      await openSse(httpUrl, { bearer: victim.token }),
      await openWs(httpUrl, { bearer: victim.token }),
    ];
    const sessionStreams = [await openSse(httpUrl, { cookie }), await openWs(httpUrl, { cookie })];
    const control = [
      await openMqtt(mqttUrl, kept.token),
      await openSse(httpUrl, { bearer: kept.token }),
      await openWs(httpUrl, { bearer: kept.token }),
    ];
    open.push(...victims, ...sessionStreams, ...control);
    expect(await postReading(httpUrl, victim.token)).not.toBe(401);

    // A third process: the CLI revokes the token in the database.
    const revoked = await cli(t.env, ['token', 'revoke', victim.row.id]);
    expect(revoked.code, revoked.err).toBe(0);
    const t0 = Date.now();
    let status = await postReading(httpUrl, victim.token);
    while (status !== 401 && Date.now() - t0 < 250) status = await postReading(httpUrl, victim.token);
    expect(status).toBe(401);
    const tokenDelays = await closedWithin(victims, t0);

    // This process disables the user; the child closes the user's streams.
    const t1 = Date.now();
    await t.store.accounts.updateUser(user.id, { disabled: true });
    const userDelays = await closedWithin(sessionStreams, t1);

    await new Promise((r) => setTimeout(r, 300));
    expect(control.map((c) => `${c.kind}:${c.isOpen()}`)).toEqual(['mqtt:true', 'sse:true', 'ws:true']);
    expect(await postReading(httpUrl, kept.token)).not.toBe(401);
    process.stderr.write(
      `revocation across processes: token revoked by the CLI: closed ${tokenDelays.join(', ')} ms after the CLI exited (negative: before); user disabled: closed after ${userDelays.join(', ')} ms\n`,
    );
  }, 60_000);
});

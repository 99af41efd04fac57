/**
 * The one-script deployment (scripts/stack.sh, issue 11) on this machine, as two "hosts" that share
 * nothing but network addresses and the shared folder: host A runs the services and `loadscope start`,
 * host B runs two workers, each with a folder of its own. install and start run twice and change
 * nothing the second time; status says every part is healthy; readings posted over HTTP travel
 * server -> JetStream -> workers -> PostgreSQL; a worker killed with SIGKILL is started again by its
 * supervisor; stop leaves no Loadscope process behind.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../../src/cli/testing.ts';
import { dropSchema } from '../../src/realtime/testing/connections.ts';
import { freePort } from '../../src/util/free-port.ts';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS = '127.0.0.1:4222';
const SCRIPT = join(ROOT, 'scripts', 'stack.sh');

interface Run {
  code: number;
  out: string;
  err: string;
}
const stack = (cmd: string, config: string): Promise<Run> =>
  new Promise((resolve) => {
    execFile('bash', [SCRIPT, cmd, '--config', config], { timeout: 600_000 }, (e, out, err) =>
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out, err }),
    );
  });
const until = async <T>(what: string, f: () => Promise<T | undefined>, ms = 120_000): Promise<T> => {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 1000))) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
};

describe('scripts/stack.sh on two hosts sharing only addresses and a folder', () => {
  const id = `stack${process.pid}`;
  const schema = `loadscope_${id}`;
  let dir: string;
  let hostA: string;
  let hostB: string;
  let port: number;
  let common: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadscope-stack-'));
    port = await freePort();
    common = [
      `LOADSCOPE_PORT=${port}`,
      `LOADSCOPE_PG_URL=${PG_URL}`,
      `LOADSCOPE_PG_SCHEMA=${schema}`,
      `LOADSCOPE_NATS_URL=${NATS}`,
      `LOADSCOPE_LOG_STREAM=${id}`,
      `LOADSCOPE_MQTT_TOPIC_ROOT=${id}`,
      `LOADSCOPE_SHARED_DIR=${join(dir, 'shared', 'jobs')}`,
      `LOADSCOPE_LAKE=${join(dir, 'shared', 'lake')}`,
      'LOADSCOPE_SIM_METERS=3',
      'LOADSCOPE_SIM_BACKFILL_DAYS=1',
      'LOADSCOPE_BATCH_EVERY=0',
    ].join('\n');
    hostA = join(dir, 'a.env');
    hostB = join(dir, 'b.env');
    await writeFile(hostA, `STACK_DIR=${join(dir, 'a')}\nSTACK_ROLES="services server"\n${common}\n`);
    await writeFile(hostB, `STACK_DIR=${join(dir, 'b')}\nSTACK_ROLES=workers\nSTACK_WORKERS=2\n${common}\n`);
  });
  afterAll(async () => {
    if (hostB) await stack('stop', hostB);
    if (hostA) await stack('stop', hostA);
    const nc = await connect({ servers: NATS });
    await (await jetstreamManager(nc)).streams.delete(id).catch(() => undefined);
    await nc.close();
    await dropSchema(PG_URL, schema);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('installs and starts idempotently, streams readings through the workers, restarts a killed worker and stops', async () => {
    // install: what this machine's test setup already did, so the second run certainly changes nothing.
    expect((await stack('install', hostA)).code).toBe(0);
    const again = await stack('install', hostA);
    expect(again.code, again.err).toBe(0);
    expect(again.out.trim().split('\n')).toEqual([
      'install: Debian packages: nothing to do',
      'install: npm packages: nothing to do',
      'install: web build: nothing to do',
    ]);

    const a = await stack('start', hostA);
    expect(a.code, a.out + a.err).toBe(0);
    expect(a.out).toMatch(/start: server answers on http:\/\/127\.0\.0\.1:\d+/);
    const b = await stack('start', hostB);
    expect(b.code, b.out + b.err).toBe(0);
    const status = await until('every part healthy', async () => {
      const [sa, sb] = [await stack('status', hostA), await stack('status', hostB)];
      return sa.code === 0 && sb.code === 0 ? sa.out + sb.out : undefined;
    });
    for (const part of ['postgresql', 'nats', 'mosquitto', 'slurm', 'server', 'worker-1', 'worker-2'])
      expect(status).toMatch(new RegExp(`^${part} +healthy`, 'm'));

    // Started again, nothing changes: the same supervisors keep running.
    const pids = async () => [
      await readFile(join(dir, 'a', 'run', 'server.pid'), 'utf8'),
      await readFile(join(dir, 'b', 'run', 'worker-1.pid'), 'utf8'),
    ];
    const before = await pids();
    const a2 = await stack('start', hostA);
    const b2 = await stack('start', hostB);
    expect(a2.out).toMatch(/server already running/);
    expect(b2.out).toMatch(/worker-1 already running[\s\S]*worker-2 already running/);
    expect(await pids()).toEqual(before);

    // Readings posted to the server reach PostgreSQL through JetStream and the workers.
    const env = {
      ...process.env,
      LOADSCOPE_STORE: 'postgres',
      LOADSCOPE_PG_URL: PG_URL,
      LOADSCOPE_PG_SCHEMA: schema,
      LOADSCOPE_DATA_DIR_STATE: join(dir, 'cli'),
    };
    const token = await runCli(
      ['token', 'create', '--org', 'default', '--name', 'stack test', '--scopes', 'write:readings'],
      env,
    );
    expect(token.code, token.err).toBe(0);
    const secret = token.out.trim(); // stdout holds the token alone; the explanation goes to stderr
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
    const readings = Array.from({ length: 200 }, (_, i) => ({
      channel: 'live-m000001.mains',
      ts: t0 + i * 1000 + 1,
      value: 100 + i,
    }));
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/readings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ readings }),
    });
    expect(res.status, await res.text()).toBe(202);
    const db = new pg.Client({ connectionString: PG_URL });
    await db.connect();
    try {
      const stored = await until('the posted readings in PostgreSQL', async () => {
        const r = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${schema}.readings r JOIN ${schema}.channels c ON c.key = r.channel_key
           WHERE c.id = 'live-m000001.mains' AND r.ts BETWEEN $1 AND $2 AND r.ts % 1000 = 1`,
          [t0, t0 + 200_000],
        );
        return Number(r.rows[0]?.n) === 200 ? 200 : undefined;
      });
      expect(stored).toBe(200);
    } finally {
      await db.end();
    }

    // A worker killed with SIGKILL is started again, and status says so.
    const child = Number(await readFile(join(dir, 'b', 'run', 'worker-1.child'), 'utf8'));
    process.kill(child, 'SIGKILL');
    const restarted = await until('worker-1 healthy after its restart', async () => {
      const s = await stack('status', hostB);
      return s.code === 0 && /^worker-1 +healthy .*restarts 1/m.test(s.out) ? s.out : undefined;
    });
    expect(restarted).not.toContain(`pid ${child},`);

    // stop: no Loadscope process of this deployment is left, and status says each part stopped.
    expect((await stack('stop', hostB)).code).toBe(0);
    expect((await stack('stop', hostA)).code).toBe(0);
    const sa = await stack('status', hostA);
    const sb = await stack('status', hostB);
    expect(sa.code).toBe(3);
    expect(sa.out).toMatch(/^server +stopped/m);
    expect(sb.out).toMatch(/^worker-1 +stopped/m);
    expect(sa.out).toMatch(/^postgresql +healthy/m);
    expect(() => process.kill(Number(before[0]), 0)).toThrow();
  }, 900_000);
});

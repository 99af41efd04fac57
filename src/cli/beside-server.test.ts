/**
 * Every README command beside a running `loadscope start` on the same DuckDB file (issue 14, item 9):
 * the commands that need the store run inside the server through its admin socket, with the user's
 * working folder and variables; the others run locally; `start` and `worker` say why they cannot.
 * Without a server, a file held by another process gets a message naming that process.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL } from '../store/contract/factories.ts';
import { freePort } from '../util/free-port.ts';
import { type RunningServer, ROOT, runCli, spawnCli, startServer, tempInstallation } from './testing.ts';

const AMPDS = join(
  process.env['LOADSCOPE_DATA_DIR'] ?? join(ROOT, '../shared/data'),
  'ampds/AMPdsR1_1hr_Wh.csv',
);
const FIXTURE = join(ROOT, 'test/fixtures/ingest/utilityapi.csv');

/** Resolves when the child has written `text` to stderr; rejects when it exits first. */
function untilOutput(child: ChildProcess, text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before '${text}': ${seen}`)));
  });
}

describe('README commands beside a running server', () => {
  let inst: Awaited<ReturnType<typeof tempInstallation>>;
  let server: RunningServer;
  let work: string;
  beforeAll(async () => {
    inst = await tempInstallation();
    work = join(inst.dir, 'work');
    await mkdir(work, { recursive: true });
    server = await startServer(inst.env);
  });
  afterAll(async () => {
    server?.process.kill('SIGTERM');
    await server?.exited;
    await inst?.remove();
  });
  const run = (args: string[], env: NodeJS.ProcessEnv = inst.env) => runCli(args, env, work);

  it('imports, runs the batch, queries and exports through the server, files in the user’s folder', async () => {
    const source = existsSync(AMPDS)
      ? ['--format', 'ampds', AMPDS, '--facility', 'ampds', '--tz', 'America/Vancouver', '--limit', '2000']
      : ['--format', 'utilityapi-csv', FIXTURE, '--facility', 'ampds'];
    const imported = await run(['import', ...source]);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.err).toMatch(
      /running on the server that holds the store \(pid \d+, http:\/\/127\.0\.0\.1:\d+\)/,
    );
    expect(imported.out).toMatch(/\d+ stored/);

    const batch = await run(['batch']);
    expect(batch.code, batch.err).toBe(0);
    expect(batch.out).toMatch(/^batch \(incremental\): [1-9]\d* change\(s\)/);

    const table = await run(['query', 'rollups', '--by', 'facility', '--period', 'day', '--format', 'table']);
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/^key\s+name\s+label\s+start/);
    expect(table.out).toMatch(/\nampds\s+\S+/);

    const exported = await run(['export', 'rollups', '--format', 'parquet', '--out', 'rollups.parquet']);
    expect(exported.code, exported.err).toBe(0);
    expect((await stat(join(work, 'rollups.parquet'))).size).toBeGreaterThan(0);
    // The socket is the owner's only; server.json tells scripts where the server is.
    const socket = join(inst.dir, 'state', 'loadscope.duckdb.sock');
    expect((await stat(socket)).mode & 0o777).toBe(0o600);
    const info = JSON.parse(await readFile(join(inst.dir, 'state', 'server.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(info).toMatchObject({ pid: server.process.pid, adminSocket: socket });
    expect(info['http']).toBe(`http://127.0.0.1:${inst.env['LOADSCOPE_PORT']}`);
  });

  it('runs jobs, scores and account commands through the server, with the user’s LOADSCOPE_PASSWORD', async () => {
    // The period covers the imported data (AMPds is from 2012); by default it is the last year.
    const period = ['--from', '2010-01-01', '--to', '2027-01-01'];
    const job = await run(['job', 'run', 'anomalous-load', '--org', 'default', '--shards', '2', ...period]);
    expect(job.code, job.err).toBe(0);
    expect(job.out).toMatch(/^job \S+: succeeded, 1\/1 shard\(s\) on local/);
    const rank = await run(['score', 'rank', 'anomalous-load']);
    expect(rank.code, rank.err).toBe(0);
    expect(rank.out, `${job.out}\n${rank.err}`).toMatch(/ampds/);

    const password = 'alice-password-1234';
    const add = await run(['user', 'add', 'alice@example.org', '--role', 'analyst'], {
      ...inst.env,
      LOADSCOPE_PASSWORD: password,
    });
    expect(add.code, add.err).toBe(0);
    expect(add.out).toMatch(/created analyst 'alice@example.org'/);
    expect(add.out).not.toMatch(/password \(shown once\)/);
    const login = await fetch(`http://127.0.0.1:${inst.env['LOADSCOPE_PORT']}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.org', password }),
    });
    expect(login.status).toBe(200);
    const token = await run(['token', 'create', '--org', 'default', '--name', 'gateway 1']);
    expect(token.code, token.err).toBe(0);
    expect(token.out.trim().length).toBeGreaterThan(20);
  });

  it('ends a command on the server when the user interrupts it', async () => {
    // A P1 gateway that sends nothing: the import follows it until interrupted.
    let closed!: () => void;
    const gatewayClosed = new Promise<void>((r) => (closed = r));
    const gateway = createServer((socket) => socket.on('close', closed));
    const port = await freePort();
    await new Promise<void>((r) => gateway.listen(port, '127.0.0.1', () => r()));
    try {
      const client = spawnCli(['import', '--format', 'dsmr', `tcp://127.0.0.1:${port}`], inst.env, work);
      await untilOutput(client, 'connected');
      client.kill('SIGKILL');
      await gatewayClosed; // the server aborted the import, which closed its connection
      const after = await run(['user', 'list']);
      expect(after.code, after.err).toBe(0);
    } finally {
      gateway.close();
    }
  });

  it('runs commands without the store locally, and says why start and worker cannot run', async () => {
    const sim = await run([
      'simulate',
      '--meters',
      '3',
      '--days',
      '1',
      '--out',
      'fleet',
      '--format',
      'parquet',
    ]);
    expect(sim.code, sim.err).toBe(0);
    expect(sim.err).not.toMatch(/running on the server/);
    expect(existsSync(join(work, 'fleet', 'catalog.json'))).toBe(true);

    const second = await run(['start']);
    expect(second.code).toBe(75);
    expect(second.err).toMatch(/a Loadscope server already runs on .*loadscope\.duckdb \(pid \d+, http:/);
    const worker = await run(['worker']);
    expect(worker.code).toBe(75);
    expect(worker.err).toMatch(/`loadscope worker` needs a store of its own/);

    const usage = await run(['query', 'rollups', '--by', 'street']);
    expect(usage.code).toBe(65);
    expect(usage.err).toMatch(/--by.*expected one of channel, meter, facility, zip, got 'street'/);
    const help = await run(['export', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--out <file>/);
  });
});

describe('a store held by a process that is not a server', () => {
  let gateway: Server;
  let inst: Awaited<ReturnType<typeof tempInstallation>>;
  beforeAll(async () => {
    inst = await tempInstallation();
    // A P1 gateway that accepts and sends nothing: `import tcp://...` holds the store while it waits.
    gateway = createServer(() => {});
    const port = await freePort();
    await new Promise<void>((r) => gateway.listen(port, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    gateway?.close();
    await inst?.remove();
  });

  it('names the process holding the file', async () => {
    const address = gateway.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const holder = spawnCli(['import', '--format', 'dsmr', `tcp://127.0.0.1:${port}`], inst.env);
    try {
      // The import opens the store, then connects to the gateway and waits.
      await untilOutput(holder, 'connected');
      const held = await runCli(['user', 'list'], inst.env);
      expect(held.code).toBe(75);
      expect(held.err).toMatch(
        new RegExp(
          `in use by process ${holder.pid} \\(\\S+\\), and no Loadscope server answers on \\S+\\.sock`,
        ),
      );
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

describe('commands beside a server on PostgreSQL', () => {
  let inst: Awaited<ReturnType<typeof tempInstallation>>;
  let server: RunningServer;
  let pgEnv: NodeJS.ProcessEnv;
  const schema = `t_cli_${Math.random().toString(36).slice(2, 10)}`;
  beforeAll(async () => {
    inst = await tempInstallation();
    pgEnv = {
      ...inst.env,
      LOADSCOPE_STORE: 'postgres',
      LOADSCOPE_PG_URL: TEST_PG_URL,
      LOADSCOPE_PG_SCHEMA: schema,
    };
    server = await startServer(pgEnv);
  });
  afterAll(async () => {
    server?.process.kill('SIGTERM');
    await server?.exited;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await admin.end();
    }
    await inst?.remove();
  });

  it('opens the store itself (several processes share PostgreSQL): no admin socket, no forwarding', async () => {
    const info = JSON.parse(await readFile(join(inst.dir, 'state', 'server.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(info['adminSocket']).toBeNull();
    const add = await runCli(['user', 'add', 'pg@example.org', '--password', 'a-long-password'], pgEnv);
    expect(add.code, add.err).toBe(0);
    expect(add.err).not.toMatch(/running on the server/);
    const batch = await runCli(['batch'], pgEnv);
    expect(batch.code, batch.err).toBe(0);
  });
});

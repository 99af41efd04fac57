/**
 * The `loadscope` command is one process running compiled JavaScript: killing it (SIGKILL or
 * SIGTERM) leaves nothing behind that holds the DuckDB lock, so the next command opens the store.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runCli, startServer, tempInstallation } from './testing.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const slurmUp = (() => {
  try {
    return /idle|mixed|alloc/.test(execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
})();

describe('bin/loadscope.js', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('runs the compiled CLI: --help lists every command, dist/ is built', async () => {
    const { env, remove } = await tempInstallation();
    cleanups.push(remove);
    const r = await runCli(['--help'], env);
    expect(r.code, r.err).toBe(0);
    for (const name of ['import', 'batch', 'query', 'export', 'simulate', 'start', 'nilm', 'job', 'user'])
      expect(r.out).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(existsSync(join(ROOT, 'dist', 'main.js'))).toBe(true);
    const sub = await runCli(['help', 'export'], env);
    expect(sub.code, sub.err).toBe(0);
    expect(sub.out).toMatch(/--out <file>/);
  });

  it.skipIf(!slurmUp)('runs Slurm shards from the compiled dist/, not through tsx', async () => {
    const { dir, env: base, remove } = await tempInstallation();
    cleanups.push(remove);
    const env = { ...base, LOADSCOPE_SHARED_DIR: join(dir, 'jobs'), LOADSCOPE_EXECUTOR: 'slurm' };
    const sim = await runCli(['simulate', '--meters', '2', '--days', '2', '--load', '--prefix', 'b'], env);
    expect(sim.code, sim.err).toBe(0);
    const job = await runCli(['job', 'run', 'anomalous-load', '--org', 'b-org', '--shards', '1'], env);
    expect(job.code, job.err).toBe(0);
    expect(job.out).toMatch(/succeeded, 1\/1 shard\(s\) on slurm/);
    const [jobDir] = await readdir(join(dir, 'jobs'));
    const script = (await readdir(join(dir, 'jobs', jobDir!))).find((f) => f.endsWith('.sbatch'));
    const text = await readFile(join(dir, 'jobs', jobDir!, script!), 'utf8');
    expect(text).toContain(join(ROOT, 'dist', 'jobs', 'shard-main.js'));
    expect(text).not.toContain('tsx');
  });

  it('ends with npm when `npm run loadscope -- start` is killed with SIGKILL', async () => {
    const { dir, env, remove } = await tempInstallation();
    cleanups.push(remove);
    const npm = await startServer(env, 90_000, () =>
      spawn('npm', ['run', '--silent', 'loadscope', '--', 'start'], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const info = JSON.parse(await readFile(join(dir, 'state', 'server.json'), 'utf8')) as { pid: number };
    cleanups.push(async () => void (isAlive(info.pid) && process.kill(info.pid, 'SIGKILL')));
    expect(info.pid).not.toBe(npm.process.pid);
    npm.process.kill('SIGKILL');
    for (let i = 0; i < 100 && isAlive(info.pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(info.pid)).toBe(false);
    const next = await runCli(['user', 'list'], env);
    expect(next.code, next.err).toBe(0);
  });

  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`after ${signal} of \`loadscope start\` the next command opens the store`, async () => {
      const { env, remove } = await tempInstallation();
      cleanups.push(remove);
      const server = await startServer(env);
      cleanups.push(async () => void server.process.kill('SIGKILL'));
      expect(server.process.kill(signal)).toBe(true);
      const end = await server.exited;
      expect(signal === 'SIGKILL' ? end.signal : end.code).toBe(signal === 'SIGKILL' ? 'SIGKILL' : 0);
      const next = await runCli(['user', 'add', 'next@example.org', '--password', 'a-long-password'], env);
      expect(next.code, next.err).toBe(0);
      expect(next.out).toMatch(/created admin 'next@example.org'/);
    });
  }
});

/**
 * CLI start-up: `loadscope --help` (bin/loadscope.js, compiled dist/) against `node -e 0` on the same
 * machine in the same run, interleaved so that both see the same load. Goal (issue 14, item 20):
 * within 3x of bare Node. A command that opens the DuckDB store is reported beside it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench, BenchRow } from './harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'loadscope.js');

function timeRun(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${String(r.stderr)}`);
  return seconds;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const bench: Bench = {
  name: 'cli',
  async run({ quick, tmpDir, log }) {
    // Compile first (when stale), so that no run below pays for it.
    timeRun([join(ROOT, 'bin', 'build.js')]);
    const env = { ...process.env, LOADSCOPE_DATA_DIR_STATE: tmpDir, LOADSCOPE_STORE: 'duckdb' };
    timeRun([BIN, 'user', 'list'], env); // creates the DuckDB file and its schema once
    const runs = quick ? 5 : 15;
    const bare: number[] = [];
    const help: number[] = [];
    const store: number[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(timeRun(['-e', '0']));
      help.push(timeRun([BIN, '--help']));
      store.push(timeRun([BIN, 'user', 'list'], env));
    }
    const [b, h, s] = [median(bare), median(help), median(store)];
    log(
      `medians of ${runs}: node -e 0 ${b.toFixed(3)} s, --help ${h.toFixed(3)} s, user list ${s.toFixed(3)} s`,
    );
    const rows: BenchRow[] = [
      {
        name: 'loadscope --help (median wall time)',
        value: h,
        unit: 's',
        baseline: { name: 'node -e 0', value: b },
        ratio: h / b,
        goal: 'within 3x of node -e 0',
        met: h / b <= 3,
      },
      {
        name: 'loadscope user list, opens DuckDB (median wall time)',
        value: s,
        unit: 's',
        baseline: { name: 'node -e 0', value: b },
        ratio: s / b,
      },
    ];
    return rows;
  },
};
export default bench;

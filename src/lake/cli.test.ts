/** `loadscope lake status|compact|count` on a lake that a writer killed mid-spool left behind. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliContext } from '../cli/context.ts';
import { contextDefaults } from '../cli/testing.ts';
import { loadConfig } from '../config.ts';
import { InputError } from '../errors.ts';
import { registerLakeCommands } from './cli.ts';
import { openParquetLake } from './parquet/index.ts';
import { CHANNELS, fleetBatch, placeOf } from './testing/fixtures.ts';

let dir: string;
const T0 = Date.UTC(2025, 0, 1);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadscope-lake-cli-'));
  const lake = await openParquetLake({ dir: join(dir, 'lake'), place: placeOf, compactEveryMs: 0 });
  // Published twice (a redelivery), in two files per partition.
  for (let k = 0; k < 2; k++) {
    await lake.append(fleetBatch(CHANNELS, T0, 100, 60_000));
    await lake.flush();
  }
  await lake.close();
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const run = async (...args: string[]) => {
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  const ctx: CliContext = {
    out,
    err: new PassThrough(),
    config: () => loadConfig({}, { LOADSCOPE_DATA_DIR_STATE: dir }),
    store: () => Promise.reject(new Error('the lake commands need no store')),
    ...contextDefaults(),
  };
  const program = new Command('loadscope').exitOverride();
  registerLakeCommands(program, ctx);
  await program.parseAsync(['node', 'loadscope', 'lake', ...args]);
  return stdout;
};

it('shows the folder and its files, counts readings once, and compacts the repeats away', async () => {
  const before = await run('status');
  expect(before).toContain(`lake ${join(dir, 'lake')}`);
  const files = Number(/files (\d+)/.exec(before)?.[1]);
  const partitions = Number(/partitions (\d+)/.exec(before)?.[1]);
  expect(files).toBe(2 * partitions);
  expect(await run('count')).toBe(`${100 * CHANNELS.length}\n`);
  expect(await run('count', '--org', 'org-b', '--from', '2025-01-01T01:00Z')).toBe(`${2 * 40}\n`);
  expect(await run('compact', '--all')).toContain(`${100 * CHANNELS.length} repeated readings removed`);
  expect(await run('status')).toContain(`files ${partitions}\n`);
});

it('names the option of a time it cannot read', async () => {
  await expect(run('count', '--from', 'yesterday')).rejects.toThrow(InputError);
  await expect(run('count', '--to', 'soon')).rejects.toThrow(/'soon' is not a time/);
});

/** `loadscope retention show|set|run` on a DuckDB store in a temporary state folder with its lake. */
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
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { registerRetentionCommands } from './cli.ts';
import { DAY, DAYS, T0, seedWorld, writeWorld } from './testing/world.ts';

let dir: string;
let store: Store;
const config = () => loadConfig({}, { LOADSCOPE_DATA_DIR_STATE: dir });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadscope-retention-cli-'));
  store = await openStore(config());
  await seedWorld(store);
  await writeWorld(store.readings);
});
afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const run = async (...args: string[]) => {
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  const ctx: CliContext = {
    out,
    err: new PassThrough(),
    config,
    store: async () => store,
    ...contextDefaults(),
  };
  const program = new Command('loadscope').exitOverride();
  registerRetentionCommands(program, ctx);
  await program.parseAsync(['node', 'loadscope', 'retention', ...args]);
  return stdout;
};

it('shows the defaults, sets one value at a time, and names a bad option', async () => {
  expect(await run('show')).toMatch(
    /^org\s+raw days\s+minute days.*\norg-a\s+35\s+400\s+-\s+-\s+never\norg-b\s+35\s+400/,
  );
  expect(await run('set', '--org', 'org-a', '--raw-days', '20')).toMatch(/org-a\s+20\s+400/);
  expect(await run('set', '--org', 'org-a', '--minute-days', '90')).toMatch(/org-a\s+20\s+90/);
  await expect(run('set', '--org', 'org-a', '--raw-days', 'ten')).rejects.toThrow(
    /'ten' is not a whole number of days/,
  );
  await expect(run('set', '--org', 'org-a', '--raw-days', '0')).rejects.toThrow(InputError);
  await expect(run('set', '--org', 'nope', '--raw-days', '3')).rejects.toThrow(/no organisation 'nope'/);
  await expect(run('set', '--org', 'org-a')).rejects.toThrow(/give --raw-days, --minute-days or both/);
});

it('runs for every organisation and shows where the store now begins', async () => {
  // The world's readings end DAYS after T0; "now" is today, so every one of them is older than 20 days.
  const out = await run('run', '--json');
  const results = JSON.parse(out) as { orgId: string; deleted: number; copied: number }[];
  const perChannelDay = DAY / 600_000;
  expect(results.map((r) => [r.orgId, r.copied, r.deleted])).toEqual([
    ['org-a', 2 * DAYS * perChannelDay, 2 * DAYS * perChannelDay],
    ['org-b', DAYS * perChannelDay, DAYS * perChannelDay],
  ]);
  expect(await store.readings.count()).toBe(0);
  const shown = JSON.parse(await run('show', '--org', 'org-a', '--json')) as { lakeBefore: number }[];
  expect(shown[0]?.lakeBefore).toBeGreaterThan(T0 + DAYS * DAY);
  expect(await run('run', '--org', 'org-b')).toMatch(
    /^org-b: raw readings before \d{4}-\d\d-\d\d in the lake only: 0 copied, 0 deleted/,
  );
});

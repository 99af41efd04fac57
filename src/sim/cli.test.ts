import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../cli/context.ts';
import { contextDefaults } from '../cli/testing.ts';
import { loadConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { registerSimulateCommands } from './cli.ts';

function context(): { ctx: CliContext; out: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const ctx: CliContext = {
    out,
    err: new PassThrough(),
    config: () => loadConfig({}),
    store: () => Promise.reject(new Error('no store in this test')),
    ...contextDefaults(),
  };
  return { ctx, out: () => text };
}

async function run(args: string[]): Promise<string> {
  const { ctx, out } = context();
  const program = new Command('loadscope').exitOverride();
  registerSimulateCommands(program, ctx);
  await program.parseAsync(['node', 'loadscope', 'simulate', ...args]);
  return out();
}

describe('loadscope simulate', () => {
  it('writes the requested files and a JSON summary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadscope-sim-cli-'));
    try {
      const out = await run([
        '--seed',
        '3',
        '--meters',
        '15',
        '--days',
        '1',
        '--sample',
        '300',
        '--format',
        'csv',
        '--out',
        dir,
        '--json',
      ]);
      const summary = JSON.parse(out) as { meters: number; files: { readings: number; files: string[] } };
      expect(summary.meters).toBe(15);
      expect(summary.files.files).toContain('readings.csv');
      const lines = (await readFile(join(dir, 'readings.csv'), 'utf8')).trimEnd().split('\n');
      expect(lines.length - 1).toBe(summary.files.readings);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the bad option', async () => {
    await expect(run(['--meters', '0', '--out', '/tmp/x'])).rejects.toThrow(/--meters.*1\.\.1,000,000/);
    await expect(run(['--sample', '7', '--out', '/tmp/x'])).rejects.toThrow(ConfigError);
    await expect(run(['--format', 'xml', '--out', '/tmp/x'])).rejects.toThrow(/unknown format 'xml'/);
    await expect(run(['--from', 'yesterday', '--out', '/tmp/x'])).rejects.toThrow(/--from/);
    await expect(run([])).rejects.toThrow(/nothing to do/);
    await expect(run(['--live', '--out', '/tmp/x'])).rejects.toThrow(/--live.*--mqtt, --http or --load/);
    await expect(run(['--http', 'http://127.0.0.1:1'])).rejects.toThrow(/--token/);
  });
});

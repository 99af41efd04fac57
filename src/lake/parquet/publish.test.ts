import { mkdir, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TMP_DIR } from './layout.ts';
import { sweepScratch } from './publish.ts';

describe('scratch folders of the lake', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('removes those a dead publisher left, untouched for the stale time, and keeps the fresh ones', async () => {
    const root = await mkdtemp(join(tmpdir(), 'loadscope-scratch-'));
    dirs.push(root);
    const now = Date.now();
    await mkdir(join(root, TMP_DIR, 'old.abcd1234'), { recursive: true });
    await mkdir(join(root, TMP_DIR, 'fresh.abcd1234'), { recursive: true });
    const old = new Date(now - 700_000);
    await utimes(join(root, TMP_DIR, 'old.abcd1234'), old, old);
    await sweepScratch(root, 600_000, now);
    expect(await readdir(join(root, TMP_DIR))).toEqual(['fresh.abcd1234']);
    // A lake without a scratch folder yet is no error.
    await expect(sweepScratch(join(root, 'none'), 600_000, now)).resolves.toBeUndefined();
  });
});

/** Contract of the write path under stress: concurrent writers, concurrent migrations, a killed writer. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReadingBatch } from '../../domain/types.ts';
import type { StoreFactory, TestStore } from './factories.ts';
import { seedCatalog, seriesBatch } from './fixtures.ts';

/** Slices a batch into consecutive sub-batches of `size` readings. */
function slices(b: ReadingBatch, size: number): ReadingBatch[] {
  const out: ReadingBatch[] = [];
  for (let o = 0; o < b.length; o += size) {
    const end = Math.min(b.length, o + size);
    out.push({
      channelIds: b.channelIds,
      channel: b.channel.subarray(o, end),
      ts: b.ts.subarray(o, end),
      value: b.value.subarray(o, end),
      quality: b.quality.subarray(o, end),
      length: end - o,
    });
  }
  return out;
}

/** Registers the durability tests for one adapter (call inside a `describe`). */
export function durabilityContract(factory: StoreFactory): void {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
    await seedCatalog(t.store);
  });
  afterAll(async () => t?.destroy());

  it('runs migrations again, concurrently, without harm', async () => {
    const peer = await t.peer();
    await Promise.all([t.store.migrate(), peer.migrate(), t.store.migrate()]);
    expect(await t.store.catalog.getChannel('c-mains')).toBeDefined();
  });

  it('two writers with overlapping batches store each reading once, without errors', async () => {
    const peer = await t.peer();
    // 20,000 readings per channel at 5 min steps span months, so both writers race to create partitions.
    const start = Date.UTC(2030, 0, 1);
    const a = slices(seriesBatch(['c-mains', 'c-fridge'], start, 12_000, 300_000), 4000);
    const b = slices(
      seriesBatch(['c-mains', 'c-fridge'], start + 8000 * 300_000, 12_000, 300_000),
      4000,
    ).reverse();
    const results = await Promise.all([
      (async () => {
        let n = 0;
        for (const s of a) n += (await t.store.readings.write(s)).inserted;
        return n;
      })(),
      (async () => {
        let n = 0;
        for (const s of b) n += (await peer.readings.write(s)).inserted;
        return n;
      })(),
    ]);
    const union = 2 * 20_000;
    expect(results[0] + results[1]).toBe(union);
    expect(await t.store.readings.count('c-mains')).toBe(20_000);
    expect(await peer.readings.count('c-fridge')).toBe(20_000);
    const changes = await t.store.readings.takeChanges();
    const mains = changes.filter((c) => c.channelId === 'c-mains');
    expect(mains[0]?.from).toBe(start);
    expect(mains.at(-1)?.to).toBe(start + 19_999 * 300_000);
  });

  it('two writers writing the very same batches at once: one stores, the other reports duplicates', async () => {
    const peer = await t.peer();
    const batches = slices(seriesBatch(['c-gas'], Date.UTC(2031, 0, 1), 30_000, 1000), 10_000);
    const results = await Promise.all(
      batches.flatMap((b) => [t.store.readings.write(b), peer.readings.write(b)]),
    );
    expect(results.reduce((s, r) => s + r.inserted, 0)).toBe(30_000);
    expect(results.reduce((s, r) => s + r.duplicates, 0)).toBe(30_000);
    expect(await t.store.readings.count('c-gas')).toBe(30_000);
  });

  it('a writer killed mid-batch leaves whole batches only, and a re-run completes them', async () => {
    // Big enough that a kill usually lands inside a batch; PostgreSQL writes about 10x slower here.
    const size = factory.kind === 'postgres' ? 40_000 : 100_000;
    const before = await t.store.readings.count('c-mains');
    await t.store.close();
    const script = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, String(size), '50'], {
      env: { ...process.env, ...t.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const committed = await new Promise<number>((resolve, reject) => {
      let out = '';
      let last = 0;
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const lines = out.trim().split('\n');
        last = lines.length;
        const ms = Number(lines[0]?.split(' ')[2]);
        // After the second commit, kill halfway through the third batch (timed from the first).
        if (last === 2) setTimeout(() => child.kill('SIGKILL'), Math.max(1, ms / 2));
      });
      child.on('exit', () => resolve(last));
      child.on('error', reject);
    });
    expect(committed, stderr).toBeGreaterThanOrEqual(2);
    const store = await t.reopen();
    const stored = (await store.readings.count('c-mains')) - before;
    expect(stored % size).toBe(0);
    expect(stored / size).toBeGreaterThanOrEqual(committed);
    expect(stored / size).toBeLessThanOrEqual(committed + 1);
    // Re-running the batches up to one past the last stored stores the rest and duplicates what is there.
    const rerun = stored / size + 1;
    const again = await store.readings.write(
      seriesBatch(['c-mains'], Date.UTC(2020, 0, 1), rerun * size, 1000),
    );
    expect(again).toEqual({ inserted: size, duplicates: stored });
    expect(await store.readings.count('c-mains')).toBe(before + rerun * size);
  }, 60_000);
}

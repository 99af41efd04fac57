/** Contract of the write path under stress: concurrent writers, concurrent migrations, a killed writer, the change log under concurrent writes. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReadingBatch } from '../../domain/types.ts';
import { TEST_PG_URL, type StoreFactory, type TestStore } from './factories.ts';
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
    const { changes, token } = await t.store.readings.peekChanges();
    const mains = changes.filter((c) => c.channelId === 'c-mains');
    expect(mains[0]?.from).toBe(start);
    expect(mains.at(-1)?.to).toBe(start + 19_999 * 300_000);
    await t.store.readings.ackChanges(token);
  });

  it('writers running during peeks and acks: each change is handed out until acknowledged, then never again', async () => {
    const r = t.store.readings;
    await r.ackChanges((await r.peekChanges()).token);
    const base = Date.UTC(2033, 0, 1);
    const writers = 3;
    const perWriter = 60;
    let running = writers;
    const writing = Array.from({ length: writers }, async (_, w) => {
      const store = w === 0 ? t.store : await t.peer();
      try {
        // One reading a batch, so each write is one log entry and one change of its own.
        for (let i = 0; i < perWriter; i++) {
          const ts = base + (i * writers + w) * 60_000;
          await store.readings.write(seriesBatch(['c-fridge'], ts, 1, 1000));
        }
      } finally {
        running--;
      }
    });
    const handedOut = new Map<number, number>();
    const consume = async () => {
      const { changes, token } = await r.peekChanges();
      await r.ackChanges(token);
      for (const c of changes) {
        expect(c).toMatchObject({ channelId: 'c-fridge', to: c.from });
        handedOut.set(c.from, (handedOut.get(c.from) ?? 0) + 1);
      }
      return changes.length;
    };
    let rounds = 0;
    while (running > 0) if ((await consume()) > 0) rounds++;
    await Promise.all(writing);
    await consume();
    // Several peeks took part, and together they handed out every write exactly once.
    expect(rounds).toBeGreaterThan(1);
    expect(handedOut.size).toBe(writers * perWriter);
    expect([...handedOut.values()].every((n) => n === 1)).toBe(true);
  }, 60_000);

  // In PostgreSQL a writer numbers its log entry before it commits, so an entry numbered below one
  // already visible can appear after a peek; a high-water-mark ack would delete it unseen. DuckDB
  // runs one write at a time, so there the interleaving cannot arise.
  if (factory.kind === 'postgres')
    it('a write that commits after the peek keeps its change, though it numbered it first', async () => {
      const r = t.store.readings;
      await r.ackChanges((await r.peekChanges()).token);
      const ts = Date.UTC(2034, 0, 1);
      const slow = new pg.Client({ connectionString: TEST_PG_URL });
      await slow.connect();
      try {
        await slow.query(`SET search_path TO ${t.env['LOADSCOPE_PG_SCHEMA']}`);
        // A writer in the middle of its transaction: its log entry is in (numbered), the commit is not.
        await slow.query('BEGIN');
        await slow.query(
          `INSERT INTO reading_changes (channel_key, from_ts, to_ts) SELECT key, $1, $1 FROM channels WHERE id = 'c-gas'`,
          [ts],
        );
        await r.write(seriesBatch(['c-mains'], ts, 1, 1000));
        const peeked = await r.peekChanges();
        expect(peeked.changes).toEqual([{ channelId: 'c-mains', from: ts, to: ts }]);
        await slow.query('COMMIT');
        await r.ackChanges(peeked.token);
        expect((await r.peekChanges()).changes).toEqual([{ channelId: 'c-gas', from: ts, to: ts }]);
      } finally {
        await slow.end();
      }
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

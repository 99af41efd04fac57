/**
 * The existing-row check of the PostgreSQL write path reads a few index pages per channel of the
 * batch, however many readings the channels in between hold (buffers counted by EXPLAIN, not time).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, TEST_PG_URL, type TestStore } from '../contract/factories.ts';
import { electricityMeter, plainFacility, powerMains, seriesBatch } from '../contract/fixtures.ts';
import { storedInRangesSql } from './readings-write.ts';

const CHANNELS = Array.from({ length: 200 }, (_, i) => `ch-${String(i).padStart(3, '0')}`);
const START = Date.UTC(2024, 0, 1);
const STEP = 1000;
const PER_CHANNEL = 1000;

/** Shared buffers (hit + read) a statement touched, from EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON). */
async function buffers(client: pg.Client, text: string, values: unknown[]): Promise<number> {
  const res = await client.query<{ 'QUERY PLAN': [{ Plan: Record<string, number> }] }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
    values,
  );
  const plan = res.rows[0]?.['QUERY PLAN'][0].Plan ?? {};
  return (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
}

const factory = STORE_FACTORIES.find((f) => f.kind === 'postgres');
if (factory === undefined) throw new Error('no postgres store factory');

describe('postgres existing-row check', () => {
  let t: TestStore;
  let client: pg.Client;
  let keys: Map<string, number>;
  beforeAll(async () => {
    t = await factory.open();
    await t.store.catalog.upsertOrganisations([{ id: 'o', name: 'o', createdAt: 0 }]);
    await t.store.catalog.upsertFacilities([plainFacility('f', 'o')]);
    await t.store.catalog.upsertMeters([electricityMeter('m', 'f')]);
    await t.store.catalog.upsertChannels(CHANNELS.map((id) => ({ ...powerMains(id, 'm'), name: id })));
    await t.store.readings.write(seriesBatch(CHANNELS, START, PER_CHANNEL, STEP));
    client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    await client.query(`SET search_path TO ${t.env['LOADSCOPE_PG_SCHEMA']}`);
    await client.query('ANALYZE readings');
    const rows = (await client.query<{ id: string; key: number }>('SELECT id, key FROM channels')).rows;
    keys = new Map(rows.map((r) => [r.id, r.key]));
  });
  afterAll(async () => {
    await client?.end();
    await t?.destroy();
  });

  // The first and last channel, just after the stored data: everything in between is stored.
  const edges = () => {
    const from = START + PER_CHANNEL * STEP;
    const to = from + 10 * STEP;
    const ranges = [CHANNELS[0], CHANNELS.at(-1)].map((id) => ({ key: keys.get(id ?? '') ?? -1, from, to }));
    return { ranges, minTs: from, maxTs: to };
  };

  it('finds a stored reading in a channel range and nothing past the stored data', async () => {
    const past = storedInRangesSql(edges());
    expect((await client.query<{ found: boolean }>(past)).rows[0]?.found).toBe(false);
    const at = edges();
    at.ranges[1] = { ...(at.ranges[1] as { key: number }), from: START, to: START };
    at.minTs = START;
    const hit = storedInRangesSql(at);
    expect((await client.query<{ found: boolean }>(hit)).rows[0]?.found).toBe(true);
  });

  it('reads a few pages per channel, not every key in between', async () => {
    const q = storedInRangesSql(edges());
    const exact = await buffers(client, q.text, q.values);
    // The bound the old check used: the key range and the time range.
    const [lo, hi] = [keys.get(CHANNELS[0] ?? ''), keys.get(CHANNELS.at(-1) ?? '')];
    const { minTs, maxTs } = edges();
    const ranged = await buffers(
      client,
      `SELECT count(*) FROM readings WHERE channel_key BETWEEN ${lo} AND ${hi} AND ts BETWEEN ${minTs} AND ${maxTs}`,
      [],
    );
    expect(exact).toBeLessThanOrEqual(12);
    // The fixture is big enough for the difference to show: the key-range scan walks the whole index.
    expect(ranged).toBeGreaterThan(20 * exact);
  });
});

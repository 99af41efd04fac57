/** The binary COPY encoders, read back by a real PostgreSQL server, and the channel ordering of the direct path. */
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchOf } from '../contract/fixtures.ts';
import { TEST_PG_URL } from '../contract/factories.ts';
import { minuteAggregates, prepareBatch } from '../readings-batch.ts';
import { encodeBinaryCopy, encodeMinutesCopy, orderByChannel } from './copy-binary.ts';

// Keys deliberately out of the channels' order in the batch: b < c < a.
const KEYS = new Map([
  ['a', 30],
  ['b', 10],
  ['c', 20],
]);
const keyOf = async (ids: string[]) => new Map(ids.map((id) => [id, KEYS.get(id) ?? -1]));
const fail = (m: string) => new Error(m);

// Before 1970, across the 2^32 ms boundary, and far ahead: the int64 halves must come out right.
const BATCH = batchOf([
  { channelId: 'a', ts: -2_208_988_800_000, value: -1.5, quality: 3 },
  { channelId: 'b', ts: 4_294_967_295, value: 2.25, quality: 0 },
  { channelId: 'a', ts: -2_208_988_799_000, value: 1e300, quality: 1 },
  { channelId: 'c', ts: 7_258_118_400_000, value: 0, quality: 2 },
  { channelId: 'b', ts: 4_294_967_296, value: -0.125, quality: 0 },
  { channelId: 'b', ts: 4_295_030_000, value: 7, quality: 0 },
]);

async function copy(client: pg.Client, table: string, data: Buffer): Promise<void> {
  await pipeline(
    async function* () {
      yield data;
    },
    client.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT binary)`)),
  );
}

describe('binary COPY encoders', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
  });
  afterAll(async () => client?.end());

  it('readings: every field as written, in the order given', async () => {
    const p = await prepareBatch(BATCH, keyOf, fail);
    await client.query(
      'CREATE TEMP TABLE r (k INTEGER, ts BIGINT, value DOUBLE PRECISION, quality SMALLINT, n SERIAL)',
    );
    await copy(
      client,
      'r (k, ts, value, quality)',
      encodeBinaryCopy(p.keys, BATCH, orderByChannel(BATCH, p.keys)),
    );
    const rows = (await client.query('SELECT k, ts::text, value, quality FROM r ORDER BY n')).rows;
    expect(rows).toEqual([
      { k: 10, ts: '4294967295', value: 2.25, quality: 0 },
      { k: 10, ts: '4294967296', value: -0.125, quality: 0 },
      { k: 10, ts: '4295030000', value: 7, quality: 0 },
      { k: 20, ts: '7258118400000', value: 0, quality: 2 },
      { k: 30, ts: '-2208988800000', value: -1.5, quality: 3 },
      { k: 30, ts: '-2208988799000', value: 1e300, quality: 1 },
    ]);
  });

  it('minute aggregates: every field as written', async () => {
    const p = await prepareBatch(BATCH, keyOf, fail);
    await client.query(
      `CREATE TEMP TABLE m (k INTEGER, minute BIGINT, min_v DOUBLE PRECISION, max_v DOUBLE PRECISION, sum_v DOUBLE PRECISION, n INTEGER,
        pair_e DOUBLE PRECISION, pair_cov BIGINT, max_dt BIGINT, first_ts BIGINT, last_ts BIGINT, last_v DOUBLE PRECISION, edge SMALLINT)`,
    );
    await copy(client, 'm', encodeMinutesCopy(minuteAggregates(BATCH, p)));
    const rows = (
      await client.query(
        `SELECT k, minute::text, min_v, max_v, sum_v, n, pair_e, pair_cov::text, max_dt::text, first_ts::text,
           last_ts::text, last_v, edge FROM m ORDER BY k, minute`,
      )
    ).rows;
    const pairs = (
      pair_e: number,
      cov: number,
      max: number,
      first: number,
      last: number,
      last_v: number,
      edge: number,
    ) => ({
      pair_e,
      pair_cov: String(cov),
      max_dt: String(max),
      first_ts: String(first),
      last_ts: String(last),
      last_v,
      edge,
    });
    expect(rows).toEqual([
      {
        k: 10,
        minute: '4294920000',
        min_v: -0.125,
        max_v: 2.25,
        sum_v: 2.125,
        n: 2,
        ...pairs(2.25 - 0.125 * 62_704, 62_705, 62_704, 4_294_967_295, 4_294_967_296, -0.125, 1),
      },
      {
        k: 10,
        minute: '4294980000',
        min_v: 7,
        max_v: 7,
        sum_v: 7,
        n: 1,
        ...pairs(0, 0, 0, 4_295_030_000, 4_295_030_000, 7, 2),
      },
      {
        k: 20,
        minute: '7258118400000',
        min_v: 0,
        max_v: 0,
        sum_v: 0,
        n: 1,
        ...pairs(0, 0, 0, 7_258_118_400_000, 7_258_118_400_000, 0, 3),
      },
      {
        k: 30,
        minute: '-2208988800000',
        min_v: -1.5,
        max_v: 1e300,
        sum_v: 1e300,
        n: 2,
        ...pairs(-1500, 1000, 1000, -2_208_988_800_000, -2_208_988_799_000, 1e300, 3),
      },
    ]);
  });
});

describe('orderByChannel', () => {
  it('groups readings by channel in key order, keeping each channel’s own order', async () => {
    const p = await prepareBatch(BATCH, keyOf, fail);
    expect(Array.from(orderByChannel(BATCH, p.keys))).toEqual([1, 4, 5, 3, 0, 2]);
  });

  it('handles an empty batch', () => {
    const empty = batchOf([]);
    expect(orderByChannel(empty, new Int32Array(0))).toHaveLength(0);
  });
});

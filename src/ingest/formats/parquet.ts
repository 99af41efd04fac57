/**
 * Parquet readings as the simulator writes them (`loadscope simulate --format parquet`): a folder
 * with `channels.parquet` (channel_key, channel_id, meter_id, name, is_mains, appliance, measurement,
 * unit, interval_ms, and facility_id since it was added) and `readings-*.parquet` (channel_key, ts in
 * UTC ms, value in the channel's unit, quality). Each channel lands on its meter in its facility
 * (the import's facility when the file names none, or when `--facility` is given), like the long CSV.
 *
 * Read through an in-memory DuckDB, as the simulator writes it: rows arrive in chunks of 2,048 whose
 * columns are copied out as float64 arrays (no object per reading).
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { MEASUREMENTS, type Measurement } from '../../domain/types.ts';
import { InputError } from '../../errors.ts';
import { slug } from '../catalog-routing.ts';
import type { Format, FormatContext } from '../format.ts';
import { TS_MAX, TS_MIN } from '../time.ts';
import { KNOWN_UNITS, unitRule } from '../units.ts';
import { volumeKind } from './utilityapi-common.ts';

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Catalog index and unit factor per channel_key; channel -1 for channels whose rows are rejected. */
type KeyMap = Map<number, KeyInfo>;
/** One channel_key's place in the catalog. */
interface KeyInfo {
  channel: number;
  factor: number;
  problem: string;
}

/** Registers every channel of `channels.parquet`. */
async function registerChannels(
  ctx: FormatContext,
  conn: Awaited<ReturnType<DuckDBInstance['connect']>>,
  file: string,
): Promise<KeyMap> {
  const cols = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`))
    .getRowObjectsJS()
    .map((r) => String(r['column_name']));
  for (const c of ['channel_key', 'meter_id', 'name', 'unit'])
    if (!cols.includes(c))
      throw new InputError(`channels.parquet has no '${c}' column (columns: ${cols.join(', ')})`, {
        file: join(ctx.file, 'channels.parquet'),
        field: c,
      });
  const pick = (c: string, fallback: string): string => (cols.includes(c) ? c : `${fallback} AS ${c}`);
  const rows = (
    await conn.runAndReadAll(
      `SELECT channel_key::INTEGER AS channel_key, meter_id, name, unit, ${pick('is_mains', "name = 'mains'")},
        ${pick('appliance', 'NULL')}, ${pick('measurement', 'NULL')}, ${pick('interval_ms', 'NULL')},
        ${pick('facility_id', 'NULL')} FROM read_parquet(${sqlString(file)}) ORDER BY channel_key`,
    )
  ).getRowObjectsJS();
  const index: KeyMap = new Map();
  for (const r of rows) {
    const key = Number(r['channel_key']);
    const rule = unitRule(String(r['unit'] ?? ''));
    if (!rule) {
      index.set(key, {
        channel: -1,
        factor: 1,
        problem: `unknown unit '${String(r['unit'])}' of channel ${key}; expected one of ${KNOWN_UNITS}`,
      });
      continue;
    }
    const meter = String(r['meter_id']);
    const facility = r['facility_id'] === null ? '' : String(r['facility_id']);
    const serviceType = volumeKind(rule.unit)?.serviceType;
    const info = serviceType ? { serviceType } : {};
    const meterId = facility
      ? ctx.catalog.placeMeter(meter, info, { facility: { id: slug(facility), name: facility } })
      : ctx.catalog.meter(meter, info).id;
    const m = String(r['measurement'] ?? '');
    const interval = r['interval_ms'] === null ? null : Number(r['interval_ms']);
    const channel = ctx.catalog.channel({
      meter,
      meterId,
      name: String(r['name']),
      isMains: r['is_mains'] === true,
      appliance: r['appliance'] === null ? null : String(r['appliance']),
      measurement: (MEASUREMENTS as readonly string[]).includes(m) ? (m as Measurement) : rule.measurement,
      unit: rule.unit,
      intervalMs: interval !== null && interval > 0 ? interval : null,
    });
    index.set(key, { channel, factor: rule.factor, problem: '' });
  }
  return index;
}

/** Rejects a row that {@link parquet} cannot store, naming the first problem found. */
function reject(ctx: FormatContext, k: KeyInfo | undefined, key: number, ts: number, value: number): void {
  const raw = `channel_key=${key}, ts=${ts}, value=${value}`;
  if (!k)
    ctx.rejects.reject(
      0,
      'channel_key',
      'unknown-channel',
      `channel_key ${key} is not in channels.parquet`,
      raw,
    );
  else if (k.channel < 0) ctx.rejects.reject(0, 'unit', 'unknown-unit', k.problem, raw);
  else if (!(ts >= TS_MIN && ts < TS_MAX))
    ctx.rejects.reject(0, 'ts', 'timestamp-out-of-range', `ts ${ts} is not UTC ms in 1970..2100`, raw);
  else ctx.rejects.reject(0, 'value', 'not-finite', `expected a finite value, found ${value}`, raw);
}

/** The Parquet folder format. */
export const parquet: Format = {
  async run(ctx) {
    const dir = ctx.opts.path;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (cause) {
      throw new InputError(
        `a Parquet import reads a folder: ${(cause as Error).message}`,
        { file: ctx.file },
        { cause },
      );
    }
    const parts = names.filter((f) => /^readings-[\w-]+\.parquet$/.test(f)).sort();
    if (!existsSync(join(dir, 'channels.parquet')) || parts.length === 0)
      throw new InputError(
        'a Parquet folder needs channels.parquet and readings-NNNNN.parquet files (the simulator writes them with --format parquet)',
        { file: ctx.file },
      );
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const conn = await instance.connect();
    try {
      const keys = await registerChannels(ctx, conn, join(dir, 'channels.parquet'));
      const list = `[${parts.map((p) => sqlString(join(dir, p))).join(', ')}]`;
      const result = await conn.stream(
        `SELECT channel_key::DOUBLE, ts::DOUBLE, coalesce(value::DOUBLE, 'NaN'::DOUBLE),
          coalesce(quality, 0)::DOUBLE FROM read_parquet(${list})`,
      );
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const n = chunk.rowCount;
        const [key, ts, value, quality] = [0, 1, 2, 3].map((c) => {
          const bytes = duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, c), n * 8);
          return new Float64Array(bytes.buffer, bytes.byteOffset, n);
        }) as [Float64Array, Float64Array, Float64Array, Float64Array];
        for (let i = 0; i < n && !ctx.full(); i++) {
          ctx.rows++;
          const k = keys.get(key[i]!);
          const v = value[i]!;
          const t = ts[i]!;
          // The common case first, with no closure or string made per reading (a closure per row was 3 % of
          // the main thread in a profile of a 6.5 M-reading import, plus its garbage).
          if (k !== undefined && k.channel >= 0 && t >= TS_MIN && t < TS_MAX && Number.isFinite(v * k.factor))
            ctx.out.push(k.channel, t, v * k.factor, quality[i]! <= 3 ? quality[i]! : 3);
          else reject(ctx, k, key[i]!, t, v);
        }
        await ctx.out.drain();
        ctx.signal?.throwIfAborted();
      }
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  },
};

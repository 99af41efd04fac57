/**
 * A small world for retention tests: two organisations in UTC, three power channels with 60 days of
 * readings every 10 minutes (values with decimals, every quality flag), a lake on a temp folder, and
 * snapshots of everything a reader can ask of raw readings over a range, to compare before and after
 * a retention run.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ReadingBatch } from '../../domain/types.ts';
import { openParquetLake } from '../../lake/parquet/index.ts';
import type { Lake } from '../../lake/port.ts';
import { electricityMeter, plainFacility, powerMains } from '../../store/contract/fixtures.ts';
import type { ReadingRepo } from '../../store/ports/readings.ts';
import type { Store } from '../../store/store.ts';

export const DAY = 86_400_000;
/** The first reading: 2025-01-01T00:00Z. */
export const T0 = Date.UTC(2025, 0, 1);
/** Days of readings. */
export const DAYS = 60;
export const STEP = 600_000;
/** "Now" of the runs: noon of the day after the last reading. */
export const NOW = T0 + DAYS * DAY + DAY / 2;
export const A_CHANNELS = ['a-m1-mains', 'a-m2-mains'] as const;
export const B_CHANNEL = 'b-m1-mains';
const PLACES = [
  ['a-m1-mains', 'org-a', 'a-m1'],
  ['a-m2-mains', 'org-a', 'a-m2'],
  ['b-m1-mains', 'org-b', 'b-m1'],
] as const;

/** Where each world channel goes in the lake. */
export const PLACES_BY_ID: ReadonlyMap<string, { orgId: string; meterId: string }> = new Map(
  PLACES.map(([id, orgId, meterId]) => [id, { orgId, meterId }]),
);

/** The catalog of the world. */
export async function seedWorld(store: Store): Promise<void> {
  await store.catalog.upsertOrganisations([
    { id: 'org-a', name: 'A', createdAt: 0 },
    { id: 'org-b', name: 'B', createdAt: 0 },
  ]);
  await store.catalog.upsertFacilities(PLACES.map(([, org, m]) => plainFacility(`f-${m}`, org)));
  await store.catalog.upsertMeters(PLACES.map(([, , m]) => electricityMeter(m, `f-${m}`)));
  await store.catalog.upsertChannels(PLACES.map(([id, , m]) => powerMains(id, m)));
}

/** Readings of every world channel in [from, to) every STEP, value a function of channel and time. */
export function worldBatch(from: number, to: number, bump = 0): ReadingBatch {
  const ids = PLACES.map(([id]) => id);
  const n = Math.ceil((to - from) / STEP);
  const b: ReadingBatch = {
    channelIds: [...ids],
    channel: new Int32Array(n * ids.length),
    ts: new Float64Array(n * ids.length),
    value: new Float64Array(n * ids.length),
    quality: new Uint8Array(n * ids.length),
    length: n * ids.length,
  };
  for (let i = 0; i < n; i++)
    for (let c = 0; c < ids.length; c++) {
      const j = i * ids.length + c;
      const t = from + i * STEP;
      b.channel[j] = c;
      b.ts[j] = t;
      b.value[j] = Math.round(1000 * (400 + 300 * Math.sin(t / 7e6 + c) + c * 17.3)) / 1000 + bump;
      b.quality[j] = (t / STEP) % 4;
    }
  return b;
}

/** Writes the world's 60 days, a day per write (as an import would). */
export async function writeWorld(readings: ReadingRepo): Promise<void> {
  for (let d = 0; d < DAYS; d++) await readings.write(worldBatch(T0 + d * DAY, T0 + (d + 1) * DAY));
}

/** A lake on a temp folder placing the world's channels; `close` also deletes it. */
export async function openWorldLake(): Promise<{ lake: Lake; dir: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'loadscope-retention-lake-'));
  const places = new Map<string, { orgId: string; meterId: string }>(
    PLACES.map(([id, orgId, meterId]) => [id, { orgId, meterId }]),
  );
  const lake = await openParquetLake({ dir, place: (id) => places.get(id), shards: 4, compactEveryMs: 0 });
  return {
    lake,
    dir,
    async close() {
      await lake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Rows of an exported file as [channel, time ms, value, quality], read back with DuckDB. */
export async function exportedRows(path: string, format: 'csv' | 'parquet'): Promise<unknown[][]> {
  if (format === 'csv') {
    const [header, ...lines] = (await readFile(path, 'utf8')).trim().split('\n');
    expectHeader(header);
    return lines.map((l) => {
      const [id, time, value, quality] = l.split(',');
      return [id, Date.parse(String(time)), Number(value), Number(quality)];
    });
  }
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const r = await conn.runAndReadAll(
      `SELECT channel_id, epoch_ms(time)::DOUBLE, value, quality::INTEGER FROM read_parquet('${path}')`,
    );
    return r.getRows().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

function expectHeader(header: string | undefined): void {
  if (header !== 'channel_id,time,value,quality') throw new Error(`unexpected CSV header '${header}'`);
}

/** Everything a reader can ask of one channel's raw readings over [from, to), as plain data. */
export async function channelAnswers(readings: ReadingRepo, id: string, from: number, to: number) {
  const cols = await readings.readColumns(id, from, to);
  const days = Math.round((to - from) / DAY);
  return {
    read: await readings.read(id, from, to),
    columns: { ts: [...cols.ts], value: [...cols.value] },
    extent: await readings.extent(id),
    // Narrow buckets (raw readings) and wide ones (minute rows with raw cut minutes), odd counts so
    // that bucket edges cut minutes.
    narrow: await readings.downsample(id, from, to, days * 24 * 6 + 7),
    wide: await readings.downsample(id, from, to, Math.max(7, days * 2 + 3)),
  };
}

/** Exports over [from, to) in both formats, as rows. */
export async function exportAnswers(readings: ReadingRepo, from: number, to: number, channelIds?: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'loadscope-retention-export-'));
  try {
    const out: Record<string, unknown[][]> = {};
    for (const format of ['csv', 'parquet'] as const) {
      const path = join(dir, `r.${format}`);
      const n = await readings.exportReadings({
        format,
        path,
        from,
        to,
        ...(channelIds ? { channelIds } : {}),
      });
      out[format] = await exportedRows(path, format);
      if (out[format].length !== n)
        throw new Error(`export said ${n} readings, the file holds ${out[format].length}`);
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

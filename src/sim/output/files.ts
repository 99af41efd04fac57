/**
 * Writes a fleet's readings over a range to files in one pass over the generator: long CSV,
 * UtilityAPI CSV and JSON, Parquet parts, plus the catalog and ground-truth files.
 */
import { join } from 'node:path';
import type { ReadingBatch } from '../../domain/types.ts';
import type { Fleet } from '../fleet.ts';
import { generateReadings } from '../readings.ts';
import { buildTruth } from '../truth.ts';
import { writeCatalogFiles, writeTruthFiles } from './catalog-files.ts';
import { createLongCsvSink } from './csv.ts';
import { createParquetSink } from './parquet.ts';
import { createUtilityApiSink } from './utilityapi.ts';

/** File formats `loadscope simulate --out` can write. */
export const FILE_FORMATS = ['csv', 'utilityapi-csv', 'utilityapi-json', 'parquet'] as const;
/** A file format. */
export type FileFormat = (typeof FILE_FORMATS)[number];

/** What was written. */
export interface FilesResult {
  /** Readings generated. */
  readings: number;
  /** Files and folders written, relative to the output folder. */
  files: string[];
  spikes: number;
}

/** Writes `formats` for [from, to) into `dir`, with catalog and truth files. */
export async function writeFleetFiles(
  fleet: Fleet,
  opts: {
    dir: string;
    from: number;
    to: number;
    formats: readonly FileFormat[];
    onBatch?: (readings: number) => void;
    parquetThreads?: number;
  },
): Promise<FilesResult> {
  const { dir, from, to, formats } = opts;
  const files: string[] = ['catalog.json', 'channels.csv', 'registrations.csv', 'truth/'];
  await writeCatalogFiles(fleet, dir);
  const sinks: { write(b: ReadingBatch): Promise<void>; close(): Promise<number> }[] = [];
  if (formats.includes('csv')) {
    sinks.push(await createLongCsvSink(join(dir, 'readings.csv'), fleet));
    files.push('readings.csv');
  }
  if (formats.includes('utilityapi-csv') || formats.includes('utilityapi-json')) {
    const csvPath = formats.includes('utilityapi-csv') ? join(dir, 'utilityapi.csv') : null;
    const jsonPath = formats.includes('utilityapi-json') ? join(dir, 'utilityapi.json') : null;
    sinks.push(await createUtilityApiSink(fleet, { csvPath, jsonPath, updated: to }));
    if (csvPath) files.push('utilityapi.csv');
    if (jsonPath) files.push('utilityapi.json');
  }
  if (formats.includes('parquet')) {
    sinks.push(
      await createParquetSink({
        dir: join(dir, 'parquet'),
        channels: fleet.channels,
        meterFacilities: new Map(fleet.meters.map((m) => [m.id, m.facilityId])),
        ...(opts.parquetThreads ? { threads: opts.parquetThreads } : {}),
      }),
    );
    files.push('parquet/');
  }
  let readings = 0;
  try {
    for await (const b of generateReadings(fleet, { from, to })) {
      for (const s of sinks) await s.write(b);
      readings += b.length;
      opts.onBatch?.(readings);
    }
  } finally {
    for (const s of sinks) await s.close();
  }
  const truth = buildTruth(fleet, from, to);
  await writeTruthFiles(truth, join(dir, 'truth'));
  return { readings, files, spikes: truth.spikes.length };
}

/**
 * The command that imports written files back into a store, every meter in its facility: the
 * registrations first (facilities with zip codes), then the most complete readings file written.
 */
export function importBackCommand(dir: string, files: readonly string[]): string {
  const data = ['parquet/', 'readings.csv', 'utilityapi.csv', 'utilityapi.json'].find((f) =>
    files.includes(f),
  );
  const path = (f: string): string => join(dir, f).replace(/\/$/, '');
  return `loadscope import ${path('registrations.csv')}${data ? ` ${path(data)}` : ''}`;
}

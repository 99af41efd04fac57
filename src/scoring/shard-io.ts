/**
 * The staged form of score-job inputs: per shard a JSON header listing facilities and a binary file of their
 * hourly energy (little-endian float64, facilities one after another), plus the job-wide peer table.
 */
import { readFile } from 'node:fs/promises';
import type { FacilityKind } from '../domain/types.ts';
import type { StagedJobManifest } from '../jobs/staging.ts';
import { stagePaths, writeAtomic } from '../jobs/staging.ts';
import type { PeerTable } from './peers.ts';
import type { UnscoredResult } from './sufficiency.ts';
import type { NilmSummary, ScoreResult } from './types.ts';

/** One facility in a shard's input header. */
export interface StagedFacility {
  id: string;
  name: string;
  kind: FacilityKind;
  zip: string | null;
  timeZone: string;
  start: number;
  hours: number;
  /** Offset of its first hour in the shard's float64 array. */
  offset: number;
  alerts: number;
  nilm: NilmSummary | null;
}

/** Parameters of a score job, in the manifest. */
export interface ScoreJobParams {
  product: string;
  /** Module to import for a custom product; null for built-ins. */
  productModule: string | null;
  productParams: Record<string, unknown>;
  facilityIds: string[];
  /** True for SQL products: the coordinator ran the query, the shard formats its rows. */
  sql?: boolean;
}

/** One facility's result in a shard's output. */
export type StagedScore = { facilityId: string } & (
  { result: ScoreResult | UnscoredResult } | { result: null }
);

/** A shard's output. */
export interface ScoreShardOutput {
  scores: StagedScore[];
}

/** Writes one shard's input. */
export async function writeScoreShardInput(
  dir: string,
  index: number,
  facilities: StagedFacility[],
  hourly: Float64Array,
): Promise<void> {
  await writeAtomic(
    stagePaths.inputBin(dir, index),
    new Uint8Array(hourly.buffer, hourly.byteOffset, hourly.byteLength),
  );
  await writeAtomic(stagePaths.input(dir, index), JSON.stringify({ facilities }));
}

/** Reads one shard's input. */
export async function readScoreShardInput(
  dir: string,
  index: number,
): Promise<{ facilities: StagedFacility[]; hourly: Float64Array }> {
  const header = JSON.parse(await readFile(stagePaths.input(dir, index), 'utf8')) as {
    facilities: StagedFacility[];
  };
  const bin = await readFile(stagePaths.inputBin(dir, index));
  const copy = new Uint8Array(bin.byteLength);
  copy.set(bin);
  return { facilities: header.facilities, hourly: new Float64Array(copy.buffer) };
}

/** Writes the job-wide peer table. */
export async function writePeers(dir: string, peers: PeerTable): Promise<void> {
  await writeAtomic(stagePaths.shared(dir, 'peers'), JSON.stringify(peers));
}

/** Reads the job-wide peer table. */
export async function readPeers(dir: string): Promise<PeerTable> {
  return JSON.parse(await readFile(stagePaths.shared(dir, 'peers'), 'utf8')) as PeerTable;
}

/** The score parameters of a manifest. */
export function scoreParams(manifest: StagedJobManifest): ScoreJobParams {
  return manifest.params as unknown as ScoreJobParams;
}

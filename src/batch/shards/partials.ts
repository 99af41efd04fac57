/**
 * What a sharded batch run exchanges through files: the plan every task reads (`batch.json` in the
 * staging folder) and the partial results each task writes into the lake's work folder. Shared by the
 * coordinator and the task, so it imports nothing but types.
 */
import type { PartialKind } from '../../store/ports/rollups.ts';

/** One lake partition a task reads: its folder and its Parquet files (names sorted = write order). */
export interface PlannedPartition {
  folder: string;
  files: string[];
}

/** One task of a run: the meter shards of the lake it owns, every day of them. */
export interface PlannedTask {
  /** Lake meter shards (the `shard=` folders) this task reads. */
  shards: number[];
  partitions: PlannedPartition[];
  bytes: number;
}

/** The plan of a run, written by the coordinator before the tasks start. */
export interface BatchPlan {
  /** Run id (also the name of its work folder). */
  id: string;
  /** Percentiles of the thresholds to compute, with their names (`p97`). */
  percentiles: { name: string; percentile: number }[];
  /** `computed_at` of the thresholds (the coordinator's clock, so every task writes the same). */
  computedAt: number;
  /** Folder of the partial results (`<lake>/_work/<id>`). */
  workDir: string;
  /** DuckDB threads per task. */
  threads: number;
  tasks: PlannedTask[];
}

/** The catalog file of one table in the staging folder (a JSON array of rows). */
export function catalogPath(stagingDir: string, table: keyof BatchCatalog): string {
  return `${stagingDir}/catalog-${table}.json`;
}

/** The channels, meters and facilities the batch SQL reads, as the store holds them. */
export interface BatchCatalog {
  channels: {
    id: string;
    meter_id: string;
    measurement: string;
    unit: string;
    interval_ms: number | null;
    max_gap_ms: number | null;
    rollover_at: number | null;
  }[];
  meters: { id: string; facility_id: string }[];
  facilities: { id: string; time_zone: string }[];
}

/** What a task reports (its JSON output); the partial files sit at {@link partialPaths}. */
export interface TaskReport {
  /** Readings of known channels read from the lake, each (channel, timestamp) once. */
  readings: number;
  channels: number;
  hourRows: number;
  dayRows: number;
  thresholds: number;
  /** Lake files read. */
  files: number;
  seconds: number;
}

/** The partial files of task `index` in a work folder. */
export function partialPaths(workDir: string, index: number): Record<PartialKind, string> {
  const base = `${workDir}/task-${index}`;
  return {
    hour: `${base}.hour.parquet`,
    day: `${base}.day.parquet`,
    thresholds: `${base}.thresholds.parquet`,
    sketchDays: `${base}.sketch-days.parquet`,
    sketchBuckets: `${base}.sketch-buckets.parquet`,
  };
}

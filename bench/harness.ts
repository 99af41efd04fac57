/**
 * The benchmark contract: every `bench/*.bench.ts` default-exports a {@link Bench}. Speeds are
 * reported as ratios against a baseline measured in the same process, never as absolute goals alone,
 * because the machines are shared and noisy.
 */

import type { Channel } from '../src/domain/types.ts';
import type { Store } from '../src/store/store.ts';

/** One measured figure. */
export interface BenchRow {
  /** What was measured, e.g. `import long CSV -> DuckDB`. */
  name: string;
  /** The figure, e.g. readings per second or seconds. */
  value: number;
  unit: string;
  /** Baseline figure measured in the same run, if any. */
  baseline?: { name: string; value: number };
  /** value / baseline (or the inverse, whichever reads as "x times the limit"), computed by the bench. */
  ratio?: number;
  /** The issue's goal in words, e.g. `>= 1e6 readings/s and within 3x of bare read_csv`. */
  goal?: string;
  /** Whether the goal was met in this run. */
  met?: boolean;
}

/** Options every bench honours. */
export interface BenchOptions {
  /** Smaller sizes for a quick check (`npm run bench -- --quick`). */
  quick: boolean;
  /** Scratch folder, removed afterwards. */
  tmpDir: string;
  /** Progress line writer (stderr). */
  log: (line: string) => void;
}

/** A benchmark: a name and a function that returns its rows. */
export interface Bench {
  name: string;
  run(opts: BenchOptions): Promise<BenchRow[]>;
}

/** Times `fn` in seconds (wall clock). */
export async function timeIt<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; result: T }> {
  const t0 = process.hrtime.bigint();
  const result = await fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, result };
}

/**
 * Gives a benchmark store one organisation `o`, one facility `f` (UTC) and power channels `ids` spread
 * round-robin over `meters` electricity meters (`m` when there is one, else `m0`, `m1`, ...).
 */
export async function seedPowerCatalog(
  store: Store,
  ids: string[],
  { meters = 1, maxGapMs = null }: { meters?: number; maxGapMs?: number | null } = {},
): Promise<void> {
  const meterId = (i: number) => (meters === 1 ? 'm' : `m${i % meters}`);
  await store.catalog.upsertOrganisations([{ id: 'o', name: 'o', createdAt: 0 }]);
  await store.catalog.upsertFacilities([
    {
      id: 'f',
      orgId: 'o',
      name: 'f',
      kind: 'unknown',
      address: null,
      zip: null,
      timeZone: 'UTC',
      tags: [],
      createdAt: 0,
    },
  ]);
  await store.catalog.upsertMeters(
    Array.from({ length: meters }, (_, i) => ({
      id: meterId(i),
      facilityId: 'f',
      serviceType: 'electricity' as const,
      utilityMeterNumber: null,
      serviceId: null,
      tariff: null,
      utility: null,
    })),
  );
  const channels: Channel[] = ids.map((id, i) => ({
    id,
    meterId: meterId(i),
    name: id,
    isMains: false,
    appliance: null,
    measurement: 'power',
    unit: 'W',
    intervalMs: 1000,
    maxGapMs,
    rolloverAt: null,
  }));
  await store.catalog.upsertChannels(channels);
}

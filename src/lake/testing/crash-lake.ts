/**
 * Child process of the lake crash test. `write <dir> <first batch>` appends batch after batch of the
 * fixture fleet (500 readings per channel each, consecutive minutes), publishing and compacting
 * often, and prints `acked <k>` once batch k's append resolved, until it is killed. `compact <dir>`
 * compacts the lake again and again, printing `ready` once open and `compacted <files in>` after each pass, until it is killed.
 */
import { openParquetLake } from '../parquet/index.ts';
import { CHANNELS, fleetBatch, placeOf } from './fixtures.ts';

/** Readings per channel in one batch of the crash test. */
export const CRASH_PER_CHANNEL = 500;
/** Start of the crash test's timestamps. */
export const CRASH_T0 = Date.UTC(2025, 5, 1);

/** Batch `k` of the crash test: the same readings every time it is asked for (a redelivery). */
export const crashBatch = (k: number) =>
  fleetBatch(CHANNELS, CRASH_T0 + k * CRASH_PER_CHANNEL * 60_000, CRASH_PER_CHANNEL, 60_000, k * 1e6);

const [mode, dir, first] = process.argv.slice(2);
if (mode === 'write' && dir) {
  const lake = await openParquetLake({
    dir,
    place: placeOf,
    flushRows: 12_000,
    flushMs: 300,
    compactEveryMs: 250,
    minFiles: 3,
  });
  for (let k = Number(first ?? 0); ; k++) {
    await lake.append(crashBatch(k));
    process.stdout.write(`acked ${k}\n`);
  }
} else if (mode === 'compact' && dir) {
  const lake = await openParquetLake({ dir, place: placeOf, compactEveryMs: 0, minFiles: 2 });
  process.stdout.write('ready\n');
  for (;;) {
    const r = await lake.compact({ all: true });
    process.stdout.write(`compacted ${r.filesIn}\n`);
  }
}

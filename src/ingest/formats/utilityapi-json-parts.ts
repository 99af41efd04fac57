/**
 * UtilityAPI JSON cut into small pieces, so that the server's event loop never parses a whole file:
 * a worker thread checks the nesting and runs `JSON.parse` over the file (a 40 MB file takes about
 * 0.65 s), then hands the document back as the JSON text of slices of at most {@link SLICE} readings,
 * which the importer parses one at a time between turns of the event loop.
 */

/** Readings (or seed-002 rows) per slice: parsing one slice takes a few tens of milliseconds. */
export const SLICE = 10_000;

/** One piece of the document, in document order. */
export type JsonPart =
  /** Seed 002 rows (`interval_start, interval_end, interval_kWh, ...`), `intervals[first..]`. */
  | { k: 'flat'; first: number; rows: string }
  /** A block of `intervals[index]` without its readings (which follow as `readings` parts when an array). */
  | { k: 'block'; index: number; block: string; hasReadings: boolean }
  /** `intervals[index].readings[first..]`. */
  | { k: 'readings'; index: number; first: number; rows: string };

/** Messages of the worker, in order: a problem that ends it, or the root, parts in groups, the end. */
export type JsonWorkerMessage =
  | { type: 'too-deep'; line: number; column: number }
  | { type: 'bad-json'; message: string }
  | { type: 'root'; meta: string | null; hasIntervals: boolean }
  | { type: 'parts'; parts: JsonPart[] }
  | { type: 'end' };

/** What the main thread passes to the worker (the bytes are transferred, not copied). */
export interface JsonWorkerData {
  bytes: Uint8Array;
  maxDepth: number;
}

/** True for a seed-002 row (`{ interval_start, interval_end, interval_kWh, ... }`) rather than a block. */
export function isFlatRow(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !('readings' in x) && 'interval_start' in x;
}

/**
 * JSON text of a parsed value that keeps what `JSON.parse` made of numbers beyond a double (1e400 is
 * Infinity, which JSON would write as null): as the string 'Infinity', so the reader still rejects it
 * as not finite instead of as missing.
 */
function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'number' && !Number.isFinite(x) ? String(x) : x,
  );
}

/** Cuts a parsed document's `intervals` into parts of at most {@link SLICE} readings each. */
export function* slices(intervals: unknown[]): Generator<JsonPart> {
  let flatFirst = -1;
  let flat: unknown[] = [];
  const endFlat = function* (): Generator<JsonPart> {
    if (flat.length) yield { k: 'flat', first: flatFirst, rows: toJson(flat) };
    flat = [];
    flatFirst = -1;
  };
  for (let bi = 0; bi < intervals.length; bi++) {
    const block = intervals[bi];
    if (isFlatRow(block)) {
      if (flatFirst < 0) flatFirst = bi;
      flat.push(block);
      if (flat.length >= SLICE) yield* endFlat();
      continue;
    }
    yield* endFlat();
    const readings = (block as Record<string, unknown> | null)?.['readings'];
    const hasReadings = Array.isArray(readings);
    const rest =
      hasReadings && block && typeof block === 'object'
        ? Object.fromEntries(Object.entries(block).filter(([k]) => k !== 'readings'))
        : block;
    yield { k: 'block', index: bi, block: toJson(rest ?? null), hasReadings };
    if (hasReadings)
      for (let ri = 0; ri < readings.length; ri += SLICE)
        yield { k: 'readings', index: bi, first: ri, rows: toJson(readings.slice(ri, ri + SLICE)) };
  }
  yield* endFlat();
}

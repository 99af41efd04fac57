/**
 * Builders for the batch tests: a one-facility catalog with chosen channels, readings from arrays, and
 * an independent reference (plain TS) of the energy formulas the SQL implements.
 */
import type { Channel, ReadingBatch } from '../domain/types.ts';
import type { Store } from '../store/store.ts';
import { electricityMeter } from '../store/contract/fixtures.ts';

/** Channel fields a test sets; the rest default to a 1-minute power channel. */
export type TestChannel = Partial<Channel> & { id: string };

/** Upserts one organisation, one facility in `timeZone` with one meter `<facilityId>-m`, and `channels` on it. */
export async function seedFacility(
  store: Store,
  opts: { facilityId: string; timeZone: string; zip?: string; channels: TestChannel[]; meterId?: string },
): Promise<void> {
  const meterId = opts.meterId ?? `${opts.facilityId}-m`;
  await store.catalog.upsertOrganisations([{ id: 'org-t', name: 'Test org', createdAt: 0 }]);
  await store.catalog.upsertFacilities([
    {
      id: opts.facilityId,
      orgId: 'org-t',
      name: opts.facilityId,
      kind: 'residential',
      address: null,
      zip: opts.zip ?? null,
      timeZone: opts.timeZone,
      tags: [],
      createdAt: 0,
    },
  ]);
  await store.catalog.upsertMeters([electricityMeter(meterId, opts.facilityId)]);
  await store.catalog.upsertChannels(
    opts.channels.map((c) => ({
      meterId,
      name: c.id,
      isMains: false,
      appliance: null,
      measurement: 'power',
      unit: 'W',
      intervalMs: 60_000,
      maxGapMs: null,
      rolloverAt: null,
      ...c,
    })),
  );
}

/** A columnar batch of one channel. */
export function channelBatch(
  channelId: string,
  ts: ArrayLike<number>,
  value: ArrayLike<number>,
): ReadingBatch {
  const n = ts.length;
  return {
    channelIds: [channelId],
    channel: new Int32Array(n),
    ts: Float64Array.from(ts),
    value: Float64Array.from(value),
    quality: new Uint8Array(n),
    length: n,
  };
}

/** Timestamps from `start` (inclusive) to `end` (exclusive) every `step` ms. */
export function steps(start: number, end: number, step: number): number[] {
  const out: number[] = [];
  for (let t = start; t < end; t += step) out.push(t);
  return out;
}

/**
 * Reference energy per bucket (Wh), written independently of the SQL: each sample's interval to the
 * next belongs to the bucket of its start, when not longer than `maxGap`. `bucketOf` maps a UTC ms.
 */
export function referenceEnergy(
  kind: 'power' | 'interval' | 'register',
  ts: number[],
  value: number[],
  maxGap: number,
  bucketOf: (t: number) => string,
  rolloverAt: number | null = null,
): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as number;
    const v = value[i] as number;
    const nt = ts[i + 1];
    const nv = value[i + 1];
    let e = 0;
    if (kind === 'interval') e = v;
    else if (nt !== undefined && nv !== undefined && nt - t <= maxGap) {
      if (kind === 'power') e = (v * (nt - t)) / 3_600_000;
      else e = nv >= v ? nv - v : rolloverAt !== null ? nv + rolloverAt - v : nv;
    }
    const k = bucketOf(t);
    out.set(k, (out.get(k) ?? 0) + e);
  }
  return out;
}

/** The local calendar date `YYYY-MM-DD` of a UTC ms in `timeZone` (Intl, independent of the SQL). */
export function localDate(t: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f.format(t);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The exact continuous percentile of the values above zero (DuckDB's quantile_cont, PostgreSQL's
 * percentile_cont): undefined when there are none.
 */
export function exactActiveQuantile(values: ArrayLike<number>, fraction: number): number | undefined {
  const v = Array.from(values)
    .filter((x) => x > 0)
    .sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const pos = (v.length - 1) * fraction;
  const lo = v[Math.floor(pos)]!;
  return lo + (pos - Math.floor(pos)) * (v[Math.ceil(pos)]! - lo);
}

/**
 * The sketch percentile of the values above zero, written independently of the SQL (sketch-sql.ts):
 * log buckets of ratio `gamma` with count, minimum and maximum; the value at a rank is read between
 * its bucket's minimum and maximum in proportion to its place among the bucket's ranks.
 */
export function referenceSketchQuantile(
  values: ArrayLike<number>,
  fraction: number,
  gamma = 1.005,
): number | undefined {
  const buckets = new Map<number, { n: number; lo: number; hi: number }>();
  for (const x of Array.from(values)) {
    if (!(x > 0)) continue;
    const i = Math.floor(Math.log(x) / Math.log(gamma));
    const b = buckets.get(i);
    if (b) {
      b.n++;
      b.lo = Math.min(b.lo, x);
      b.hi = Math.max(b.hi, x);
    } else buckets.set(i, { n: 1, lo: x, hi: x });
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
  const n = sorted.reduce((s, b) => s + b.n, 0);
  if (n === 0) return undefined;
  const at = (r: number): number => {
    let below = 0;
    for (const b of sorted) {
      if (r < below + b.n) {
        if (r === below) return b.lo;
        if (r === below + b.n - 1) return b.hi;
        return b.lo + ((b.hi - b.lo) * (r - below)) / (b.n - 1);
      }
      below += b.n;
    }
    throw new Error(`rank ${r} beyond ${n} values`);
  };
  const pos = (n - 1) * fraction;
  const v0 = at(Math.floor(pos));
  return v0 + (pos - Math.floor(pos)) * (at(Math.ceil(pos)) - v0);
}

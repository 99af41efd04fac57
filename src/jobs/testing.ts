/** Helpers for job tests and benchmarks: stage a score job from synthetic facilities without a store. */
import { computeFeatures } from '../scoring/features.ts';
import { buildPeerTable } from '../scoring/peers.ts';
import {
  writePeers,
  writeScoreShardInput,
  type ScoreJobParams,
  type StagedFacility,
} from '../scoring/shard-io.ts';
import { syntheticFacility, type SyntheticShape } from '../scoring/synthetic.ts';
import { writeManifest } from './staging.ts';

/** Stages `n` synthetic facilities in `shards` shards for `product`; returns the staging folder. */
export async function stageSyntheticScoreJob(
  dir: string,
  opts: {
    n: number;
    shards: number;
    hours: number;
    product: string;
    productModule?: string | null;
    productParams?: Record<string, unknown>;
  },
): Promise<void> {
  const start = Date.UTC(2024, 0, 1, 5);
  const facilities = Array.from({ length: opts.n }, (_, i) =>
    syntheticFacility(`f-${String(i).padStart(5, '0')}`, shapeOf(i), {
      start,
      hours: opts.hours,
      tz: 'America/New_York',
      seed: i + 1,
      zip: `1000${i % 3}`,
      alerts: i % 4,
    }),
  );
  const params: ScoreJobParams = {
    product: opts.product,
    productModule: opts.productModule ?? null,
    productParams: opts.productParams ?? {},
    facilityIds: facilities.map((f) => f.id),
  };
  await writeManifest(dir, {
    id: 'test-job',
    kind: 'score',
    target: opts.product,
    shards: opts.shards,
    params: params as unknown as Record<string, unknown>,
  });
  await writePeers(
    dir,
    buildPeerTable(
      facilities.map((f) => ({ id: f.id, kind: f.kind, zip: f.zip, features: computeFeatures(f) })),
    ),
  );
  const per = Math.ceil(opts.n / opts.shards);
  for (let s = 0; s < opts.shards; s++) {
    const part = facilities.slice(s * per, (s + 1) * per);
    const hourly = new Float64Array(part.length * opts.hours);
    const staged: StagedFacility[] = part.map((f, i) => {
      hourly.set(f.hourly, i * opts.hours);
      return {
        id: f.id,
        name: f.name,
        kind: f.kind,
        zip: f.zip,
        timeZone: f.timeZone,
        start,
        hours: opts.hours,
        offset: i * opts.hours,
        alerts: f.alerts,
        nilm: null,
      };
    });
    await writeScoreShardInput(dir, s, staged, hourly);
  }
}

/** One facility in ten is a business and one in ten a flat 24/7 load, so each is rare among its zip peers. */
export function shapeOf(i: number): SyntheticShape {
  return i % 10 === 7 ? 'flat' : i % 10 === 3 ? 'business' : 'home';
}

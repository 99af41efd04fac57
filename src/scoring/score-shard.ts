/** Shard side of a score job: scores the facilities staged for one shard. Pure: reads files, returns results. */
import { readFile } from 'node:fs/promises';
import type { ShardFn } from '../jobs/shard-registry.ts';
import { stagePaths } from '../jobs/staging.ts';
import { createLocalCalendar } from './calendar.ts';
import { computeFeatures } from './features.ts';
import { peersOf } from './peers.ts';
import { BUILTIN_PRODUCTS, loadProductModule } from './registry.ts';
import {
  readPeers,
  readScoreShardInput,
  scoreParams,
  type ScoreShardOutput,
  type StagedScore,
} from './shard-io.ts';
import { type UnscoredResult, hasEnoughData, notEnoughData } from './sufficiency.ts';
import type { AnalyticProduct, FacilityData, FacilityFeatures, PeerGroup, ScoreResult } from './types.ts';

/** Scores one shard; see {@link ShardFn}. */
export const runScoreShard: ShardFn = async (dir, index, manifest, log) => {
  const params = scoreParams(manifest);
  if (params.sql) return sqlRowsToOutput(dir, index, params.product);
  const product: AnalyticProduct<never> | undefined = params.productModule
    ? await loadProductModule(params.productModule)
    : BUILTIN_PRODUCTS.find((p) => p.name === params.product);
  if (!product) throw new Error(`unknown product '${params.product}'`);
  const productParams = product.params.parse(params.productParams);
  const [{ facilities, hourly }, peers] = await Promise.all([
    readScoreShardInput(dir, index),
    readPeers(dir),
  ]);
  const calendar = createLocalCalendar();
  const scores: StagedScore[] = [];
  for (const f of facilities) {
    const local = calendar(f.timeZone, f.start, f.hours);
    const data: FacilityData = {
      id: f.id,
      name: f.name,
      kind: f.kind,
      zip: f.zip,
      timeZone: f.timeZone,
      start: f.start,
      hourly: hourly.subarray(f.offset, f.offset + f.hours),
      hourOfDay: local.hourOfDay,
      weekday: local.weekday,
      alerts: f.alerts,
      nilm: f.nilm,
    };
    const features = computeFeatures(data);
    scores.push({
      facilityId: f.id,
      result: scoreOne(product, data, features, peersOf(peers, f.kind, f.zip), productParams),
    });
  }
  log(`shard ${index}: scored ${scores.length} facilities with ${product.name}@${product.version}`);
  const output: ScoreShardOutput = { scores };
  return output;
};

/**
 * One facility's result: none when the product does not apply, "not enough data" without a day of
 * readings or when the product computes no finite score from them (a NaN is not a verdict of 0).
 */
function scoreOne(
  product: AnalyticProduct<never>,
  data: FacilityData,
  features: FacilityFeatures,
  peers: PeerGroup,
  params: never,
): ScoreResult | UnscoredResult | null {
  const period = { start: data.start, hours: data.hourly.length };
  if (!hasEnoughData(features)) return notEnoughData(features, period);
  const result = product.score(data, features, peers, params);
  if (result && !Number.isFinite(result.score))
    return notEnoughData(
      features,
      period,
      `${product.name} could not compute a score from the ${features.hours} hours with readings`,
    );
  return result;
}

/** A SQL product's rows (computed in the store while staging) as shard output. */
async function sqlRowsToOutput(dir: string, index: number, product: string): Promise<ScoreShardOutput> {
  const { rows } = JSON.parse(await readFile(stagePaths.input(dir, index), 'utf8')) as {
    rows: { facilityId: string; score: number; label: string; explanation: string }[];
  };
  return {
    scores: rows.map((r) => ({
      facilityId: r.facilityId,
      result: {
        score: r.score,
        label: r.label,
        explanation: r.explanation || `${product}: ${r.score}`,
        evidence: { figures: { score: r.score }, series: [] },
      },
    })),
  };
}

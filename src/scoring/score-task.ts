/**
 * Coordinator side of score jobs: stages facilities' hourly energy and the peer table, and stores the scores
 * the shards return. SQL products run inside the store while staging; their one shard passes the rows on.
 */
import type { ZodType } from 'zod';
import type { Facility } from '../domain/types.ts';
import { InputError } from '../errors.ts';
import type { JobTask } from '../jobs/task.ts';
import type { Score } from '../store/ports/scores.ts';
import type { Store } from '../store/store.ts';
import { createLocalCalendar } from './calendar.ts';
import { computeFeatures } from './features.ts';
import { buildPeerTable, type PeerRow } from './peers.ts';
import type { ProductRegistry } from './registry.ts';
import { hasEnoughData } from './sufficiency.ts';
import {
  writePeers,
  writeScoreShardInput,
  type ScoreJobParams,
  type ScoreShardOutput,
  type StagedFacility,
} from './shard-io.ts';
import { readManifest, stagePaths, writeAtomic, writeManifest } from '../jobs/staging.ts';
import type { NilmSummary } from './types.ts';

const HOUR = 3_600_000;

/** Where facility-level data for scoring comes from; each reader is one store query. */
export interface ScoringSources {
  /** Energy (Wh) per UTC hour in [from, to) per facility, NaN where missing; arrays of (to - from) / 1 h. */
  hourly(store: Store, facilities: Facility[], from: number, to: number): Promise<Map<string, Float64Array>>;
  /** Overshoot alerts per facility in [from, to). */
  alerts(store: Store, facilityIds: string[], from: number, to: number): Promise<Map<string, number>>;
  /** NILM results per facility, where there are any. */
  nilm(store: Store, facilityIds: string[]): Promise<Map<string, NilmSummary>>;
}

/** Options of a score job, as given on the command line or by the API. */
export interface ScoreRequestParams {
  product: string;
  productParams?: Record<string, unknown>;
  /** Facilities to score; default all of the organisation. */
  facilityIds?: string[];
  /** Period scored, UTC ms; default the 365 days before the newest hour with data or `now`. */
  from?: number;
  to?: number;
}

/** Builds the score task. */
export function createScoreTask(deps: {
  registry: ProductRegistry;
  sources: ScoringSources;
  now?: () => number;
  chunk?: number;
}): JobTask {
  const chunk = deps.chunk ?? 500;
  return {
    async stage({ store, dir, job, shards, log }) {
      const req = job.params as unknown as ScoreRequestParams;
      const registered = deps.registry.getOrThrow(req.product);
      const { orgFacilities, scope } = await resolveScope(store, job.orgId, req.facilityIds);
      const productParams = req.productParams ?? {};
      if (registered.type === 'sql') {
        const rows = await store.scores.runSqlProduct(
          registered.product.sql,
          scope.map((f) => f.id),
        );
        await writeAtomic(stagePaths.input(dir, 0), JSON.stringify({ rows }));
        await rewriteParams(dir, req, null, productParams, scope, true);
        log(
          `SQL product ${registered.product.name} returned ${rows.length} row(s) for ${scope.length} facilities`,
        );
        return [`${scope.length} facilities (SQL)`];
      }
      checkProductParams(registered.product.params, productParams);
      const to = Math.floor((req.to ?? (deps.now ?? Date.now)()) / HOUR) * HOUR;
      const from = Math.floor((req.from ?? to - 365 * 24 * HOUR) / HOUR) * HOUR;
      const staging: Staging = {
        sources: deps.sources,
        store,
        dir,
        from,
        to,
        hours: Math.round((to - from) / HOUR),
        chunk,
        calendar: createLocalCalendar(),
        alerts: await deps.sources.alerts(
          store,
          orgFacilities.map((f) => f.id),
          from,
          to,
        ),
        nilm: await deps.sources.nilm(
          store,
          scope.map((f) => f.id),
        ),
        peers: [],
      };
      const perShard = Math.ceil(scope.length / Math.max(1, Math.min(shards, scope.length)));
      const labels: string[] = [];
      // Scope first, shard by shard, so each shard's file is written as soon as its data is read.
      for (let s = 0; s * perShard < scope.length; s++) {
        labels.push(await stageShard(staging, s, scope.slice(s * perShard, (s + 1) * perShard)));
        log(`staged shard ${s}: ${labels[s]}`);
      }
      // Peers outside the scope still shape the distributions.
      const inScope = new Set(scope.map((f) => f.id));
      await addOutsidePeers(
        staging,
        orgFacilities.filter((f) => !inScope.has(f.id)),
      );
      await writePeers(dir, buildPeerTable(staging.peers));
      await rewriteParams(dir, req, registered.module, productParams, scope, false);
      return labels;
    },
    async collect({ store, job, now }, outputs) {
      const req = job.params as unknown as ScoreRequestParams;
      const version = deps.registry.getOrThrow(req.product).product.version;
      const { scores, unscored, notApplicable } = collectScores(outputs, {
        product: req.product,
        version,
        jobId: job.id,
        params: req.productParams ?? {},
        computedAt: now(),
      });
      await store.scores.saveScores(scores);
      return (
        `stored ${scores.length - unscored} score(s) of ${req.product}@${version}` +
        (unscored ? `; not enough data to score ${unscored} facilities (left out of the ranking)` : '') +
        (notApplicable ? `; not applicable to ${notApplicable} facilities` : '')
      );
    },
  };
}

/** The organisation's facilities in id order, and those to score: the ones asked for, or all. */
async function resolveScope(
  store: Store,
  orgId: string,
  facilityIds: string[] | undefined,
): Promise<{ orgFacilities: Facility[]; scope: Facility[] }> {
  const orgFacilities = (await store.catalog.listFacilities({ orgId })).sort((a, b) =>
    a.id < b.id ? -1 : 1,
  );
  const byId = new Map(orgFacilities.map((f) => [f.id, f]));
  const scope = facilityIds ? facilityIds.map((id) => byId.get(id) ?? missing(id)) : orgFacilities;
  if (scope.length === 0) throw new InputError('no facilities to score', { field: 'facilities' });
  return { orgFacilities, scope };
}

/** Refuses product parameters the product's schema does not accept, naming the first bad field. */
function checkProductParams(schema: ZodType, productParams: Record<string, unknown>): void {
  const parsed = schema.safeParse(productParams);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  throw new InputError(issue?.message ?? 'invalid', { field: `params.${issue?.path.join('.') ?? ''}` });
}

/** What staging a code product's facilities reads, and the peer rows it gathers. */
interface Staging {
  sources: ScoringSources;
  store: Store;
  dir: string;
  from: number;
  to: number;
  hours: number;
  chunk: number;
  calendar: ReturnType<typeof createLocalCalendar>;
  alerts: Map<string, number>;
  nilm: Map<string, NilmSummary>;
  peers: PeerRow[];
}

/** Writes shard `s`'s input for the facilities `part`, adds those with enough data to the peers; returns its label. */
async function stageShard(st: Staging, s: number, part: Facility[]): Promise<string> {
  const { hours, from } = st;
  const series = await readChunked(st.sources, st.store, part, from, st.to, st.chunk);
  const hourly = new Float64Array(part.length * hours);
  const staged: StagedFacility[] = part.map((f, i) => {
    const values = series.get(f.id) ?? new Float64Array(hours).fill(Number.NaN);
    hourly.set(values, i * hours);
    const local = st.calendar(f.timeZone, from, hours);
    const features = computeFeatures({ hourly: values, ...local, alerts: st.alerts.get(f.id) ?? 0 });
    // Facilities without enough data are not scored, and do not shape their peers' distributions.
    if (hasEnoughData(features)) st.peers.push({ id: f.id, kind: f.kind, zip: f.zip, features });
    return {
      id: f.id,
      name: f.name,
      kind: f.kind,
      zip: f.zip,
      timeZone: f.timeZone,
      start: from,
      hours,
      offset: i * hours,
      alerts: st.alerts.get(f.id) ?? 0,
      nilm: st.nilm.get(f.id) ?? null,
    };
  });
  await writeScoreShardInput(st.dir, s, staged, hourly);
  return `${part.length} ${part.length === 1 ? 'facility' : 'facilities'} (${part[0]?.id} .. ${part[part.length - 1]?.id})`;
}

/** Adds the facilities outside the scope that have enough data to the peers. */
async function addOutsidePeers(st: Staging, others: Facility[]): Promise<void> {
  for (let i = 0; i < others.length; i += st.chunk) {
    const part = others.slice(i, i + st.chunk);
    const series = await st.sources.hourly(st.store, part, st.from, st.to);
    for (const f of part) {
      const values = series.get(f.id);
      if (!values) continue;
      const features = computeFeatures({
        hourly: values,
        ...st.calendar(f.timeZone, st.from, st.hours),
        alerts: st.alerts.get(f.id) ?? 0,
      });
      if (hasEnoughData(features)) st.peers.push({ id: f.id, kind: f.kind, zip: f.zip, features });
    }
  }
}

/** The scores the shards returned, counting those not applicable and those without enough data. */
function collectScores(
  outputs: Map<number, unknown>,
  common: Pick<Score, 'product' | 'version' | 'jobId' | 'params' | 'computedAt'>,
): { scores: Score[]; unscored: number; notApplicable: number } {
  const scores: Score[] = [];
  let notApplicable = 0;
  let unscored = 0;
  for (const out of outputs.values()) {
    for (const s of (out as ScoreShardOutput).scores) {
      if (!s.result) {
        notApplicable++;
        continue;
      }
      if (s.result.score === null) unscored++;
      const { product, version, jobId, params, computedAt } = common;
      scores.push({ facilityId: s.facilityId, product, version, jobId, ...s.result, params, computedAt });
    }
  }
  return { scores, unscored, notApplicable };
}

async function readChunked(
  sources: ScoringSources,
  store: Store,
  part: Facility[],
  from: number,
  to: number,
  chunk: number,
) {
  const all = new Map<string, Float64Array>();
  for (let i = 0; i < part.length; i += chunk) {
    for (const [k, v] of await sources.hourly(store, part.slice(i, i + chunk), from, to)) all.set(k, v);
  }
  return all;
}

/** Completes the manifest's parameters with what shards need (the product module, the resolved scope). */
async function rewriteParams(
  dir: string,
  req: ScoreRequestParams,
  module: string | null,
  productParams: Record<string, unknown>,
  scope: Facility[],
  sql: boolean,
) {
  const manifest = await readManifest(dir);
  const params: ScoreJobParams = {
    product: req.product,
    productModule: module,
    productParams,
    facilityIds: scope.map((f) => f.id),
    sql,
  };
  await writeManifest(dir, { ...manifest, params: { ...manifest.params, ...params } });
}

function missing(id: string): never {
  throw new InputError(`facility '${id}' does not exist in this organisation`, { field: 'facilities' });
}

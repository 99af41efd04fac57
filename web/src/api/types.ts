/**
 * Shapes the API answers. They come from the server's zod shapes (src/api/shapes/, the schemas the
 * routes validate and serialise with) or, where a route has none yet, its own type definitions:
 * type-only imports, erased by the build, so that the web application and the API cannot drift apart.
 */
import type { Channel, Facility, Meter, Role } from '../../../src/domain/types.ts';
import type { ShareAccess } from '../../../src/store/ports/accounts.ts';
import type { ImportSummary } from '../../../src/ingest/types.ts';
import type { ImportQuery } from '../../../src/api/routes/import-options.ts';
import type { LiveNilmBreakdown as LiveBreakdown } from '../../../src/realtime/live-nilm.ts';
import type { ApplianceDailyEnergy, ApplianceInventoryItem } from '../../../src/store/ports/nilm.ts';
import type { RollupRow } from '../../../src/store/ports/rollups.ts';
import type { FlowBucket, FlowFigures } from '../../../src/solar/flows.ts';
import type { NetCost } from '../../../src/solar/net-cost.ts';
import type { PatternRule, RuleInput } from '../../../src/stream/rules/spec.ts';
import type { LatestValue } from '../../../src/api/shapes/live.ts';
import type {
  ApiTokenView as ApiToken,
  CreatedToken,
  Me,
  Share,
  User,
} from '../../../src/api/shapes/accounts.ts';
import type { Alert } from '../../../src/api/shapes/alerts.ts';
import type { ChannelTotals } from '../../../src/api/routes/explore-compare.ts';

export type {
  Alert,
  ApiToken,
  Channel,
  CreatedToken,
  Facility,
  LatestValue,
  LiveBreakdown,
  Me,
  Meter,
  PatternRule,
  Role,
  RollupRow,
  RuleInput,
  Share,
  ShareAccess,
  User,
};

/** A facility in a list, with the caller's access. */
export type FacilityWithAccess = Facility & { access: ShareAccess };

/** A row of `GET /facilities`: the facility with its live figures and, when a product is asked for, its score. */
export type FleetItem = FacilityWithAccess & {
  /** Sum of the latest mains power values (W); null before any reading. */
  latestPower: number | null;
  /** True when (part of) latestPower is average power over an interval of metered energy, not measured. */
  latestPowerDerived?: boolean;
  latestTs?: number | null;
  /** Energy of the facility's current local day so far, per unit. */
  today: { unit: string; energy: number }[];
  openAlerts: number;
  score?: number | null;
  scoreLabel?: string | null;
};

/** `GET /facilities/:id`. */
export interface FacilityDetail {
  facility: FacilityWithAccess;
  meters: Meter[];
  channels: Channel[];
}

/** One channel's series from `GET /explore`: raw points, or buckets with min/max/mean/count. */
export type ExploreSeries = { channelId: string; name?: string; unit?: string; facilityId?: string } & (
  | { raw: true; bucketMs: null; ts: number[]; value: number[] }
  | {
      raw: false;
      bucketMs: number;
      ts: number[];
      min: number[];
      max: number[];
      mean: number[];
      count: number[];
    }
);

/** A channel's energy in an explore span and in the span compared with (`cmp`). */
export type ExploreTotals = ChannelTotals;

/** The span an explore view is compared with; `offset` added to its times aligns them. */
export interface ExploreComparison {
  cmp: 'prev' | 'year';
  from: number;
  to: number;
  offset: number;
  timeZone: string;
}

/** `GET /explore`. */
export interface ExploreResponse {
  from: number;
  to: number;
  agg: string;
  resolution: 'minute' | 'hour' | 'day' | 'month';
  comparison: ExploreComparison | null;
  series: (ExploreSeries & {
    comparison?: ExploreSeries extends infer S ? (S extends unknown ? Omit<S, 'channelId'> : never) : never;
    totals?: ExploreTotals;
  })[];
}

/** Min/max per time bucket of one channel, as columns (raw points have min = max = mean, count 1). */
export interface DownsampledSeries {
  ts: number[];
  min: number[];
  max: number[];
  mean: number[];
  count: number[];
}

/** `GET /facilities/:id/heatmap`: rows are local days, columns hours 0-23 (Wh). */
export interface HeatmapResponse {
  days: string[];
  energy: (number | null)[][];
  max: number;
}

/** One row of `GET /facilities/:id/breakdown`. */
export interface BreakdownRow {
  channelId: string;
  name: string;
  isMains: boolean;
  unit: string;
  energy: number;
  coverage: number;
}

/** `GET /facilities/:id/solar`: grid, PV and battery flows settled per hour (docs/solar.md). */
export interface SolarResponse {
  period: 'hour' | 'day' | 'month';
  from: number;
  to: number;
  /** Which flows the facility measures. */
  metered: { grid: boolean; export: boolean; pv: boolean; battery: boolean };
  sources: { channelId: string; name: string; role: string }[];
  totals: FlowFigures;
  buckets: FlowBucket[];
  /** Import cost less export credit; null until a tariff prices the grid meter. */
  cost: { totals: NetCost; buckets: ({ label: string } & NetCost)[] } | null;
}

/** One row of `GET /zips`. */
export interface ZipRow {
  zip: string;
  unit: string;
  facilities: number;
  energy: number;
  perFacility: number;
  days: { label: string; unit: string; energy: number; coverage: number }[];
}

/** `GET /facilities/:id/energy`: buckets of the range and of the same span before. */
export interface EnergyResponse {
  period: string;
  current: { label: string; unit: string; energy: number; coverage: number }[];
  previous: { label: string; unit: string; energy: number; coverage: number }[];
  totals: { unit: string; current: number; previous: number; change: number | null }[];
}

/** An analytic product (`GET /products`). */
export interface Product {
  name: string;
  version: string;
  title?: string;
  description?: string;
  type?: string;
}

/** One analytic product's score of a facility. */
export interface ScoreView {
  product: string;
  version: string;
  score: number;
  label: string;
  explanation: string;
  computedAt: number;
}

/** Newest score of one facility by one product (`GET /products/:product/ranking`). */
export interface FacilityScore extends ScoreView {
  facilityId: string;
  facilityName?: string;
}

/** A facility's NILM results: daily energy per appliance and the detected appliance inventory. */
export interface NilmResults {
  daily: ApplianceDailyEnergy[];
  inventory: ApplianceInventoryItem[];
}

/** Settings of an upload (`POST /imports` query parameters besides the file name). */
export type ImportSettings = Omit<ImportQuery, 'filename' | 'wait'>;

/** An upload's state (`POST /imports`, `GET /imports/:id`). */
export interface ImportRecord {
  id: string;
  orgId: string;
  filename: string;
  facilityId: string;
  state: 'running' | 'done' | 'failed';
  startedAt: number;
  endedAt: number | null;
  progress: { bytesRead: number; bytesTotal: number; rows: number; readings: number };
  summary: Omit<ImportSummary, 'file' | 'quarantine'> | null;
  error: { error: string; message: string } | null;
}

/** `GET /facilities/:id/range`: whole local days with their comparison (docs/api.md). */
export interface RangeResponse {
  timeZone: string;
  resolution: 'minute' | 'hour' | 'day' | 'month';
  range: { from: string; to: string; start: number; end: number };
  comparison: { from: string; to: string; start: number; end: number } | null;
  days: { label: string; unit: string; energy: number }[];
  totals: {
    unit: string;
    current: number;
    comparison: number | null;
    delta: number | null;
    percent: number | null;
  }[];
}

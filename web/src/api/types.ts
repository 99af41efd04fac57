/**
 * Shapes the API answers. They come from the server's zod shapes (src/api/shapes/, the schemas the
 * routes validate and serialise with) or, where a route has none yet, its own type definitions:
 * type-only imports, erased by the build, so that the web application and the API cannot drift apart.
 */
import type { Channel, Facility, Meter, Role } from '../../../src/domain/types.ts';
import type { ShareAccess } from '../../../src/store/ports/accounts.ts';
import type { LiveNilmBreakdown as LiveBreakdown } from '../../../src/realtime/live-nilm.ts';
import type { ApplianceDailyEnergy, ApplianceInventoryItem } from '../../../src/store/ports/nilm.ts';
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
import type {
  DataExtent,
  FacilityDetail,
  FacilityWithAccess,
  FleetItem,
} from '../../../src/api/shapes/facilities.ts';
import type {
  BreakdownRow,
  EnergyAnswer as EnergyResponse,
  Heatmap as HeatmapResponse,
  RangeAnswer as RangeResponse,
  RollupRow,
  ZipRow,
} from '../../../src/api/shapes/energy.ts';
import type {
  ChannelTotals as ExploreTotals,
  ExploreAnswer as ExploreResponse,
  ExploreComparisonSpan as ExploreComparison,
  Series as ExploreSeries,
} from '../../../src/api/shapes/explore.ts';
import type { ImportQuery, ImportRecord } from '../../../src/api/shapes/imports.ts';

export type {
  Alert,
  ApiToken,
  BreakdownRow,
  Channel,
  CreatedToken,
  DataExtent,
  EnergyResponse,
  ExploreComparison,
  ExploreResponse,
  ExploreSeries,
  ExploreTotals,
  Facility,
  FacilityDetail,
  FacilityWithAccess,
  FleetItem,
  HeatmapResponse,
  ImportRecord,
  LatestValue,
  LiveBreakdown,
  Me,
  Meter,
  PatternRule,
  RangeResponse,
  Role,
  RollupRow,
  RuleInput,
  Share,
  ShareAccess,
  User,
  ZipRow,
};

/** Min/max per time bucket of one channel, as columns (raw points have min = max = mean, count 1). */
export interface DownsampledSeries {
  ts: number[];
  min: number[];
  max: number[];
  mean: number[];
  count: number[];
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

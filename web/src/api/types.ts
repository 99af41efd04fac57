/**
 * Shapes the API answers. They come from the server's zod shapes (src/api/shapes/, the schemas the
 * routes validate and serialise with) or, where a route has none yet, its own type definitions:
 * type-only imports, erased by the build, so that the web application and the API cannot drift apart.
 */
import type { Channel, Facility, Meter, Role } from '../../../src/domain/types.ts';
import type { ShareAccess } from '../../../src/store/ports/accounts.ts';
import type { PatternRule, RuleInput } from '../../../src/domain/rule-spec.ts';
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
import type { Product, RankedScore, Score } from '../../../src/api/shapes/jobs.ts';
import type { LiveBreakdown, NilmResults } from '../../../src/api/shapes/nilm.ts';
import type { SolarView } from '../../../src/api/shapes/solar.ts';

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
  NilmResults,
  PatternRule,
  Product,
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
export type SolarResponse = SolarView;

/** One analytic product's newest score of a facility (`GET /facilities/:id/scores`). */
export type ScoreView = Score;

/** Newest score of one facility by one product (`GET /products/:product/ranking`). */
export type FacilityScore = RankedScore;

/** Settings of an upload (`POST /imports` query parameters besides the file name). */
export type ImportSettings = Omit<ImportQuery, 'filename' | 'wait'>;

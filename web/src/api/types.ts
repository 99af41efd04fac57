/**
 * Shapes the API answers. Domain objects come from the server's own type definitions (type-only
 * imports, erased by the build) so that the web application and the API cannot drift apart.
 */
import type { Alert, Channel, Facility, Meter, Role } from '../../../src/domain/types.ts';
import type { ApiToken, Share, ShareAccess, User } from '../../../src/store/ports/accounts.ts';
import type { RollupRow } from '../../../src/store/ports/rollups.ts';
import type { PatternRule, RuleInput } from '../../../src/stream/rules/spec.ts';

export type {
  Alert,
  ApiToken,
  Channel,
  Facility,
  Meter,
  PatternRule,
  Role,
  RollupRow,
  RuleInput,
  Share,
  ShareAccess,
  User,
};

/** `GET /auth/me` and the login response. */
export interface Me {
  user: User | null;
  orgId: string;
  role: Role;
  via: 'session' | 'token';
  csrfToken?: string;
}

/** A facility in a list, with the caller's access. */
export type FacilityWithAccess = Facility & { access: ShareAccess };

/** `GET /facilities/:id`. */
export interface FacilityDetail {
  facility: FacilityWithAccess;
  meters: Meter[];
  channels: Channel[];
}

/** Latest value of one channel (real-time layer). */
export interface LatestValue {
  channelId: string;
  /** Facility of the channel, when the route joins it. */
  facilityId?: string;
  /** True for mains channels, when the route joins it. */
  isMains?: boolean;
  ts: number;
  value: number;
}

/** Min/max per time bucket of one channel, as columns. */
export interface DownsampledSeries {
  ts: number[];
  min: number[];
  max: number[];
  mean: number[];
  count: number[];
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

/** Newest score of one facility by one product (ranking route). */
export interface FacilityScore extends ScoreView {
  facilityId: string;
}

/** One appliance's share in a facility's NILM disaggregation. */
export interface NilmAppliance {
  appliance: string;
  energy: number;
  share?: number;
  method?: string;
}

/** The importer's summary of one uploaded file. */
export interface ImportSummary {
  format?: string;
  readings?: number;
  inserted?: number;
  duplicates?: number;
  rejected?: number;
  channels?: number;
  from?: number | null;
  to?: number | null;
  errors?: { line?: number; field?: string; message: string }[];
  [key: string]: unknown;
}

/** A newly created API token: the secret is shown once. */
export interface CreatedToken {
  token: string;
  info: ApiToken;
  [key: string]: unknown;
}

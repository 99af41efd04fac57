/**
 * Every API route the web application calls, in one place. Routes are documented in docs/api.md
 * (accounts, facilities, energy, explore), docs/realtime.md (alerts, rules, live) and the OpenAPI
 * document at /api/docs; docs/web.md lists the ones the pages use.
 */
import { type Http, type Progress, withQuery } from './http.ts';
import { createLiveClient } from './live.ts';
import type { TokenScope } from '../../../src/store/ports/accounts.ts';
import type { Aggregation, ExploreComparison } from '../../../src/api/shapes/explore.ts';
import type {
  Alert,
  ApiToken,
  BreakdownRow,
  CreatedToken,
  DataExtent,
  EnergyResponse,
  ExploreResponse,
  FacilityDetail,
  FacilityScore,
  FleetItem,
  HeatmapResponse,
  ImportRecord,
  ImportSettings,
  LatestValue,
  LiveBreakdown,
  Me,
  NilmResults,
  PatternRule,
  RangeResponse,
  Product,
  Role,
  RollupRow,
  RuleInput,
  ScoreView,
  Share,
  ShareAccess,
  SolarResponse,
  User,
  ZipRow,
} from './types.ts';

const V1 = '/api/v1';
const enc = encodeURIComponent;

/** Filters of the alert list. */
export interface AlertParams {
  state?: string;
  severity?: string;
  facilityId?: string;
  rule?: string;
  limit?: number;
}

/** Query of the explore route. */
export interface ExploreParams {
  channels: string[];
  from: number;
  to: number;
  agg: Aggregation;
  /** Pixels: most buckets per series. */
  width: number;
  /** Compare with the period before or a year earlier; `none`: totals alone (docs/api.md). */
  cmp?: ExploreComparison;
  /** IANA zone of the local calendar the comparison uses. */
  tz?: string;
}

/** Builds the typed API over an {@link Http} client. */
export function createApi(http: Http) {
  const range = (from: number, to: number) => ({ from: Math.floor(from), to: Math.ceil(to) });
  return {
    http,
    /** The live push (SSE); subscriptions to the same facilities share one connection. */
    live: createLiveClient(),
    login: (email: string, password: string) => http.post<Me>(`${V1}/auth/login`, { email, password }),
    logout: () => http.post<void>(`${V1}/auth/logout`),
    me: () => http.get<Me>(`${V1}/auth/me`),

    facilities: (
      q: {
        q?: string;
        kind?: string;
        zip?: string;
        openAlerts?: boolean;
        product?: string;
        minScore?: number;
      } = {},
    ) => http.get<FleetItem[]>(`${V1}/facilities`, q),
    facility: (id: string) => http.get<FacilityDetail>(`${V1}/facilities/${enc(id)}`),
    /** First and last reading per channel and overall: where the views open. */
    extent: (id: string) => http.get<DataExtent>(`${V1}/facilities/${enc(id)}/extent`),
    latest: (q: { facilityId?: string } = {}) => http.get<LatestValue[]>(`${V1}/live/latest`, q),
    rollups: (q: {
      level: 'channel' | 'meter' | 'facility';
      key: string;
      period: 'hour' | 'day';
      from: number;
      to: number;
    }) => http.get<RollupRow[]>(`${V1}/rollups`, { ...q, ...range(q.from, q.to) }),
    energy: (facilityId: string, period: 'day' | 'week' | 'month', from: number, to: number) =>
      http.get<EnergyResponse>(`${V1}/facilities/${enc(facilityId)}/energy`, { period, ...range(from, to) }),
    heatmap: (facilityId: string, from: number, to: number) =>
      http.get<HeatmapResponse>(`${V1}/facilities/${enc(facilityId)}/heatmap`, range(from, to)),
    breakdown: (facilityId: string, from: number, to: number) =>
      http.get<BreakdownRow[]>(`${V1}/facilities/${enc(facilityId)}/breakdown`, range(from, to)),
    /** Grid, PV and battery flows; `from`/`to` are UTC ms or the facility's local dates (`YYYY-MM-DD`). */
    solar: (
      facilityId: string,
      period: 'hour' | 'day' | 'month',
      from: string | number,
      to: string | number,
    ) => http.get<SolarResponse>(`${V1}/facilities/${enc(facilityId)}/solar`, { period, from, to }),
    /** Whole local days `from`..`to` (both `YYYY-MM-DD`, included) with the comparison `cmp`. */
    range: (facilityId: string, from: string, to: string, cmp: 'prev' | 'year' | undefined) =>
      http.get<RangeResponse>(`${V1}/facilities/${enc(facilityId)}/range`, {
        from,
        to,
        ...(cmp ? { cmp } : {}),
      }),
    zips: (from: number, to: number) => http.get<ZipRow[]>(`${V1}/zips`, range(from, to)),
    scores: (facilityId: string) => http.get<ScoreView[]>(`${V1}/facilities/${enc(facilityId)}/scores`),
    products: () => http.get<Product[]>(`${V1}/products`),
    ranking: (product: string) =>
      http.get<FacilityScore[]>(`${V1}/products/${enc(product)}/ranking`, { limit: 10_000 }),
    nilm: (facilityId: string) => http.get<NilmResults>(`${V1}/facilities/${enc(facilityId)}/nilm`),
    /** The newest live breakdown, or undefined (204) while the facility has none. */
    liveNilm: (facilityId: string) =>
      http.get<LiveBreakdown | undefined>(`${V1}/facilities/${enc(facilityId)}/nilm/live`),

    alerts: (q: AlertParams = {}) => http.get<Alert[]>(`${V1}/alerts`, { ...q }),
    ackAlert: (id: string) => http.post<Alert>(`${V1}/alerts/${enc(id)}/acknowledge`),
    closeAlert: (id: string) => http.post<Alert>(`${V1}/alerts/${enc(id)}/close`),
    rules: () => http.get<PatternRule[]>(`${V1}/rules`),
    saveRule: (rule: RuleInput, id?: string) =>
      id
        ? http.put<PatternRule>(`${V1}/rules/${enc(id)}`, rule)
        : http.post<PatternRule>(`${V1}/rules`, rule),
    deleteRule: (id: string) => http.del(`${V1}/rules/${enc(id)}`),

    explore: (q: ExploreParams) =>
      http.get<ExploreResponse>(`${V1}/explore`, {
        ...q,
        channels: q.channels.join(','),
        ...range(q.from, q.to),
      }),
    exportUrl: (channels: string[], from: number, to: number) =>
      `${V1}/explore/export.csv?${new URLSearchParams({ channels: channels.join(','), from: String(Math.floor(from)), to: String(Math.ceil(to)) }).toString()}`,

    importFile: (file: Blob, q: ImportSettings & { filename: string }, onProgress?: Progress) =>
      http.upload<ImportRecord>(withQuery(`${V1}/imports`, q), file, {
        contentType: 'application/octet-stream',
        onProgress,
      }),
    importStatus: (id: string) => http.get<ImportRecord>(`${V1}/imports/${enc(id)}`),
    imports: () => http.get<ImportRecord[]>(`${V1}/imports`),

    users: () => http.get<User[]>(`${V1}/users`),
    createUser: (u: { email: string; name?: string; role: Role; password: string }) =>
      http.post<User>(`${V1}/users`, u),
    updateUser: (id: string, patch: { role?: Role; disabled?: boolean; name?: string }) =>
      http.patch<User>(`${V1}/users/${enc(id)}`, patch),
    deleteUser: (id: string) => http.del(`${V1}/users/${enc(id)}`),
    tokens: () => http.get<ApiToken[]>(`${V1}/tokens`),
    createToken: (t: { name: string; role?: Role; scopes?: TokenScope[]; expiresInDays?: number }) =>
      http.post<CreatedToken>(`${V1}/tokens`, t),
    deleteToken: (id: string) => http.del(`${V1}/tokens/${enc(id)}`),
    shares: () => http.get<{ given: Share[]; received: Share[] }>(`${V1}/shares`),
    createShare: (facilityId: string, s: { userEmail?: string; orgId?: string; access: ShareAccess }) =>
      http.post<Share>(`${V1}/facilities/${enc(facilityId)}/shares`, s),
    deleteShare: (id: string) => http.del(`${V1}/shares/${enc(id)}`),
  };
}

/** The typed API the pages receive. */
export type Api = ReturnType<typeof createApi>;

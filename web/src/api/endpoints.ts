/**
 * Every API route the web application calls, in one place. Routes of the api feature are documented
 * in docs/api.md; the live, alert, rule, rollup, explore and import routes follow the route list in
 * docs/web.md ("API routes the pages use").
 */
import type { Http, Progress } from './http.ts';
import type {
  Alert,
  ApiToken,
  CreatedToken,
  DownsampledSeries,
  FacilityDetail,
  FacilityScore,
  FacilityWithAccess,
  ImportSummary,
  LatestValue,
  Me,
  NilmAppliance,
  PatternRule,
  Role,
  RollupRow,
  RuleInput,
  ScoreView,
  Share,
  ShareAccess,
  User,
} from './types.ts';

const V1 = '/api/v1';
const enc = encodeURIComponent;

/** Query of the rollup serving route. */
export interface RollupParams {
  level: 'channel' | 'meter' | 'facility' | 'zip';
  period: 'hour' | 'day';
  from?: number;
  to?: number;
  facilityId?: string;
  channelId?: string;
  zip?: string;
  mains?: boolean;
}

/** Filters of the alert list. */
export interface AlertParams {
  state?: string;
  severity?: string;
  facilityId?: string;
  rule?: string;
  limit?: number;
}

/** Builds the typed API over an {@link Http} client. */
export function createApi(http: Http) {
  return {
    http,
    login: (email: string, password: string) => http.post<Me>(`${V1}/auth/login`, { email, password }),
    logout: () => http.post<void>(`${V1}/auth/logout`),
    me: () => http.get<Me>(`${V1}/auth/me`),

    facilities: (q: { q?: string; kind?: string; zip?: string } = {}) =>
      http.get<FacilityWithAccess[]>(`${V1}/facilities`, q),
    facility: (id: string) => http.get<FacilityDetail>(`${V1}/facilities/${enc(id)}`),
    latest: (q: { facilityId?: string } = {}) => http.get<LatestValue[]>(`${V1}/live/latest`, q),
    rollups: (q: RollupParams) => http.get<RollupRow[]>(`${V1}/rollups`, { ...q }),
    scores: (facilityId: string) => http.get<ScoreView[]>(`${V1}/facilities/${enc(facilityId)}/scores`),
    ranking: (product?: string) => http.get<FacilityScore[]>(`${V1}/scores`, { product }),
    nilm: (facilityId: string) => http.get<NilmAppliance[]>(`${V1}/facilities/${enc(facilityId)}/nilm`),

    alerts: (q: AlertParams = {}) => http.get<Alert[]>(`${V1}/alerts`, { ...q }),
    ackAlert: (id: string) => http.post<Alert>(`${V1}/alerts/${enc(id)}/ack`),
    closeAlert: (id: string) => http.post<Alert>(`${V1}/alerts/${enc(id)}/close`),
    rules: () => http.get<PatternRule[]>(`${V1}/rules`),
    validateRule: (rule: RuleInput) =>
      http.post<{ ok: boolean; message?: string }>(`${V1}/rules/validate`, rule),
    saveRule: (rule: RuleInput, id?: string) =>
      id
        ? http.put<PatternRule>(`${V1}/rules/${enc(id)}`, rule)
        : http.post<PatternRule>(`${V1}/rules`, rule),
    deleteRule: (id: string) => http.del(`${V1}/rules/${enc(id)}`),

    downsample: (channelId: string, from: number, to: number, buckets: number) =>
      http.get<DownsampledSeries>(`${V1}/channels/${enc(channelId)}/downsample`, { from, to, buckets }),
    exportUrl: (channelIds: string[], from: number, to: number) =>
      `${V1}/export.csv?${new URLSearchParams({ channels: channelIds.join(','), from: String(from), to: String(to) }).toString()}`,

    importFile: (
      file: Blob,
      q: { format: string; facilityId?: string; name?: string },
      onProgress?: Progress,
    ) =>
      http.upload<ImportSummary>(
        `${V1}/imports?${new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => !!e[1])).toString()}`,
        file,
        { contentType: 'application/octet-stream', onProgress },
      ),

    users: () => http.get<User[]>(`${V1}/users`),
    createUser: (u: { email: string; name?: string; role: Role; password: string }) =>
      http.post<User>(`${V1}/users`, u),
    updateUser: (id: string, patch: { role?: Role; disabled?: boolean; name?: string }) =>
      http.patch<User>(`${V1}/users/${enc(id)}`, patch),
    deleteUser: (id: string) => http.del(`${V1}/users/${enc(id)}`),
    tokens: () => http.get<ApiToken[]>(`${V1}/tokens`),
    createToken: (t: { name: string; role?: Role; expiresInDays?: number }) =>
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

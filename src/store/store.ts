/**
 * The store port: one object per store, made of repositories, each owned by one feature. Most
 * repositories are written once (`sql/`) over each adapter's `SqlDb`; the adapters (`duckdb/`,
 * `postgres/`) hold their connections, dialects and bulk write paths, and never leak their client
 * library past this interface. A contract suite in `contract/` runs unchanged against every adapter.
 * A feature names the slice it calls with {@link StorePort}.
 */
import type { AccountRepo } from './ports/accounts.ts';
import type { AlertRepo } from './ports/alerts.ts';
import type { CatalogRepo } from './ports/catalog.ts';
import type { DeviceRepo } from './ports/devices.ts';
import type { ImportRepo } from './ports/imports.ts';
import type { JobRepo } from './ports/jobs.ts';
import type { LiveRepo } from './ports/live.ts';
import type { NilmRepo } from './ports/nilm.ts';
import type { NotificationRepo } from './ports/notifications.ts';
import type { ReadingRepo } from './ports/readings.ts';
import type { RetentionRepo } from './ports/retention.ts';
import type { RevocationRepo } from './ports/revocations.ts';
import type { RollupRepo } from './ports/rollups.ts';
import type { ScoreRepo } from './ports/scores.ts';
import type { TariffRepo } from './ports/tariffs.ts';

/** Names of the store adapters. */
export const STORE_KINDS = ['duckdb', 'postgres'] as const;
/** A store adapter's name. */
export type StoreKind = (typeof STORE_KINDS)[number];

/** A store: the repositories of every feature over one database. */
export interface Store {
  /** Which adapter this is. */
  readonly kind: StoreKind;
  /** Organisations, facilities, meters, channels. */
  readonly catalog: CatalogRepo;
  /** Raw readings: idempotent bulk writes, range reads, exports. */
  readonly readings: ReadingRepo;
  /** Batch layer results: hourly/daily rollups, serving views, percentile thresholds. */
  readonly rollups: RollupRepo;
  /** Latest value per channel and windowed (1/15 min) rollups from the stream layer. */
  readonly live: LiveRepo;
  /** Alerts raised by stream rules, and the rules themselves. */
  readonly alerts: AlertRepo;
  /** Users, sessions, API tokens, sharing; credential changes are announced on `revocations`. */
  readonly accounts: AccountRepo;
  /** Announces and delivers changes that end credentials, to this and other processes. */
  readonly revocations: RevocationRepo;
  /** NILM models and per-facility disaggregation results. */
  readonly nilm: NilmRepo;
  /** Analytic product scores. */
  readonly scores: ScoreRepo;
  /** Jobs, shards, progress and logs. */
  readonly jobs: JobRepo;
  /** Web import records: state, progress, summary. */
  readonly imports: ImportRepo;
  /** Users' e-mail preferences for alerts. */
  readonly notifications: NotificationRepo;
  /** Tariffs, grid-intensity profiles and the costs and CO2 priced from them. */
  readonly tariffs: TariffRepo;
  /** Registered devices (MQTT/HTTP senders), their hashed tokens and activity. */
  readonly devices: DeviceRepo;
  /** Retention per organisation: how long raw readings and minute aggregates stay; moves old readings out. */
  readonly retention: RetentionRepo;
  /** Creates or upgrades the schema; safe to call on every start and from several processes. */
  migrate(): Promise<void>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** Names of a store's repositories. */
export type RepoName = Exclude<keyof Store, 'kind' | 'migrate' | 'close'>;

/**
 * A feature's slice of the store: repository `R` with only the methods `M` it calls, so that a reader
 * sees what a feature touches and a test double implements just that. Intersect several for a feature
 * that uses several repositories; a whole {@link Store} is each of them.
 *
 * @example
 * type AuthStore = StorePort<'devices', 'get' | 'getByTokenHash'> & StorePort<'catalog', 'listMeters'>;
 */
export type StorePort<R extends RepoName, M extends keyof Store[R]> = {
  readonly [K in R]: Pick<Store[R], M>;
};

/**
 * Every repository written once in this folder, over one adapter's {@link SqlDb}: what an adapter's
 * `index.ts` adds is its readings and rollups (their bulk write paths differ), its revocation channel
 * and its connection's life cycle.
 */
import type { RevocationRepo } from '../ports/revocations.ts';
import { announcingAccountRepo, announcingDeviceRepo } from '../revocations.ts';
import type { Store } from '../store.ts';
import { accountsDdl, createAccountRepo } from './accounts.ts';
import { alertsDdl, createAlertRepo } from './alerts.ts';
import { catalogDdl, createCatalogRepo } from './catalog.ts';
import { createDeviceRepo, devicesDdl } from './devices.ts';
import type { SqlDialect } from './dialect.ts';
import { createImportRepo, importsDdl } from './imports.ts';
import { createJobRepo, jobsDdl } from './jobs.ts';
import { createLiveRepo, liveDdl } from './live.ts';
import { createNilmRepo, nilmDdl } from './nilm.ts';
import { createNotificationRepo, notificationsDdl } from './notifications.ts';
import { createRetentionRepo, retentionDdl } from './retention.ts';
import { createScoreRepo, scoresDdl } from './scores.ts';
import type { SqlDb } from './sql-db.ts';
import { createTariffRepo, tariffsDdl } from './tariffs.ts';

/** The repositories of a {@link Store} that are written once. */
export type SqlRepos = Omit<Store, 'kind' | 'readings' | 'rollups' | 'migrate' | 'close'>;

/**
 * DDL of the shared tables, in the order `migrate()` runs it: `before` (the catalog) first, then the
 * adapter's own tables (readings, rollups: they name channels), then `after` (alerts read channels too).
 */
export function sqlReposDdl(d: SqlDialect): { before: string[]; after: string[] } {
  return {
    before: catalogDdl(d),
    after: [
      ...liveDdl(d),
      ...alertsDdl(d),
      ...accountsDdl(d),
      ...nilmDdl(d),
      ...scoresDdl(d),
      ...jobsDdl(d),
      ...importsDdl(d),
      ...notificationsDdl(d),
      ...tariffsDdl(d),
      ...devicesDdl(d),
      ...retentionDdl(d),
    ],
  };
}

/**
 * The shared repositories over `db`; account and device changes that can end a credential are
 * announced on `revocations`.
 */
export function createSqlRepos(db: SqlDb, revocations: RevocationRepo): SqlRepos {
  const announce = revocations.announce.bind(revocations);
  return {
    catalog: createCatalogRepo(db),
    live: createLiveRepo(db),
    alerts: createAlertRepo(db),
    accounts: announcingAccountRepo(createAccountRepo(db), announce),
    revocations,
    nilm: createNilmRepo(db),
    scores: createScoreRepo(db),
    jobs: createJobRepo(db),
    imports: createImportRepo(db),
    notifications: createNotificationRepo(db),
    tariffs: createTariffRepo(db),
    retention: createRetentionRepo(db),
    devices: announcingDeviceRepo(createDeviceRepo(db), announce),
  };
}

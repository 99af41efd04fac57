/**
 * The live and alert repositories on both store adapters, for their contract suite and the tests of
 * what writes through them (the live writer).
 */
import { STORE_FACTORIES } from '../../store/contract/factories.ts';
import type { AlertRepo } from '../../store/ports/alerts.ts';
import type { LiveRepo } from '../../store/ports/live.ts';
import type { StoreKind } from '../../store/store.ts';

/** The live and alert repositories of one adapter on a fresh database. */
export interface LiveRepos {
  live: LiveRepo;
  alerts: AlertRepo;
  close(): Promise<void>;
}

/** Opens {@link LiveRepos} on a fresh store of each adapter (dropped by `close`). */
export const LIVE_REPO_ADAPTERS = Object.fromEntries(
  STORE_FACTORIES.map((f) => [
    f.kind,
    async (): Promise<LiveRepos> => {
      const t = await f.open();
      return { live: t.store.live, alerts: t.store.alerts, close: () => t.destroy() };
    },
  ]),
) as Record<StoreKind, () => Promise<LiveRepos>>;

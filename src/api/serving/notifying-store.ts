/**
 * A store that reports its writes to the serving layer: the same repositories, with the methods that
 * change served data wrapped so that, once the change is over (committed or failed, which changes
 * nothing), the tags it touched move on. The composition root hands this store to every feature of
 * the process (batch, imports, the live pipeline, the API), so nothing in-process can change what a
 * cached answer was made from without that answer being dropped.
 */
import type { Store } from '../../store/store.ts';
import { type Generations, TAG } from './generations.ts';

/** Runs `fn`, then reports `tags(args)` whether it succeeded or not. */
function reporting<A extends unknown[], R>(
  gen: Generations,
  fn: (...args: A) => Promise<R>,
  tags: (...args: NoInfer<A>) => Iterable<string>,
): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await fn(...args);
    } finally {
      gen.changed(tags(...args));
    }
  };
}

/** `store` with its served data's writes reported to `gen`. */
export function notifyingStore(store: Store, gen: Generations): Store {
  const { readings, rollups, live, alerts, catalog } = store;
  const catalogTag = () => [TAG.catalog];
  return {
    ...store,
    migrate: () => store.migrate(),
    close: () => store.close(),
    readings: {
      ...readings,
      write: reporting(
        gen,
        (b) => readings.write(b),
        (b) => b.channelIds.map(TAG.readings),
      ),
    },
    rollups: {
      ...rollups,
      recompute: reporting(
        gen,
        (s) => rollups.recompute(s),
        () => [TAG.rollups],
      ),
      // The sharded batch's reduce (src/batch/shards/) replaces every rollup at once.
      replaceFromPartials: reporting(
        gen,
        (f) => rollups.replaceFromPartials(f),
        () => [TAG.rollups],
      ),
    },
    live: {
      ...live,
      upsertLatest: reporting(
        gen,
        (v) => live.upsertLatest(v),
        (v) => v.map((l) => TAG.live(l.channelId)),
      ),
    },
    alerts: {
      ...alerts,
      insertAlerts: reporting(
        gen,
        (a) => alerts.insertAlerts(a),
        () => [TAG.alerts],
      ),
      updateAlert: reporting(
        gen,
        (...a: Parameters<typeof alerts.updateAlert>) => alerts.updateAlert(...a),
        () => [TAG.alerts],
      ),
    },
    catalog: {
      ...catalog,
      upsertOrganisations: reporting(gen, (x) => catalog.upsertOrganisations(x), catalogTag),
      upsertFacilities: reporting(gen, (x) => catalog.upsertFacilities(x), catalogTag),
      upsertMeters: reporting(gen, (x) => catalog.upsertMeters(x), catalogTag),
      upsertChannels: reporting(gen, (x) => catalog.upsertChannels(x), catalogTag),
    },
  };
}

/** Direct load of a fleet into a store: the catalog by upserts, then the readings batch by batch. */
import type { StorePort } from '../../store/store.ts';
import type { Fleet } from '../fleet.ts';
import { generateReadings } from '../readings.ts';

/** What a load did. */
export interface LoadResult {
  inserted: number;
  duplicates: number;
}

/** The store as a catalog load calls it. */
export type CatalogLoadStore = StorePort<
  'catalog',
  'upsertOrganisations' | 'upsertFacilities' | 'upsertMeters' | 'upsertChannels'
>;

/** Upserts the catalog of `fleet` into `store` (idempotent). */
export async function loadCatalog(store: CatalogLoadStore, fleet: Fleet): Promise<void> {
  await store.catalog.upsertOrganisations(fleet.orgs);
  // Large fleets go in slices so that one statement stays a reasonable size.
  const slice = 20_000;
  for (let i = 0; i < fleet.facilities.length; i += slice)
    await store.catalog.upsertFacilities(fleet.facilities.slice(i, i + slice));
  for (let i = 0; i < fleet.meters.length; i += slice)
    await store.catalog.upsertMeters(fleet.meters.slice(i, i + slice));
  for (let i = 0; i < fleet.channels.length; i += slice)
    await store.catalog.upsertChannels(fleet.channels.slice(i, i + slice));
}

/** Loads the catalog and the readings in [from, to); re-running it stores nothing new (duplicates). */
export async function loadIntoStore(
  store: CatalogLoadStore & StorePort<'readings', 'write'>,
  fleet: Fleet,
  opts: { from: number; to: number; batchSize?: number; onBatch?: (r: LoadResult) => void },
): Promise<LoadResult> {
  await loadCatalog(store, fleet);
  const total: LoadResult = { inserted: 0, duplicates: 0 };
  for await (const b of generateReadings(fleet, {
    from: opts.from,
    to: opts.to,
    batchSize: opts.batchSize ?? 200_000,
  })) {
    const r = await store.readings.write(b);
    total.inserted += r.inserted;
    total.duplicates += r.duplicates;
    opts.onBatch?.(total);
  }
  return total;
}

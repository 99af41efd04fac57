/** Contract of CatalogRepo: round trips, idempotent upserts, stable channel keys, filters. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StoreFactory, TestStore } from './factories.ts';
import { CATALOG, seedCatalog } from './fixtures.ts';

/** Registers the catalog tests for one adapter (call inside a `describe`). */
export function catalogContract(factory: StoreFactory): void {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
    await seedCatalog(t.store);
  });
  afterAll(async () => t?.destroy());

  it('round-trips organisations, facilities, meters and channels', async () => {
    const c = t.store.catalog;
    expect(await c.getOrganisation('org-a')).toEqual(CATALOG.orgs[0]);
    expect(await c.getFacility('fac-1')).toEqual(CATALOG.facilities[0]);
    expect(await c.getFacility('fac-2')).toEqual(CATALOG.facilities[1]);
    expect(await c.getMeter('m-1')).toEqual(CATALOG.meters[0]);
    expect(await c.getMeter('m-2')).toEqual(CATALOG.meters[1]);
    for (const ch of CATALOG.channels) expect(await c.getChannel(ch.id)).toEqual(ch);
    expect(await c.getChannel('nope')).toBeUndefined();
    expect(await c.getFacility('nope')).toBeUndefined();
    expect(await c.listOrganisations()).toEqual(CATALOG.orgs);
  });

  it('reads many facilities, meters and channels by id at once, skipping unknown ids', async () => {
    const c = t.store.catalog;
    const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(byId(await c.getFacilities(['fac-2', 'nope', 'fac-1', 'fac-2']))).toEqual(
      byId([CATALOG.facilities[0]!, CATALOG.facilities[1]!]),
    );
    expect(byId(await c.getMeters(['m-2', 'm-1', 'nope']))).toEqual(byId(CATALOG.meters.slice(0, 2)));
    expect(byId(await c.getChannels(CATALOG.channels.map((ch) => ch.id)))).toEqual(byId(CATALOG.channels));
    expect(await c.getChannels([])).toEqual([]);
    // More ids than one query binds: the reads slice them and still find every row.
    const many = Array.from({ length: 1203 }, (_, i) => `none-${i}`).concat('m-1');
    expect(await c.getMeters(many)).toEqual([CATALOG.meters[0]]);
  });

  it('upserts update in place and keep channel keys stable', async () => {
    const c = t.store.catalog;
    const keyOf = async (id: string) => {
      // The key is internal; readings prove it is stable: a reading written before and after re-upsert stays readable.
      await t.store.readings.write({
        channelIds: [id],
        channel: Int32Array.of(0),
        ts: Float64Array.of(1),
        value: Float64Array.of(1),
        quality: new Uint8Array(1),
        length: 1,
      });
      return t.store.readings.count(id);
    };
    expect(await keyOf('c-fridge')).toBe(1);
    await c.upsertChannels([
      { ...CATALOG.channels[1]!, name: 'fridge-2', maxGapMs: 9000 },
      { ...CATALOG.channels[1]!, name: 'fridge-3', maxGapMs: 9000 },
    ]);
    expect((await c.getChannel('c-fridge'))?.name).toBe('fridge-3');
    expect(await t.store.readings.count('c-fridge')).toBe(1);
    expect(await t.store.readings.read('c-fridge', 0, 10)).toEqual([
      { channelId: 'c-fridge', ts: 1, value: 1, quality: 0 },
    ]);
    await c.upsertFacilities([{ ...CATALOG.facilities[0]!, name: 'Maple House II', tags: ['x'] }]);
    expect(await c.getFacility('fac-1')).toMatchObject({ name: 'Maple House II', tags: ['x'] });
    await c.upsertFacilities([CATALOG.facilities[0]!]);
    await c.upsertChannels([CATALOG.channels[1]!]);
    expect(await c.listChannels()).toHaveLength(CATALOG.channels.length);
  });

  it('lists facilities with filters', async () => {
    const c = t.store.catalog;
    const ids = async (f?: Parameters<typeof c.listFacilities>[0]) =>
      (await c.listFacilities(f)).map((x) => x.id);
    expect(await ids()).toEqual(['fac-1', 'fac-2']);
    expect(await ids({ orgId: 'org-a' })).toEqual(['fac-1', 'fac-2']);
    expect(await ids({ orgId: 'org-b' })).toEqual([]);
    expect(await ids({ kind: 'commercial' })).toEqual(['fac-2']);
    expect(await ids({ zip: 'V5K 0A1' })).toEqual(['fac-1']);
    expect(await ids({ search: 'maple' })).toEqual(['fac-1']);
    expect(await ids({ search: 'ROAD' })).toEqual(['fac-1']);
    expect(await ids({ search: "it's" })).toEqual([]);
    // The search is literal text: '%' and '_' are not wildcards.
    expect(await ids({ search: '%' })).toEqual([]);
    expect(await ids({ search: 'mapl_' })).toEqual([]);
    expect(await ids({ orgId: 'org-a', kind: 'residential', search: 'depot' })).toEqual([]);
  });

  it('lists meters and channels by facility and meter', async () => {
    const c = t.store.catalog;
    expect((await c.listMeters({ facilityId: 'fac-1' })).map((m) => m.id)).toEqual(['m-1']);
    expect((await c.listMeters()).map((m) => m.id)).toEqual(['m-1', 'm-2']);
    expect((await c.listChannels({ facilityId: 'fac-1' })).map((x) => x.id)).toEqual(['c-fridge', 'c-mains']);
    expect((await c.listChannels({ facilityId: 'fac-2' })).map((x) => x.id)).toEqual(['c-gas']);
    expect((await c.listChannels({ meterId: 'm-2' })).map((x) => x.id)).toEqual(['c-gas']);
    expect(await c.listChannels({ facilityId: 'nope' })).toEqual([]);
  });
}

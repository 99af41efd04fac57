import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../../store/contract/factories.ts';
import { createFleet } from '../fleet.ts';
import { generateReadings } from '../readings.ts';
import { loadIntoStore } from './store.ts';

const FROM = Date.UTC(2024, 3, 1);
const TO = FROM + 86_400_000;

describe.each(STORE_FACTORIES)('loadIntoStore on $kind', (factory) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('loads the catalog and every reading; a second load stores nothing new', async () => {
    const fleet = createFleet({
      seed: 4,
      meters: 12,
      applianceShare: 0.3,
      sampleMs: 300_000,
      idPrefix: 'st',
    });
    let expected = 0;
    for await (const b of generateReadings(fleet, { from: FROM, to: TO })) expected += b.length;
    const first = await loadIntoStore(t.store, fleet, { from: FROM, to: TO });
    expect(first).toEqual({ inserted: expected, duplicates: 0 });
    expect(await t.store.readings.count()).toBe(expected);
    expect((await t.store.catalog.listChannels()).length).toBe(fleet.channels.length);
    const again = await loadIntoStore(t.store, fleet, { from: FROM, to: TO });
    expect(again).toEqual({ inserted: 0, duplicates: expected });
    // One house's mains read back equals the generated values.
    const house = fleet.sim.find((m) => m.model.kind === 'house') ?? fleet.sim[0]!;
    const mainsId = fleet.channels[house.channels[0]!]!.id;
    const back = await t.store.readings.readColumns(mainsId, FROM, TO);
    expect(back.ts.length).toBe(86_400_000 / house.model.stepMs);
  });
});

/**
 * The store writer feeds the lake: a batch the reading log hands to the pipeline lands in the store
 * and in the lake, a redelivered batch is read once from both, and a channel registered after the
 * directory loaded reaches the lake without a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createChannelDirectory } from '../realtime/directory.ts';
import { createEventHub } from '../realtime/hub.ts';
import { createPipeline } from '../realtime/pipeline.ts';
import { CATALOG, powerMains, seedCatalog, seriesBatch } from '../store/contract/fixtures.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { openConfiguredLake } from './open-lake.ts';
import type { Lake } from './port.ts';

let dir: string;
let store: Store;
let lake: Lake;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadscope-lake-pipeline-'));
  const config = loadConfig({}, { LOADSCOPE_DATA_DIR_STATE: dir });
  expect(config.lake.dir).toBe(join(dir, 'lake'));
  store = await openStore(config);
  await store.migrate();
  await seedCatalog(store);
  const directory = createChannelDirectory({ catalog: store.catalog, minRefreshMs: 0 });
  await directory.refresh(true);
  lake = (await openConfiguredLake(config, directory, (e) => {
    throw e;
  })) as Lake;
});
afterEach(async () => {
  await lake.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

it('persists each batch to the store and to the lake, a redelivered batch once', async () => {
  const directory = createChannelDirectory({ catalog: store.catalog });
  const pipeline = createPipeline({ store, lake, directory, hub: createEventHub() });
  const batch = seriesBatch(['c-mains', 'c-fridge'], Date.UTC(2025, 0, 1), 5000, 1000);
  await pipeline.persist(batch);
  await pipeline.persist(batch);
  await lake.flush();
  expect(await store.readings.count('c-mains')).toBe(5000);
  expect(await lake.count({ orgId: 'org-a' })).toBe(10_000);
  const back = await lake.read({ channelIds: ['c-fridge'] });
  const stored = await store.readings.readColumns('c-fridge', Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 2));
  expect(Array.from(back.ts)).toEqual(Array.from(stored.ts));
  expect(Array.from(back.value)).toEqual(Array.from(stored.value));
});

it('places a channel registered after the directory loaded', async () => {
  await store.catalog.upsertChannels([powerMains('c-new', CATALOG.meters[0]!.id)]);
  await lake.append(seriesBatch(['c-new'], Date.UTC(2025, 0, 1), 10, 1000));
  await lake.flush();
  expect(await lake.count({ channelIds: ['c-new'], orgId: 'org-a' })).toBe(10);
});

/**
 * Test support (not used in production): the whole application as the composition root builds it
 * (every plugin's routes), on a temp DuckDB store with one facility, meter and power channel seeded
 * before start, no simulator and no batch schedule, and an admin API token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp } from '../app.ts';
import { type ENV_VARS, loadConfig } from '../config.ts';
import { electricityMeter, powerMains } from '../store/contract/fixtures.ts';
import { createDuckdbStore } from '../store/duckdb/index.ts';
import { createApiToken } from './accounts/service.ts';
import { silentLogger } from '../util/logger.ts';

/** Ids of the seeded objects (organisation `default`). */
export const SEEDED = { facilityId: 'fac-1', meterId: 'met-1', channelId: 'ch-1' } as const;

/** A started application with an admin token; `close()` stops it and removes its files. */
export interface TestApp {
  app: App;
  token: string;
  /** The embedded broker's URL. */
  mqttUrl: string;
  close(): Promise<void>;
}

/** Seeds a store, then starts the application on it; `env` adds settings (e.g. an SMTP server). */
export async function startTestApp(
  env: Partial<Record<keyof typeof ENV_VARS, string>> = {},
): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'ls-test-app-'));
  // Seeded before the application starts, so that its channel directory knows the channel.
  const seed = await createDuckdbStore({ path: join(dir, 'store.duckdb'), threads: 1 });
  await seed.migrate();
  await seed.catalog.upsertOrganisations([{ id: 'default', name: 'default', createdAt: 1 }]);
  await seed.catalog.upsertFacilities([
    {
      id: SEEDED.facilityId,
      orgId: 'default',
      name: 'plant',
      kind: 'commercial',
      address: null,
      zip: '10115',
      timeZone: 'Europe/Berlin',
      tags: [],
      createdAt: 1,
    },
  ]);
  await seed.catalog.upsertMeters([electricityMeter(SEEDED.meterId, SEEDED.facilityId)]);
  await seed.catalog.upsertChannels([powerMains(SEEDED.channelId, SEEDED.meterId)]);
  await seed.close();
  const config = loadConfig(
    {},
    {
      LOADSCOPE_DATA_DIR_STATE: dir,
      LOADSCOPE_PORT: '0',
      LOADSCOPE_MQTT_PORT: '0',
      LOADSCOPE_SIM: '0',
      LOADSCOPE_BATCH_EVERY: '0',
      LOADSCOPE_DUCKDB: join(dir, 'store.duckdb'),
      ...env,
    },
  );
  const app = createApp(config, { logger: silentLogger() });
  const started = await app.start();
  const token = (
    await createApiToken(
      { store: app.store, now: Date.now },
      { orgId: 'default', name: 'test', role: 'admin', createdBy: null },
    )
  ).token;
  return {
    app,
    token,
    mqttUrl: started.mqttUrl,
    async close() {
      await app.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

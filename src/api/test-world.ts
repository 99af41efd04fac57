/**
 * Test support for the API tests (not used in production): a temp DuckDB store seeded with two
 * organisations, users of every role, tokens, and a facility shared from one to the other, plus
 * helpers that log in through the real routes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config.ts';
import type { Channel, Facility, Meter, ReadingBatch, Role } from '../domain/types.ts';
import { electricityMeter, powerMains } from '../store/contract/fixtures.ts';
import { createDuckdbStore } from '../store/duckdb/index.ts';
import type { Store } from '../store/store.ts';
import { createApiToken, createUser } from './accounts/service.ts';
import { type ServerOptions, buildServer } from './server.ts';

/** Password of every seeded user. */
export const PASSWORD = 'correct horse battery';
/** Every private object of the foreign organisation carries this marker in its id or name. */
export const FOREIGN_MARK = 'zzforeign';

/** One organisation's seeded objects. */
export interface OrgWorld {
  orgId: string;
  facility: Facility;
  meter: Meter;
  channel: Channel;
  users: Record<Role, { id: string; email: string }>;
  /** An analyst API token. */
  token: string;
  tokenId: string;
}

/** The seeded world: `a` is the caller's organisation, `b` the foreign one; `shared` is b's facility shared with a. */
export interface World {
  store: Store;
  a: OrgWorld;
  b: OrgWorld;
  shared: { facility: Facility; channel: Channel; shareId: string };
  close(): Promise<void>;
}

const facility = (id: string, orgId: string, name: string, zip: string): Facility => ({
  id,
  orgId,
  name,
  kind: 'residential',
  address: `${name} street 1`,
  zip,
  timeZone: 'Europe/Berlin',
  tags: ['test'],
  createdAt: 1_700_000_000_000,
});
const meter = electricityMeter;
const channel = powerMains;

export const T0 = 1_700_000_000_000;

/** `n` power readings of one channel every `stepMs` from `t0`, value = 100 + (i % 60) W. */
export function powerBatch(channelId: string, t0: number, n: number, stepMs: number): ReadingBatch {
  const ts = new Float64Array(n);
  const value = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = t0 + i * stepMs;
    value[i] = 100 + (i % 60);
  }
  return {
    channelIds: [channelId],
    channel: new Int32Array(n),
    ts,
    value,
    quality: new Uint8Array(n),
    length: n,
  };
}

/** Opens a temp DuckDB store and seeds the world. */
export async function openWorld(): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'ls-api-'));
  const store = await createDuckdbStore({ path: join(dir, 'api.duckdb'), threads: 1 });
  await store.migrate();
  const now = () => 1_700_000_000_000;
  const seedOrg = async (orgId: string, prefix: string, mark: string): Promise<OrgWorld> => {
    await store.catalog.upsertOrganisations([{ id: orgId, name: `${mark} org ${prefix}`, createdAt: 1 }]);
    const f = facility(
      `${mark}fac-${prefix}`,
      orgId,
      `${mark} plant ${prefix}`,
      prefix === 'a' ? '10115' : '80331',
    );
    const m = meter(`${mark}met-${prefix}`, f.id);
    const c = channel(`${mark}ch-${prefix}`, m.id);
    await store.catalog.upsertFacilities([f]);
    await store.catalog.upsertMeters([m]);
    await store.catalog.upsertChannels([c]);
    await store.readings.write(powerBatch(c.id, T0, 600, 1000));
    const users = {} as Record<Role, { id: string; email: string }>;
    for (const role of ['admin', 'analyst', 'viewer'] as const) {
      const u = await createUser(
        { store, now },
        { orgId, email: `${mark}${role}@${prefix}.test`, role, password: PASSWORD },
      );
      users[role] = { id: u.id, email: u.email };
    }
    const t = await createApiToken(
      { store, now },
      { orgId, name: `${mark}token`, role: 'analyst', createdBy: users.admin.id },
    );
    return { orgId, facility: f, meter: m, channel: c, users, token: t.token, tokenId: t.row.id };
  };
  const a = await seedOrg('org-a', 'a', '');
  const b = await seedOrg('org-b', 'b', FOREIGN_MARK);
  // b's second facility is shared read-only with organisation a; it carries no marker because a may see it.
  const sf = facility('shared-fac', 'org-b', 'shared plant', '80331');
  const sm = meter('shared-met', sf.id);
  const sc = channel('shared-ch', sm.id);
  await store.catalog.upsertFacilities([sf]);
  await store.catalog.upsertMeters([sm]);
  await store.catalog.upsertChannels([sc]);
  await store.accounts.createShare({
    id: 'shr-shared',
    facilityId: sf.id,
    ownerOrgId: 'org-b',
    granteeUserId: null,
    granteeOrgId: 'org-a',
    access: 'read',
    createdBy: null,
    createdAt: 1,
  });
  await store.readings.write(powerBatch(sc.id, T0, 600, 1000));
  await store.live.upsertLatest([
    { channelId: a.channel.id, ts: T0 + 599_000, value: 159 },
    { channelId: b.channel.id, ts: T0 + 599_000, value: 159 },
    { channelId: sc.id, ts: T0 + 599_000, value: 159 },
  ]);
  await store.rollups.recompute('all');
  // An open alert of b's private facility: leaks through alert-reading routes show its marker.
  await store.alerts.insertAlerts([
    {
      id: `${FOREIGN_MARK}-alert`,
      rule: 'overshoot',
      channelId: b.channel.id,
      facilityId: b.facility.id,
      orgId: b.orgId,
      ts: T0 + 1000,
      endTs: null,
      value: 159,
      threshold: 150,
      unit: 'W',
      severity: 'warning',
      state: 'open',
      message: `${FOREIGN_MARK} alert`,
      createdAt: T0,
      updatedAt: T0,
    },
  ]);
  return {
    store,
    a,
    b,
    shared: { facility: sf, channel: sc, shareId: 'shr-shared' },
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Builds a server over the world's store with a test configuration. */
export async function worldServer(world: World, opts: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  const config = loadConfig({}, { LOADSCOPE_DUCKDB: ':memory:' });
  return buildServer({ config, store: world.store, webDir: '/nonexistent', ...opts });
}

/** Credentials of a logged-in browser: the cookies to send and the CSRF token. */
export interface BrowserSession {
  cookie: string;
  csrf: string;
}

/** Logs in through POST /api/v1/auth/login and returns the cookie header and CSRF token. */
export async function login(
  app: FastifyInstance,
  email: string,
  password = PASSWORD,
): Promise<BrowserSession> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login ${email} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return { cookie, csrf: res.json<{ csrfToken: string }>().csrfToken };
}

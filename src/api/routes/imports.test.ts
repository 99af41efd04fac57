/**
 * Import upload: raw body in, importer summary out; progress by polling; the caller's organisation only;
 * records kept in the store across servers, and an import whose server stopped shown as interrupted.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportRecord } from '../../store/ports/imports.ts';
import { type BrowserSession, type World, login, openWorld, worldServer } from '../test-world.ts';
import { IMPORT_STALE_MS } from './imports.ts';

const DATA = process.env['LOADSCOPE_DATA_DIR'] ?? join(import.meta.dirname, '../../../../shared/data');
const GREEN_BUTTON = join(DATA, 'greenbutton', 'TestGBDataHourlyNineDaysBinnedDaily.xml');

type Rec = {
  id: string;
  state: string;
  facilityId: string;
  orgId: string;
  summary: { stored: number; rejected: number; format: string } | null;
  error: { message: string } | null;
};

const CSV = [
  'meter,channel,timestamp,value,unit',
  'main,mains,2024-01-01T00:00:00Z,100,W',
  'main,mains,2024-01-01T00:01:00Z,oops,W',
  'main,mains,2024-01-01T00:02:00Z,300,W',
].join('\n');

describe('import routes', () => {
  let w: World;
  let app: FastifyInstance;
  let analyst: BrowserSession;
  const upload = (query: string, body: string | Buffer, s: BrowserSession = analyst) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/imports?${query}`,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/octet-stream' },
      payload: body,
    });
  beforeAll(async () => {
    w = await openWorld();
    app = await worldServer(w);
    analyst = await login(app, w.a.users.analyst.email);
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('imports a CSV into a new facility of my organisation; bad rows are counted, good rows land', async () => {
    const res = await upload('filename=site%201.csv&wait=true&tz=Europe/Berlin', CSV);
    expect(res.statusCode, res.body).toBe(200);
    const rec = res.json<Rec>();
    expect(rec).toMatchObject({ state: 'done', facilityId: 'site-1', orgId: w.a.orgId });
    expect(rec.summary).toMatchObject({ format: 'csv-long', stored: 2, rejected: 1 });
    expect(await w.store.catalog.getFacility('site-1')).toMatchObject({
      orgId: w.a.orgId,
      timeZone: 'Europe/Berlin',
    });
    const list = await app.inject({
      method: 'GET',
      url: '/api/v1/imports',
      headers: { cookie: analyst.cookie },
    });
    expect(list.json<Rec[]>().map((r) => r.id)).toContain(rec.id);
  });

  it.skipIf(!existsSync(GREEN_BUTTON))(
    'imports a Green Button file in the background with progress to poll',
    async () => {
      const res = await upload(
        'filename=TestGBDataHourlyNineDaysBinnedDaily.xml&facility=gb-home',
        await readFile(GREEN_BUTTON),
      );
      expect(res.statusCode).toBe(202);
      let rec = res.json<Rec>();
      for (let i = 0; i < 200 && rec.state === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        rec = (
          await app.inject({
            method: 'GET',
            url: `/api/v1/imports/${rec.id}`,
            headers: { cookie: analyst.cookie },
          })
        ).json<Rec>();
      }
      expect(rec.state, JSON.stringify(rec.error)).toBe('done');
      expect(rec.summary!.format).toBe('greenbutton');
      expect(rec.summary!.stored).toBeGreaterThan(100);
      expect((await w.store.catalog.getFacility('gb-home'))?.orgId).toBe(w.a.orgId);
      // Another organisation cannot see the import.
      const other = await login(app, w.b.users.admin.email);
      expect(
        (
          await app.inject({
            method: 'GET',
            url: `/api/v1/imports/${rec.id}`,
            headers: { cookie: other.cookie },
          })
        ).statusCode,
      ).toBe(404);
    },
  );

  it("refuses to import into another organisation's facility or a read-only shared one", async () => {
    expect((await upload(`filename=x.csv&facility=${w.b.facility.id}&wait=true`, CSV)).statusCode).toBe(404);
    expect((await upload(`filename=x.csv&facility=${w.shared.facility.id}&wait=true`, CSV)).statusCode).toBe(
      403,
    );
    expect(await w.store.readings.count(`${w.b.facility.id}:main:mains`)).toBe(0);
  });

  it('reports a file it cannot read as a failed import with the reason, and an empty body as 400', async () => {
    const bad = await upload('filename=nonsense.csv&wait=true', 'this is not\na meter file at all\n');
    expect(bad.statusCode).toBe(200);
    const rec = bad.json<Rec>();
    expect(rec.state).toBe('failed');
    expect(rec.error!.message).toContain('nonsense.csv');
    expect(rec.error!.message).not.toContain('ls-upload-');
    const empty = await upload('filename=e.csv', '');
    expect(empty.statusCode).toBe(400);
  });

  it('imports a wide CSV with the unit, time zone, zip and kind of the upload; errors name its settings', async () => {
    const wide =
      'time,mains,fridge\n2024-03-01 00:00,100,10\n2024-03-01 00:01,oops,12\n2024-03-01 00:02,300,14\n';
    const missing = await upload('filename=my%20house.csv&wait=true', wide);
    const failed = missing.json<Rec>();
    expect(failed.state).toBe('failed');
    // The web user is told which setting to choose, not a CLI flag.
    expect(failed.error!.message).toMatch(/set Unit \(unit\)/);
    expect(failed.error!.message).not.toMatch(/--unit|--tz/);
    const res = await upload(
      'filename=my%20house.csv&wait=true&unit=W&tz=Europe/Paris&zip=75011&kind=residential&format=csv-wide&interval=60',
      wide,
    );
    const rec = res.json<Rec & { summary: { byReason: Record<string, { examples: { file: string }[] }> } }>();
    expect(rec.state, JSON.stringify(rec.error)).toBe('done');
    expect(rec.summary).toMatchObject({ format: 'csv-wide', stored: 5, rejected: 1 });
    // Rejected rows name the uploaded file, not the server's temporary copy.
    expect(rec.summary.byReason['not-a-number']!.examples[0]!.file).toBe('my house.csv');
    expect(await w.store.catalog.getFacility('my-house')).toMatchObject({
      timeZone: 'Europe/Paris',
      zip: '75011',
      kind: 'residential',
    });
    expect(await w.store.catalog.getChannel('my-house:main:mains')).toMatchObject({
      unit: 'W',
      measurement: 'power',
      intervalMs: 60_000,
    });
    // 2024-03-01 00:00 in Paris is 23:00 UTC the day before.
    const [first] = await w.store.readings.read('my-house:main:mains', 0, 2e12);
    expect(first?.ts).toBe(Date.UTC(2024, 1, 29, 23));
  });

  it('starts with the size of the upload as the total, and places UtilityAPI services by address', async () => {
    const ua = [
      'interval_start,interval_end,interval_kWh,service_uid,utility_service_address,utility_service_id',
      '2024-01-01T00:00:00Z,2024-01-01T00:15:00Z,0.5,svc-a,"1 Elm St, Albany, NY 12207",S-A',
      '2024-01-01T00:00:00Z,2024-01-01T00:15:00Z,0.7,svc-b,"9 Oak Ave, Troy, NY 12180",S-B',
    ].join('\n');
    const res = await upload('filename=intervals.csv', ua);
    expect(res.statusCode).toBe(202);
    expect(res.json<ImportRecord>().progress.bytesTotal).toBe(Buffer.byteLength(ua));
    let rec = res.json<Rec & { summary: { facilities?: string[] } | null }>();
    for (let i = 0; i < 200 && rec.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      rec = (
        await app.inject({
          method: 'GET',
          url: `/api/v1/imports/${rec.id}`,
          headers: { cookie: analyst.cookie },
        })
      ).json();
    }
    expect(rec.summary?.facilities).toEqual(['1-elm-st-albany-ny-12207', '9-oak-ave-troy-ny-12180']);
    expect(rec.facilityId).toBe('1-elm-st-albany-ny-12207');
    expect((await w.store.catalog.getFacility('9-oak-ave-troy-ny-12180'))?.zip).toBe('12180');
  });

  it('keeps import records in the store: a new server on the same store answers for them, to my organisation only', async () => {
    const res = await upload('filename=restart.csv&wait=true', CSV);
    expect(res.statusCode, res.body).toBe(200);
    const rec = res.json<Rec>();
    const next = await worldServer(w);
    try {
      const mine = await login(next, w.a.users.viewer.email);
      const get = (s: BrowserSession, url: string) =>
        next.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
      const again = await get(mine, `/api/v1/imports/${rec.id}`);
      expect(again.statusCode).toBe(200);
      expect(again.json<Rec>()).toEqual(rec);
      expect((await get(mine, '/api/v1/imports')).json<Rec[]>().map((r) => r.id)).toContain(rec.id);
      const other = await login(next, w.b.users.admin.email);
      expect((await get(other, `/api/v1/imports/${rec.id}`)).statusCode).toBe(404);
      expect((await get(other, '/api/v1/imports')).json<Rec[]>().map((r) => r.id)).not.toContain(rec.id);
    } finally {
      await next.close();
    }
  });

  it('shows an import whose server stopped as failed (interrupted), and one still beating as running', async () => {
    const running = (id: string, heartbeatAt: number): ImportRecord => ({
      id,
      orgId: w.a.orgId,
      filename: `${id}.csv`,
      facilityId: id,
      state: 'running',
      startedAt: heartbeatAt - 1000,
      endedAt: null,
      heartbeatAt,
      progress: { bytesRead: 10, bytesTotal: 100, rows: 1, readings: 1 },
      summary: null,
      error: null,
    });
    await w.store.imports.createImport(running('crashed-import', Date.now() - IMPORT_STALE_MS - 1000));
    await w.store.imports.createImport(running('live-import', Date.now()));
    const get = async <T>(url: string) =>
      (await app.inject({ method: 'GET', url, headers: { cookie: analyst.cookie } })).json<T>();
    const crashed = await get<Rec>('/api/v1/imports/crashed-import');
    expect(crashed).toMatchObject({ state: 'failed', error: { error: 'IMPORT_INTERRUPTED' } });
    expect(crashed.error!.message).toMatch(/interrupted.*upload the file again/);
    expect(await w.store.imports.getImport('crashed-import')).toMatchObject({ state: 'failed' });
    const list = await get<Rec[]>('/api/v1/imports');
    expect(list.find((r) => r.id === 'live-import')?.state).toBe('running');
    expect(list.find((r) => r.id === 'crashed-import')?.state).toBe('failed');
  });
});

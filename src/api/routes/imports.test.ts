/** Import upload: raw body in, importer summary out; progress by polling; the caller's organisation only. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, type World, login, openWorld, worldServer } from '../test-world.ts';

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
});

/**
 * Contract suite of the live and alert repositories, run unchanged against DuckDB (in memory) and
 * PostgreSQL (a fresh schema, dropped afterwards).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../domain/types.ts';
import { ConflictError } from '../errors.ts';
import * as duckAlerts from '../store/duckdb/alerts.ts';
import { openDuckdbContext } from '../store/duckdb/connection.ts';
import * as duckLive from '../store/duckdb/live.ts';
import type { AlertRepo } from '../store/ports/alerts.ts';
import type { LiveRepo } from '../store/ports/live.ts';
import * as pgAlerts from '../store/postgres/alerts.ts';
import * as pgLive from '../store/postgres/live.ts';
import { parseRule } from '../stream/rules/spec.ts';

interface Repos {
  live: LiveRepo;
  alerts: AlertRepo;
  close(): Promise<void>;
}

const ADAPTERS: Record<string, () => Promise<Repos>> = {
  async duckdb() {
    const instance = await DuckDBInstance.create(':memory:');
    const ctx = await openDuckdbContext(instance, ':memory:');
    for (const ddl of [...duckLive.liveSchema, ...duckAlerts.alertsSchema]) await ctx.conn.run(ddl);
    return {
      live: duckLive.createLiveRepo(ctx),
      alerts: duckAlerts.createAlertRepo(ctx),
      close: async () => {
        await ctx.close();
        instance.closeSync();
      },
    };
  },
  async postgres() {
    const schema = `t_realtime_${Math.random().toString(36).slice(2, 10)}`;
    const url = process.env['LOADSCOPE_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
    for (const ddl of [...pgLive.liveSchema, ...pgAlerts.alertsSchema]) await pool.query(ddl);
    const ctx = { pool, schema };
    return {
      live: pgLive.createLiveRepo(ctx),
      alerts: pgAlerts.createAlertRepo(ctx),
      close: async () => {
        await pool.end();
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      },
    };
  },
};

const alert = (id: string, over: Partial<Alert> = {}): Alert => ({
  id,
  rule: 'overshoot',
  channelId: 'c1',
  facilityId: 'f1',
  orgId: 'o1',
  ts: 1000,
  endTs: null,
  value: 5,
  threshold: 3,
  severity: 'warning',
  state: 'open',
  message: 'm',
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

for (const [name, open] of Object.entries(ADAPTERS)) {
  describe(`live and alert repositories on ${name}`, () => {
    let r: Repos;
    beforeAll(async () => {
      r = await open();
    });
    afterAll(async () => {
      await r?.close();
    });

    it('keeps the newest latest value', async () => {
      await r.live.upsertLatest([
        { channelId: 'a', ts: 10, value: 1 },
        { channelId: 'b', ts: 10, value: 2 },
      ]);
      await r.live.upsertLatest([
        { channelId: 'a', ts: 5, value: 9 },
        { channelId: 'b', ts: 20, value: 3 },
      ]);
      expect(await r.live.getLatest()).toEqual([
        { channelId: 'a', ts: 10, value: 1 },
        { channelId: 'b', ts: 20, value: 3 },
      ]);
      expect(await r.live.getLatest({ channelIds: ['b'] })).toHaveLength(1);
      expect(await r.live.getLatest({ channelIds: [] })).toEqual([]);
    });

    it('replaces window state', async () => {
      const w = { channelId: 'a', widthMs: 60_000, start: 0, count: 2, sum: 3, min: 1, max: 2, final: false };
      await r.live.upsertWindows([w, { ...w, start: 60_000 }]);
      await r.live.upsertWindows([{ ...w, count: 3, sum: 6, max: 3, final: true }]);
      const got = await r.live.listWindows({ channelId: 'a', widthMs: 60_000, from: 0, to: 120_000 });
      expect(got).toEqual([
        { ...w, count: 3, sum: 6, max: 3, final: true },
        { ...w, start: 60_000 },
      ]);
    });

    it('stores alerts idempotently, filters and updates them', async () => {
      await r.alerts.insertAlerts([
        alert('a1'),
        alert('a2', { ts: 2000, facilityId: 'f2', severity: 'critical' }),
      ]);
      await r.alerts.insertAlerts([alert('a1', { value: 99 })]);
      expect((await r.alerts.getAlert('a1'))?.value).toBe(5);
      expect((await r.alerts.listAlerts({ orgId: 'o1' })).map((a) => a.id)).toEqual(['a2', 'a1']);
      expect((await r.alerts.listAlerts({ facilityIds: ['f2'] })).map((a) => a.id)).toEqual(['a2']);
      expect(await r.alerts.listAlerts({ facilityIds: [] })).toEqual([]);
      expect((await r.alerts.listAlerts({ from: 1500, severity: 'critical' })).map((a) => a.id)).toEqual([
        'a2',
      ]);
      await r.alerts.updateAlert('a1', { state: 'acknowledged', endTs: 1500, updatedAt: 7 });
      expect(await r.alerts.getAlert('a1')).toMatchObject({
        state: 'acknowledged',
        endTs: 1500,
        updatedAt: 7,
      });
      expect((await r.alerts.listAlerts({ states: ['open'] })).map((a) => a.id)).toEqual(['a2']);
      expect(await r.alerts.getAlert('nope')).toBeUndefined();
    });

    it('stores rules, rejects a duplicate name and deletes', async () => {
      const body = parseRule({ name: 'quiet', condition: { type: 'silent', for: '5m' } });
      await r.alerts.putRule({ ...body, id: 'r1', orgId: 'o1', createdAt: 1, updatedAt: 1 });
      await r.alerts.putRule({
        ...body,
        severity: 'critical',
        id: 'r1',
        orgId: 'o1',
        createdAt: 1,
        updatedAt: 2,
      });
      expect(await r.alerts.getRule('r1')).toMatchObject({
        name: 'quiet',
        severity: 'critical',
        updatedAt: 2,
        condition: { type: 'silent' },
      });
      await expect(
        r.alerts.putRule({ ...body, id: 'r2', orgId: 'o1', createdAt: 1, updatedAt: 1 }),
      ).rejects.toBeInstanceOf(ConflictError);
      await r.alerts.putRule({ ...body, id: 'r3', orgId: 'o2', createdAt: 1, updatedAt: 1 });
      expect((await r.alerts.listRules({ orgId: 'o1' })).map((x) => x.id)).toEqual(['r1']);
      expect(await r.alerts.listRules()).toHaveLength(2);
      expect(await r.alerts.deleteRule('r1')).toBe(true);
      expect(await r.alerts.deleteRule('r1')).toBe(false);
    });
  });
}

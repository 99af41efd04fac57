/**
 * Contract suite of the live and alert repositories, run unchanged against DuckDB (in memory) and
 * PostgreSQL (a fresh schema, dropped afterwards).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../domain/types.ts';
import { ConflictError } from '../errors.ts';
import { parseRule } from '../domain/rule-spec.ts';
import { LIVE_REPO_ADAPTERS, type LiveRepos } from './testing/live-repos.ts';

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
  unit: 'W',
  severity: 'warning',
  state: 'open',
  message: 'm',
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

for (const [name, open] of Object.entries(LIVE_REPO_ADAPTERS)) {
  describe(`live and alert repositories on ${name}`, () => {
    let r: LiveRepos;
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

    // After the alert test, whose filters see every alert stored.
    it('stores finite values of any magnitude in windows, latest values and alerts (issue 13, item 6)', async () => {
      // Every double above 2^53 is integral; DuckDB's client bound such values as BIGINT and 1e19 failed.
      const huge = [1e19, -1e19, 5e9, 2 ** 63, 1.7976931348623157e308, -1e300];
      const w = { widthMs: 60_000, start: 0, count: 1, final: false };
      await r.live.upsertWindows(
        huge.map((v, i) => ({ ...w, channelId: `huge${i}`, sum: v, min: v, max: v })),
      );
      await r.live.upsertLatest(huge.map((v, i) => ({ channelId: `huge${i}`, ts: 1, value: v })));
      await r.alerts.insertAlerts([alert('huge', { orgId: 'o-huge', value: 1e19, threshold: 2 ** 64 })]);
      for (const [i, v] of huge.entries()) {
        const [got] = await r.live.listWindows({ channelId: `huge${i}`, widthMs: 60_000, from: 0, to: 1 });
        expect(got).toMatchObject({ sum: v, min: v, max: v });
      }
      const latest = await r.live.getLatest({ channelIds: huge.map((_, i) => `huge${i}`) });
      expect(latest.map((x) => x.value)).toEqual(huge);
      expect(await r.alerts.getAlert('huge')).toMatchObject({ value: 1e19, threshold: 2 ** 64 });
    });

    it('refuses a time beyond the 64-bit range with a store error, not a crash', async () => {
      const w = {
        channelId: 'far',
        widthMs: 60_000,
        start: 1e19,
        count: 1,
        sum: 1,
        min: 1,
        max: 1,
        final: false,
      };
      await expect(r.live.upsertWindows([w])).rejects.toThrow(/store/);
      expect(await r.live.listWindows({ channelId: 'far', widthMs: 60_000, from: 0, to: 2e18 })).toEqual([]);
    });
  });
}

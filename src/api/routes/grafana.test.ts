/** Grafana JSON data-source endpoints, called as Grafana does: POST with a bearer token. */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0, type World, openWorld, worldServer } from '../test-world.ts';

describe('grafana data source', () => {
  let w: World;
  let app: FastifyInstance;
  const call = async <T>(method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${w.a.token}` },
      ...(payload ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.json<T>() };
  };
  const range = { from: new Date(T0).toISOString(), to: new Date(T0 + 600_000).toISOString() };
  beforeAll(async () => {
    w = await openWorld();
    await w.store.alerts.insertAlerts([
      {
        id: 'g1',
        rule: 'overshoot',
        channelId: w.a.channel.id,
        facilityId: w.a.facility.id,
        orgId: w.a.orgId,
        ts: T0 + 60_000,
        endTs: T0 + 120_000,
        value: 159,
        threshold: 150,
        unit: 'W',
        severity: 'critical',
        state: 'open',
        message: 'mains above p97',
        createdAt: T0,
        updatedAt: T0,
      },
    ]);
    app = await worldServer(w);
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('answers the connection test only with a valid token', async () => {
    expect((await call('GET', '/api/grafana/')).status).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/grafana/' })).statusCode).toBe(401);
  });

  it('offers the builder metrics and their options (/metrics, /metric-payload-options)', async () => {
    // 0.6.x sends { metric, payload } with both undefined on first load, i.e. {}.
    const metrics = await call<{ value: string; payloads: { name: string; type: string }[] }[]>(
      'POST',
      '/api/grafana/metrics',
      {},
    );
    expect(metrics.status).toBe(200);
    expect(metrics.body.map((m) => m.value)).toEqual(['channel', 'alerts']);
    expect(metrics.body[0]!.payloads.map((p) => [p.name, p.type])).toEqual([
      ['facility', 'select'],
      ['channel', 'multi-select'],
    ]);
    const facilities = await call<{ label: string; value: string }[]>(
      'POST',
      '/api/grafana/metric-payload-options',
      { metric: 'channel', payload: {}, name: 'facility' },
    );
    expect(facilities.body.map((f) => f.value).sort()).toEqual(
      [w.a.facility.id, w.shared.facility.id].sort(),
    );
    expect(facilities.body.find((f) => f.value === w.shared.facility.id)?.label).toBe(
      'shared plant (80331, shared-fac)',
    );
    const chans = await call<{ label: string; value: string }[]>(
      'POST',
      '/api/grafana/metric-payload-options',
      { metric: 'channel', payload: { facility: w.shared.facility.id }, name: 'channel' },
    );
    expect(chans.body).toEqual([{ label: 'shared plant / mains (W)', value: w.shared.channel.id }]);
    const foreign = await call('POST', '/api/grafana/metric-payload-options', {
      metric: 'channel',
      payload: { facility: w.b.facility.id },
      name: 'channel',
    });
    expect(foreign.status).toBe(404);
    const bad = await call<{ message: string }>('POST', '/api/grafana/metric-payload-options', {
      metric: 'channel',
      payload: {},
      name: 'colour',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("field 'name'");
  });

  it('fills query variables (/variable) as { __text, __value }', async () => {
    const range = { from: new Date(T0).toISOString(), to: new Date(T0 + 1).toISOString(), raw: {} };
    // Plain query "channels": the plugin wraps it as { target }; with "Raw JSON" it sends the object.
    const all = await call<{ __text: string; __value: string }[]>('POST', '/api/grafana/variable', {
      payload: { target: 'channels' },
      range,
    });
    expect(all.body.map((c) => c.__value).sort()).toEqual([w.a.channel.id, w.shared.channel.id].sort());
    expect(all.body.find((c) => c.__value === w.shared.channel.id)?.__text).toBe('shared plant / mains (W)');
    const one = await call<{ __value: string }[]>('POST', '/api/grafana/variable', {
      payload: { target: 'channels', facility: [w.shared.facility.id] },
    });
    expect(one.body.map((c) => c.__value)).toEqual([w.shared.channel.id]);
    const facs = await call<{ __text: string }[]>('POST', '/api/grafana/variable', {
      payload: { target: 'facilities' },
    });
    expect(facs.body).toHaveLength(2);
    const bad = await call<{ message: string }>('POST', '/api/grafana/variable', {
      payload: { target: 'meters' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("field 'payload.target'");
  });

  it('offers ad hoc filters (/tag-keys, /tag-values) and applies them in /query', async () => {
    const keys = await call<{ text: string }[]>('POST', '/api/grafana/tag-keys', {});
    expect(keys.body.map((k) => k.text)).toEqual(['facility', 'zip', 'kind']);
    const zips = await call<{ text: string }[]>('POST', '/api/grafana/tag-values', { key: 'zip' });
    expect(zips.body).toEqual([{ text: '10115' }, { text: '80331' }]);
    const both = `(${w.a.channel.id}|${w.shared.channel.id})`;
    const filtered = await call<{ target: string }[]>('POST', '/api/grafana/query', {
      range,
      targets: [{ target: both, refId: 'A' }],
      adhocFilters: [{ key: 'zip', operator: '=', value: '80331' }],
    });
    expect(filtered.body.map((s) => s.target)).toEqual(['shared plant / mains']);
    const bad = await call<{ message: string }>('POST', '/api/grafana/query', {
      range,
      targets: [{ target: both, refId: 'A' }],
      adhocFilters: [{ key: 'colour', operator: '=', value: 'red' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("field 'adhocFilters[0].key'");
  });

  it('expands a multi-value $channel and builder payloads in /query', async () => {
    const multi = await call<{ target: string; datapoints: unknown[] }[]>('POST', '/api/grafana/query', {
      range,
      targets: [{ target: `(${w.a.channel.id}|${w.shared.channel.id})`, refId: 'A' }],
      maxDataPoints: 60,
    });
    expect(multi.body).toHaveLength(2);
    expect(multi.body.every((s) => s.datapoints.length === 60)).toBe(true);
    const builder = await call<{ target: string }[]>('POST', '/api/grafana/query', {
      range,
      targets: [{ target: 'channel', refId: 'A', payload: { channel: [w.shared.channel.id] } }],
    });
    expect(builder.body.map((s) => s.target)).toEqual(['shared plant / mains']);
    const hidden = await call<unknown[]>('POST', '/api/grafana/query', {
      range,
      targets: [{ target: w.a.channel.id, refId: 'A', hide: true }],
    });
    expect(hidden.body).toEqual([]);
  });

  it('returns [value, ts] datapoints for /query, raw or downsampled to maxDataPoints', async () => {
    const raw = await call<{ target: string; refId: string; datapoints: [number, number][] }[]>(
      'POST',
      '/api/grafana/query',
      {
        range,
        targets: [{ target: w.a.channel.id, refId: 'A' }],
        maxDataPoints: 1000,
      },
    );
    expect(raw.body[0]!.refId).toBe('A');
    expect(raw.body[0]!.datapoints).toHaveLength(600);
    expect(raw.body[0]!.datapoints[0]).toEqual([100, T0]);
    const small = await call<{ datapoints: [number, number][] }[]>('POST', '/api/grafana/query', {
      range,
      targets: [{ target: w.a.channel.id, refId: 'A' }],
      maxDataPoints: 60,
    });
    expect(small.body[0]!.datapoints).toHaveLength(60);
    expect(small.body[0]!.datapoints[0]![0]).toBeCloseTo(104.5, 6); // mean of 100..109
    const foreign = await call('POST', '/api/grafana/query', {
      range,
      targets: [{ target: w.b.channel.id, refId: 'A' }],
    });
    expect(foreign.status).toBe(404);
    const bad = await call<{ message: string }>('POST', '/api/grafana/query', {
      range: { from: 'yesterday', to: range.to },
      targets: [],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("field 'range.from'");
  });

  it('returns alerts as a table with the annotation columns (target alerts)', async () => {
    const { body } = await call<{ type: string; columns: { text: string }[]; rows: unknown[][] }[]>(
      'POST',
      '/api/grafana/query',
      { range, targets: [{ target: 'alerts', refId: 'Anno' }] },
    );
    expect(body).toHaveLength(1);
    expect(body[0]!.type).toBe('table');
    expect(body[0]!.columns.map((c) => c.text).slice(0, 5)).toEqual([
      'time',
      'timeEnd',
      'title',
      'text',
      'tags',
    ]);
    expect(body[0]!.rows).toEqual([
      [
        T0 + 60_000,
        T0 + 120_000,
        'critical: overshoot',
        'mains above p97 (value 159 W, threshold 150 W, open)',
        'critical,open,overshoot',
        w.a.facility.name,
        159,
        150,
        'W',
      ],
    ]);
    const narrowed = await call<{ rows: unknown[] }[]>('POST', '/api/grafana/query', {
      range,
      targets: [{ target: 'alerts', refId: 'A', payload: { facility: w.shared.facility.id } }],
    });
    expect(narrowed.body[0]!.rows).toEqual([]);
    const foreign = await call('POST', '/api/grafana/query', {
      range,
      targets: [{ target: 'alerts', refId: 'A', payload: { facility: w.b.facility.id } }],
    });
    expect(foreign.status).toBe(404);
  });

  it("serves the provisioned dashboard's variable, panel and annotation requests", async () => {
    const d = JSON.parse(
      await readFile(new URL('../../../grafana/dashboards/loadscope-channels.json', import.meta.url), 'utf8'),
    ) as {
      templating: { list: { query: { query: string; format: string } }[] };
      annotations: { list: { target: { target: string; refId: string } }[] };
    };
    // The plugin's metricFindQuery: format 'string' wraps the query as { target }.
    const v = d.templating.list[0]!.query;
    expect(v.format).toBe('string');
    const options = await call<{ __value: string }[]>('POST', '/api/grafana/variable', {
      payload: { target: v.query },
      range,
    });
    expect(options.status).toBe(200);
    expect(options.body.length).toBeGreaterThan(0);
    // A repeated panel gets one value of $channel, regex-escaped.
    const panel = await call<{ datapoints: unknown[] }[]>('POST', '/api/grafana/query', {
      range,
      targets: [{ target: options.body[0]!.__value.replace(/[-.]/g, '\\$&'), refId: 'A', payload: {} }],
    });
    expect(panel.body[0]!.datapoints.length).toBeGreaterThan(0);
    const anno = d.annotations.list[0]!.target;
    const alerts = await call<{ rows: unknown[] }[]>('POST', '/api/grafana/query', {
      range,
      targets: [{ ...anno, payload: {} }],
    });
    expect(alerts.body[0]!.rows).toHaveLength(1);
  });
});

/** The provisioned Grafana files parse and point at the routes the API really serves. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const read = (p: string) => readFile(new URL(`../../grafana/${p}`, import.meta.url), 'utf8');

describe('grafana provisioning', () => {
  it('declares the JSON data source with a bearer header on /api/grafana', async () => {
    const ds = parse(await read('provisioning/datasources/loadscope.yaml')) as {
      datasources: Record<string, unknown>[];
    };
    expect(ds.datasources[0]).toMatchObject({
      uid: 'loadscope',
      type: 'simpod-json-datasource',
      url: '${LOADSCOPE_URL}/api/grafana',
      jsonData: { httpHeaderName1: 'Authorization', defaultEditorMode: 'code' },
      secureJsonData: { httpHeaderValue1: 'Bearer ${LOADSCOPE_TOKEN}' },
    });
  });
  it('pins the plugin version whose protocol the routes implement, in the provisioning and the docs', async () => {
    const pin = /simpod-json-datasource (\d+\.\d+\.\d+)/;
    const provisioned = pin.exec(await read('provisioning/datasources/loadscope.yaml'))?.[1];
    expect(provisioned).toMatch(/^0\.6\./);
    const docs = await readFile(new URL('../../docs/api.md', import.meta.url), 'utf8');
    expect(pin.exec(docs)?.[1]).toBe(provisioned);
    const routes = await readFile(new URL('./routes/grafana.ts', import.meta.url), 'utf8');
    expect(routes).toContain('simpod-json-datasource 0.6.x');
  });
  it('ships a dashboard whose panels and annotations use that data source', async () => {
    const d = JSON.parse(await read('dashboards/loadscope-channels.json')) as {
      uid: string;
      panels: { datasource: { uid: string }; targets: { target: string }[] }[];
      annotations: { list: { datasource: { uid: string }; target: { target: string } }[] };
    };
    expect(d.uid).toBe('loadscope-channels');
    for (const p of d.panels) {
      expect(p.datasource.uid).toBe('loadscope');
      expect(p.targets[0]!.target).toBe('$channel');
    }
    expect(d.annotations.list[0]!.datasource.uid).toBe('loadscope');
    expect(d.annotations.list[0]!.target.target).toBe('alerts');
  });
});

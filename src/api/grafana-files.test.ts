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
      jsonData: { httpHeaderName1: 'Authorization' },
      secureJsonData: { httpHeaderValue1: 'Bearer ${LOADSCOPE_TOKEN}' },
    });
  });
  it('ships a dashboard whose panels and annotations use that data source', async () => {
    const d = JSON.parse(await read('dashboards/loadscope-channels.json')) as {
      uid: string;
      panels: { datasource: { uid: string }; targets: { target: string }[] }[];
      annotations: { list: { datasource: { uid: string } }[] };
    };
    expect(d.uid).toBe('loadscope-channels');
    for (const p of d.panels) {
      expect(p.datasource.uid).toBe('loadscope');
      expect(p.targets[0]!.target).toBe('$channel');
    }
    expect(d.annotations.list[0]!.datasource.uid).toBe('loadscope');
  });
});

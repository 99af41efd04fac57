/**
 * The OpenAPI document of the whole application (every plugin's routes): every operation has a summary
 * and a tag other than "default" and documents its success response, time parameters say they take
 * ISO 8601 or UTC milliseconds, and the energy view's `from` is optional as the docs say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from './test-app.ts';

interface Operation {
  responses?: Record<string, unknown>;
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
}
type Doc = { paths: Record<string, Record<string, Operation>> };

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: Doc;

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.app.http.inject({ method: 'GET', url: '/api/docs/json' });
    doc = res.json<Doc>();
  }, 60_000);
  afterAll(async () => t?.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );

  it('gives every operation a summary and a tag', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(60);
    const missing = ops.filter(({ op }) => !op.summary || !op.tags?.length || op.tags.includes('default'));
    expect(missing.map((m) => m.key)).toEqual([]);
  });

  it('documents every from/to query parameter as ISO 8601 or UTC milliseconds (whole local days: ISO 8601 dates)', () => {
    const times = operations().flatMap(({ key, op }) =>
      (op.parameters ?? [])
        .filter((p) => p.in === 'query' && (p.name === 'from' || p.name === 'to'))
        .map((p) => ({ key, p })),
    );
    expect(times.length).toBeGreaterThanOrEqual(20);
    for (const { key, p } of times)
      expect(p.description, `${key} ${p.name}`).toMatch(/ISO 8601.*UTC milliseconds|an ISO 8601 local date/);
  });

  it('documents a success response of every operation (a 2xx with a body, 204, or the 101 of an upgrade)', () => {
    const undocumented = operations()
      .filter(
        ({ op }) =>
          !Object.entries(op.responses ?? {}).some(
            ([code, r]) =>
              code === '204' ||
              code === '101' ||
              (/^2\d\d$/.test(code) && (r as { content?: unknown }).content !== undefined),
          ),
      )
      .map(({ key }) => key)
      .sort();
    expect(undocumented).toEqual([]);
  });

  it("makes the energy view's range optional", () => {
    const op = doc.paths['/api/v1/facilities/{facilityId}/energy']!['get']!;
    expect(op.parameters!.filter((p) => p.in === 'query' && p.required).map((p) => p.name)).toEqual([]);
  });
});

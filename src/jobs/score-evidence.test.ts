/**
 * A product's evidence may hold values it could not compute (NaN, Infinity): they are stored as null
 * (JSON has neither) and the scores route answers them as null, rather than failing its response check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEEDED, startTestApp, type TestApp } from '../api/test-app.ts';

describe('score evidence with values a product could not compute', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers them as null', async () => {
    await t.app.store.scores.saveScores([
      {
        facilityId: SEEDED.facilityId,
        product: 'custom-gaps',
        version: '1',
        jobId: null,
        score: 42,
        label: 'ok',
        explanation: 'a custom product with gaps in its evidence',
        evidence: {
          figures: { ratio: Number.NaN, peak: 3.5 },
          series: [
            { name: 'weekly', unit: 'kWh', x: [1, 2, 3], y: [1, Number.POSITIVE_INFINITY, 3], kind: 'bar' },
          ],
        },
        params: {},
        computedAt: Date.now(),
      },
    ]);
    const res = await t.app.http.inject({
      method: 'GET',
      url: `/api/v1/facilities/${SEEDED.facilityId}/scores`,
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const [score] = res
      .json<{ product: string; evidence: unknown }[]>()
      .filter((s) => s.product === 'custom-gaps');
    expect(score?.evidence).toEqual({
      figures: { ratio: null, peak: 3.5 },
      series: [{ name: 'weekly', unit: 'kWh', x: [1, 2, 3], y: [1, null, 3], kind: 'bar' }],
    });
  });
});

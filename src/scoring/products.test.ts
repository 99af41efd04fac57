import { describe, expect, it } from 'vitest';
import { zoneOffset } from './calendar.ts';
import { computeFeatures } from './features.ts';
import { buildPeerTable, peersOf } from './peers.ts';
import { anomalousLoad } from './products/anomalous-load.ts';
import { loadShape } from './products/load-shape.ts';
import { peerComparison } from './products/peer-comparison.ts';
import { spikeFrequency } from './products/spike-frequency.ts';
import { applianceInventory } from './products/appliance-inventory.ts';
import { syntheticFacility } from './synthetic.ts';
import type { FacilityData } from './types.ts';

const START = Date.UTC(2024, 0, 1, 5); // 00:00 in New York
const base = { start: START, hours: 24 * 28, tz: 'America/New_York' };
const homes = Array.from({ length: 20 }, (_, i) =>
  syntheticFacility(`home-${i}`, 'home', { ...base, seed: i + 1, scale: 0.8 + (i % 5) * 0.1, alerts: i % 3 }),
);
const shop = syntheticFacility('shop', 'business', { ...base, seed: 99 });
const grow = syntheticFacility('grow', 'flat', { ...base, seed: 98 });
const busyHome = syntheticFacility('busy', 'home', { ...base, seed: 97, scale: 2.5, alerts: 30 });
const all = [...homes, shop, grow, busyHome];
const table = buildPeerTable(
  all.map((d) => ({ id: d.id, kind: d.kind, zip: d.zip, features: computeFeatures(d) })),
);
const score = (
  p: { score: (...a: never[]) => unknown; params: { parse(x: unknown): unknown } },
  d: FacilityData,
) =>
  (
    p.score as (
      d: FacilityData,
      f: unknown,
      g: unknown,
      p: unknown,
    ) => { score: number; label: string; explanation: string } | null
  )(d, computeFeatures(d), peersOf(table, d.kind, d.zip), p.params.parse({}));

describe('calendar', () => {
  it('follows daylight saving', () => {
    expect(zoneOffset('America/New_York', Date.UTC(2024, 0, 15))).toBe(-5 * 3600e3);
    expect(zoneOffset('America/New_York', Date.UTC(2024, 6, 15))).toBe(-4 * 3600e3);
    expect(zoneOffset('Europe/London', Date.UTC(2024, 6, 15))).toBe(3600e3);
  });
});

describe('features', () => {
  it('separates the shapes', () => {
    const h = computeFeatures(homes[0] as FacilityData);
    const s = computeFeatures(shop);
    const g = computeFeatures(grow);
    expect(s.businessShare).toBeGreaterThan(0.5);
    expect(h.businessShare).toBeLessThan(0.3);
    expect(s.weekendRatio).toBeLessThan(0.3);
    expect(g.flatness).toBeGreaterThan(0.7);
    expect(h.flatness).toBeLessThan(0.3);
    expect(g.dailyKwh).toBeCloseTo(72, 0);
  });
});

describe('built-in products', () => {
  it('load shape tells a shop from a home', () => {
    expect(score(loadShape, shop)?.label).toBe('commercial-like');
    expect(score(loadShape, homes[3] as FacilityData)?.label).toBe('residential-like');
    expect(score(loadShape, shop)?.explanation).toMatch(/% of the energy is used on weekdays 08-18/);
  });

  it('constant load ranks the flat 24/7 home first, the heavy home next, ordinary homes low', () => {
    const ranked = all
      .filter((d) => d.kind === 'residential')
      .map((d) => ({ id: d.id, s: score(anomalousLoad, d)?.score ?? 0 }))
      .sort((a, b) => b.s - a.s);
    expect(ranked[0]?.id).toBe('grow');
    expect(ranked[0]?.s).toBeGreaterThanOrEqual(90);
    expect(ranked.find((r) => r.id === 'home-0')?.s).toBeLessThan(20);
    expect(score(anomalousLoad, grow)?.label).toBe('anomalous: constant load');
  });

  it('peer comparison ranks by daily energy', () => {
    expect(score(peerComparison, busyHome)?.score).toBeGreaterThan(90);
    expect(score(peerComparison, homes[0] as FacilityData)?.score).toBeLessThan(50);
  });

  it('spike frequency flags a facility with many more alerts than peers', () => {
    expect(score(spikeFrequency, busyHome)?.label).toBe('frequent overshoots');
    expect(score(spikeFrequency, homes[1] as FacilityData)?.label).toBe('usual');
  });

  it('appliance inventory needs NILM results and scores unexplained energy', () => {
    expect(score(applianceInventory, homes[0] as FacilityData)).toBeNull();
    const withNilm: FacilityData = {
      ...grow,
      nilm: {
        method: 'test',
        appliances: [{ name: 'fridge', confidence: 0.9, kwhPerDay: 1.2 }],
        residualKwhPerDay: 70,
      },
    };
    const r = score(applianceInventory, withNilm);
    expect(r?.score).toBeGreaterThan(95);
    expect(r?.label).toBe('mostly unexplained load');
  });
});

describe('help texts', () => {
  // Analysts read these on the Scores page: statistics jargon must not leak into them (issue 14, item 21).
  const JARGON = /robust z|\bz\b|geometric mean|logistic|\bMAD\b|percentile rank|95th percentile/i;
  it('describe every product in plain words', () => {
    for (const p of [anomalousLoad, loadShape, peerComparison, spikeFrequency, applianceInventory])
      expect(p.description, p.name).not.toMatch(JARGON);
  });
  it('explain a constant-load score in plain words', () => {
    const text = score(anomalousLoad, grow)?.explanation ?? '';
    expect(text).toMatch(/Base load \d+ W against a peer median of \d+ W .*(above|below|typical)/);
    expect(text).not.toMatch(JARGON);
  });
});

describe('percentile', () => {
  it('equals the sorted definition with interpolation, ignoring NaN', async () => {
    const { percentile, percentileOfSorted } = await import('./stats.ts');
    const values = Array.from({ length: 1001 }, (_, i) => ((i * 7919) % 1009) / 3);
    values.push(Number.NaN, Number.POSITIVE_INFINITY);
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
    for (const p of [0, 1, 10, 33.3, 50, 95, 97, 99.9, 100])
      expect(percentile(values, p)).toBeCloseTo(percentileOfSorted(sorted, p), 10);
    expect(percentile([Number.NaN], 50)).toBeNaN();
    expect(percentile([5, 5, 5, 1], 50)).toBe(5);
  });
});

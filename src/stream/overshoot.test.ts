import { describe, expect, it } from 'vitest';
import { batchOf } from './batch.ts';
import { createOvershootProcessor } from './overshoot.ts';
import type { AlertSignal } from './signals.ts';

const opts = { minDurationMs: 30_000, hysteresis: 0.1, clearAfterMs: 20_000, severity: 'warning' as const };

function run(values: number[], stepMs = 10_000, threshold = 100): AlertSignal[] {
  const out: AlertSignal[] = [];
  const p = createOvershootProcessor(opts, (s) => out.push(s));
  p.setThresholds(new Map([['c1', threshold]]));
  p.process(batchOf(values.map((value, i) => ({ channelId: 'c1', ts: i * stepMs, value }))));
  return out;
}

describe('overshoot', () => {
  it('raises once after the minimum duration and ends after the clear time', () => {
    const s = run([50, 150, 160, 170, 180, 50, 50, 50, 50]);
    expect(s.map((x) => [x.type, x.ts])).toEqual([
      ['raise', 10_000],
      ['end', 50_000],
    ]);
    expect(s[0]!.value).toBe(170);
    expect(s[0]!.threshold).toBe(100);
  });

  it('ignores spikes shorter than the minimum duration', () => {
    expect(run([50, 150, 160, 50, 150, 50])).toEqual([]);
  });

  it('keeps one alert while the value jitters around the threshold (hysteresis)', () => {
    const s = run([150, 150, 150, 150, 95, 105, 95, 120, 95, 150, 150, 20, 20, 20]);
    expect(s.filter((x) => x.type === 'raise')).toHaveLength(1);
    expect(s.filter((x) => x.type === 'end')).toHaveLength(1);
  });

  it('skips late and duplicate readings and channels without a threshold', () => {
    const out: AlertSignal[] = [];
    const p = createOvershootProcessor(opts, (s) => out.push(s));
    p.setThresholds(new Map([['c1', 100]]));
    p.process(batchOf([0, 10, 20, 30, 40].map((t) => ({ channelId: 'c1', ts: t * 1000, value: 200 }))));
    expect(out).toHaveLength(1);
    // A replay of the same readings changes nothing.
    p.process(batchOf([0, 10, 20, 30, 40].map((t) => ({ channelId: 'c1', ts: t * 1000, value: 200 }))));
    p.process(
      batchOf([
        { channelId: 'other', ts: 0, value: 1e9 },
        { channelId: 'other', ts: 1e6, value: 1e9 },
      ]),
    );
    expect(out).toHaveLength(1);
    expect(p.openCount()).toBe(1);
  });

  it('finds injected overshoots in a synthetic fleet with recall >= 0.99 and precision >= 0.95', () => {
    // 200 channels, 6 h at 10 s; thresholds at p97 of a noisy baseline; 3 injected events per channel
    // (1.3x-3x the threshold for 2-10 min) plus short spikes under the minimum duration (must not alert).
    let seed = 42;
    const rnd = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const channels = 200;
    const step = 10_000;
    const steps = (6 * 3600_000) / step;
    const out: AlertSignal[] = [];
    const p = createOvershootProcessor({ ...opts, minDurationMs: 60_000, clearAfterMs: 30_000 }, (s) =>
      out.push(s),
    );
    const thresholds = new Map<string, number>();
    const truth: { channelId: string; from: number; to: number }[] = [];
    const rows: { channelId: string; ts: number; value: number }[] = [];
    for (let c = 0; c < channels; c++) {
      const id = `ch${c}`;
      const base = 200 + rnd() * 800;
      thresholds.set(id, base * 1.5);
      const events: [number, number, number][] = [];
      for (let e = 0; e < 3; e++) {
        const start = Math.floor((e * steps) / 3 + 20 + rnd() * (steps / 3 - 100));
        events.push([start, start + 12 + Math.floor(rnd() * 48), 1.3 + rnd() * 1.7]);
        truth.push({ channelId: id, from: start * step, to: (events[e]![1] + 1) * step });
      }
      for (let i = 0; i < steps; i++) {
        const ev = events.find(([a, b]) => i >= a && i <= b);
        let v = base * (1 + 0.2 * (rnd() - 0.5));
        if (ev) v = base * 1.5 * ev[2] * (1 + 0.05 * (rnd() - 0.5));
        else if (rnd() < 0.01) v = base * 3; // a short spike: one sample
        rows.push({ channelId: id, ts: i * step, value: v });
      }
    }
    p.setThresholds(thresholds);
    rows.sort((a, b) => a.ts - b.ts);
    for (let i = 0; i < rows.length; i += 5000) p.process(batchOf(rows.slice(i, i + 5000)));
    const raised = out.filter((s) => s.type === 'raise');
    const hit = (t: (typeof truth)[number]): boolean =>
      raised.some((r) => r.channelId === t.channelId && r.ts >= t.from && r.ts < t.to);
    const recall = truth.filter(hit).length / truth.length;
    const correct = raised.filter((r) =>
      truth.some((t) => r.channelId === t.channelId && r.ts >= t.from && r.ts < t.to),
    ).length;
    const precision = correct / raised.length;
    expect(recall).toBeGreaterThanOrEqual(0.99);
    expect(precision).toBeGreaterThanOrEqual(0.95);
  });
});

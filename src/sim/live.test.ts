import { describe, expect, it } from 'vitest';
import type { ReadingBatch } from '../domain/types.ts';
import { createFleet } from './fleet.ts';
import { createLiveFeed } from './live.ts';
import { generateReadings } from './readings.ts';

const DAY = 86_400_000;
const START = Date.UTC(2024, 4, 1, 22, 17); // not on a day or sample boundary

function key(b: ReadingBatch, i: number): string {
  return `${b.channelIds[b.channel[i] as number]}@${b.ts[i]}=${b.value[i]}`;
}

describe('createLiveFeed', () => {
  const fleet = createFleet({ seed: 8, meters: 12, applianceShare: 0.4, sampleMs: 60_000 });
  const step = new Map(fleet.channels.map((c) => [c.id, c.intervalMs as number]));

  it('backfills, then emits each reading once its interval has ended on the paced clock', async () => {
    let wall = 1_000_000;
    const speed = 600; // 10 simulated minutes per second
    const endAt = START + 5 * 3_600_000;
    const seen: string[] = [];
    let late = 0;
    for await (const b of createLiveFeed(fleet, {
      speed,
      startAt: START,
      backfillDays: 1,
      endAt,
      now: () => wall,
      sleep: async (ms) => {
        wall += ms;
      },
    })) {
      const simNow = START + (wall - 1_000_000) * speed;
      for (let i = 0; i < b.length; i++) {
        const t = b.ts[i] as number;
        if (t >= START && t + (step.get(b.channelIds[b.channel[i] as number] as string) as number) > simNow)
          late++;
        seen.push(key(b, i));
      }
    }
    expect(late).toBe(0);
    const expected: string[] = [];
    for await (const b of generateReadings(fleet, { from: START - DAY, to: endAt })) {
      for (let i = 0; i < b.length; i++) {
        const t = b.ts[i] as number;
        if (t < START || t + (step.get(b.channelIds[b.channel[i] as number] as string) as number) <= endAt)
          expected.push(key(b, i));
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(expected.sort());
  });

  it('paces in real time and stops when aborted', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    let readings = 0;
    setTimeout(() => ac.abort(), 1200);
    // 1 simulated hour per second.
    for await (const b of createLiveFeed(fleet, {
      speed: 3600,
      startAt: START,
      signal: ac.signal,
      tickMs: 100,
    }))
      readings += b.length;
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(1100);
    expect(elapsed).toBeLessThan(5000);
    // About 1.2 simulated hours: the 1-minute houses alone give far more than 0 and far less than a day.
    let perHour = 0;
    for await (const b of generateReadings(fleet, { from: START, to: START + 3_600_000 }))
      perHour += b.length;
    expect(readings).toBeGreaterThan(perHour * 0.5);
    expect(readings).toBeLessThan(perHour * 3);
  });

  it('runs as fast as possible with speed Infinity up to endAt', async () => {
    let n = 0;
    for await (const b of createLiveFeed(fleet, { speed: Infinity, startAt: START, endAt: START + 2 * DAY }))
      n += b.length;
    let expected = 0;
    for await (const b of generateReadings(fleet, { from: START, to: START + 2 * DAY })) expected += b.length;
    // Readings whose interval ends after endAt are not sent yet: at most one per channel fewer.
    expect(n).toBeLessThanOrEqual(expected);
    expect(n).toBeGreaterThanOrEqual(expected - fleet.channels.length);
  });
});

import { describe, expect, it } from 'vitest';
import { createFleet } from './fleet.ts';
import { generateReadings } from './readings.ts';
import { spikesBetween } from './truth.ts';

const DAY = 86_400_000;
const FROM = Date.UTC(2024, 6, 1);

/** Readings of a fleet as channel id -> (ts -> value). */
async function collect(
  fleet: ReturnType<typeof createFleet>,
  from: number,
  to: number,
): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>();
  for await (const b of generateReadings(fleet, { from, to })) {
    for (let i = 0; i < b.length; i++) {
      const id = b.channelIds[b.channel[i] as number] as string;
      let m = out.get(id);
      if (!m) out.set(id, (m = new Map()));
      m.set(b.ts[i] as number, b.value[i] as number);
    }
  }
  return out;
}

describe('appliance-level houses (seed 001)', () => {
  for (const sampleMs of [1000, 60_000, 3_600_000]) {
    it(`mains equals the sum of the appliance channels at every sample (${sampleMs / 1000} s)`, async () => {
      const fleet = createFleet({
        seed: 3,
        meters: sampleMs === 1000 ? 6 : 20,
        applianceShare: 1,
        businessShare: 0,
        gasShare: 0,
        waterShare: 0,
        unusualShare: 0.2,
        sampleMs,
      });
      const houses = fleet.sim.filter((m) => m.model.kind === 'house');
      expect(houses.length).toBeGreaterThan(0);
      const to = FROM + (sampleMs === 1000 ? DAY / 12 : 2 * DAY);
      const data = await collect(fleet, FROM, to);
      let samples = 0;
      for (const m of houses) {
        const chans = m.channels.map((k) => fleet.channels[k]!);
        const mains = data.get(chans[0]!.id)!;
        expect(chans[0]!.isMains).toBe(true);
        expect(mains.size).toBe((to - FROM) / sampleMs);
        for (const [ts, v] of mains) {
          let sum = 0;
          for (const c of chans.slice(1)) sum += data.get(c.id)!.get(ts)!;
          expect(v).toBe(sum);
          samples++;
        }
        // Plausible house: 3..80 kWh a day.
        let kwh = 0;
        for (const v of mains.values()) kwh += (v * sampleMs) / 3.6e9;
        const perDay = kwh / ((to - FROM) / DAY);
        expect(perDay).toBeGreaterThan(3);
        expect(perDay).toBeLessThan(200);
      }
      expect(samples).toBeGreaterThan(0);
    });
  }

  it('carries every injected spike in the data, channel and mains, as recorded in the truth', async () => {
    const fleet = createFleet({
      seed: 9,
      meters: 10,
      applianceShare: 1,
      businessShare: 0,
      gasShare: 0,
      waterShare: 0,
      spikesPerHouseDay: 2,
      minSpikeMs: 120_000,
    });
    const to = FROM + 3 * DAY;
    const spikes = spikesBetween(fleet, FROM, to);
    expect(spikes.length).toBeGreaterThan(10);
    const data = await collect(fleet, FROM, to);
    const rated = new Map(fleet.truth.applianceChannels.map((c) => [c.channelId, c.ratedW]));
    for (const s of spikes) {
      expect(s.end - s.start).toBeGreaterThanOrEqual(120_000);
      expect(s.peakW).toBeGreaterThanOrEqual(3 * rated.get(s.channelId)! - 1);
      const ch = data.get(s.channelId)!;
      const mains = data.get(`${s.meterId}.mains`)!;
      for (let t = Math.max(s.start, FROM); t < Math.min(s.end, to); t += 60_000) {
        expect(ch.get(t)!).toBeGreaterThanOrEqual(s.peakW);
        expect(mains.get(t)!).toBeGreaterThanOrEqual(s.peakW);
      }
    }
    // Without spikes the same fleet's channels never reach the recorded peaks at those times.
    const calm = await collect(
      createFleet({
        seed: 9,
        meters: 10,
        applianceShare: 1,
        businessShare: 0,
        gasShare: 0,
        waterShare: 0,
        spikesPerHouseDay: 0,
      }),
      FROM,
      to,
    );
    let below = 0;
    for (const s of spikes) if (calm.get(s.channelId)!.get(Math.max(s.start, FROM))! < s.peakW) below++;
    expect(below).toBe(spikes.length);
  });

  it('labels unusual homes and their load is visibly higher', async () => {
    const fleet = createFleet({
      seed: 21,
      meters: 200,
      businessShare: 0,
      gasShare: 0,
      waterShare: 0,
      applianceShare: 0.1,
      unusualShare: 0.1,
      heavyShare: 0,
    });
    const labels = fleet.truth.unusualFacilities;
    expect(labels.length).toBeGreaterThan(5);
    expect(new Set(labels.map((l) => l.label))).toEqual(new Set(['flat-24-7', 'commercial-hours']));
    const unusual = new Set(labels.map((l) => l.meterId));
    const data = await collect(fleet, FROM, FROM + 3 * DAY);
    const total = (meterId: string): number => {
      let s = 0;
      const m = fleet.sim.find((x) => x.meter.id === meterId)!;
      const ch = fleet.channels[m.channels[0]!]!;
      for (const v of data.get(ch.id)!.values()) s += ch.unit === 'W' ? (v * ch.intervalMs!) / 3.6e6 : v;
      return s / 1000;
    };
    const normal = fleet.meters
      .filter((m) => m.serviceType === 'electricity' && !unusual.has(m.id))
      .map((m) => total(m.id));
    const maxNormal = Math.max(...normal);
    for (const l of labels)
      expect(fleet.facilities.find((f) => f.id === l.facilityId)!.kind).toBe('residential');
    for (const l of labels.filter((x) => x.label === 'flat-24-7'))
      expect(total(l.meterId)).toBeGreaterThan(maxNormal);
  });
});

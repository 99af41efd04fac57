import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { createFleet } from './fleet.ts';
import { generateReadings } from './readings.ts';

const DAY = 86_400_000;
const FROM = Date.UTC(2024, 2, 9); // spans the US daylight-saving change of 10 March 2024

async function digest(seed: number, batchSize?: number): Promise<string> {
  const fleet = createFleet({ seed, meters: 40, applianceShare: 0.5, unusualShare: 0.1, heavyShare: 0.1 });
  const h = createHash('sha256');
  h.update(JSON.stringify([fleet.orgs, fleet.facilities, fleet.meters, fleet.channels, fleet.truth]));
  for await (const b of generateReadings(fleet, {
    from: FROM,
    to: FROM + 2 * DAY,
    ...(batchSize ? { batchSize } : {}),
  })) {
    for (let i = 0; i < b.length; i++)
      h.update(`${b.channelIds[b.channel[i] as number]},${b.ts[i]},${b.value[i]},${b.quality[i]}\n`);
  }
  return h.digest('hex');
}

describe('createFleet', () => {
  it('is deterministic for a seed, whatever the batch size, and differs between seeds', async () => {
    const a = await digest(42);
    expect(await digest(42, 1000)).toBe(a);
    expect(await digest(43)).not.toBe(a);
  });

  it('gives the same readings for a sub-day range as the same slice of whole days', async () => {
    const fleet = createFleet({
      seed: 6,
      meters: 20,
      applianceShare: 0.5,
      heavyShare: 0.2,
      spikesPerHouseDay: 3,
    });
    const from = FROM + 5 * 3_600_000 + 17 * 60_000 + 30_000;
    const to = FROM + DAY + 3 * 3_600_000 + 1;
    const collect = async (a: number, b: number): Promise<string[]> => {
      const out: string[] = [];
      for await (const x of generateReadings(fleet, { from: a, to: b })) {
        for (let i = 0; i < x.length; i++) {
          const t = x.ts[i] as number;
          if (t >= from && t < to) out.push(`${x.channelIds[x.channel[i] as number]}@${t}=${x.value[i]}`);
        }
      }
      return out.sort();
    };
    const part = await collect(from, to);
    expect(part.length).toBeGreaterThan(1000);
    expect(part).toEqual(await collect(FROM, FROM + 2 * DAY));
  });

  it('makes exactly the requested number of meters; a larger fleet extends a smaller one', () => {
    const small = createFleet({ seed: 5, meters: 30 });
    const large = createFleet({ seed: 5, meters: 300 });
    expect(small.meters).toHaveLength(30);
    expect(large.meters).toHaveLength(300);
    expect(large.meters.slice(0, 29)).toEqual(small.meters.slice(0, 29));
    expect(new Set(large.channels.map((c) => c.id)).size).toBe(large.channels.length);
    expect(new Set(large.meters.map((m) => m.serviceId)).size).toBe(large.meters.length);
    for (const c of large.channels) expect(c.name).toMatch(/^[a-z0-9_]+$/);
  });

  it('has businesses at 6.14 +/- 0.5 % of 100,000 facilities, with zip codes from the region', () => {
    const fleet = createFleet({ seed: 2024, meters: 100_000, gasShare: 0, waterShare: 0, applianceShare: 0 });
    expect(fleet.facilities).toHaveLength(100_000);
    const share = fleet.facilities.filter((f) => f.kind === 'commercial').length / fleet.facilities.length;
    expect(share).toBeGreaterThan(0.0564);
    expect(share).toBeLessThan(0.0664);
    const zips = new Set(fleet.options.region.zips);
    expect(
      fleet.facilities.every((f) => f.zip !== null && zips.has(f.zip) && f.address?.endsWith(f.zip)),
    ).toBe(true);
    const types = new Set(createFleet({ seed: 1, meters: 500 }).meters.map((m) => m.serviceType));
    expect([...types].sort()).toEqual(['electricity', 'gas', 'water']);
  });

  it('rejects bad options with the option named', () => {
    expect(() => createFleet({ seed: 1, meters: 0 })).toThrow(ConfigError);
    expect(() => createFleet({ seed: 1, meters: 10, sampleMs: 7000 })).toThrow(/sim\.sampleMs/);
    expect(() => createFleet({ seed: 1, meters: 10, businessShare: 2 })).toThrow(/sim\.businessShare/);
  });
});

/**
 * A fleet for the sharded batch's tests and bench, written the same to the store and to a lake: meters
 * spread over the lake's meter shards, facilities in several time zones (daylight saving included)
 * sharing zip codes across shards, power, interval and register channels, gaps and jittered steps.
 */
import type { Channel, Facility, Meter, ReadingBatch } from '../../domain/types.ts';
import type { Lake } from '../../lake/port.ts';
import type { Store } from '../../store/store.ts';

const ZONES = ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney'] as const;

/** Size of a fleet. */
export interface ShardFleetSize {
  facilities: number;
  /** Meters per facility (each meter lands in its own lake shard by its id). */
  metersPerFacility: number;
  /** First reading, UTC ms. */
  start: number;
  days: number;
  /** Step of the power channels, ms (interval and register channels read every 15 minutes). */
  stepMs: number;
}

/** The catalog of a fleet: one organisation `org-s`. */
export function shardFleetCatalog(size: ShardFleetSize): {
  facilities: Facility[];
  meters: Meter[];
  channels: Channel[];
} {
  const facilities: Facility[] = [];
  const meters: Meter[] = [];
  const channels: Channel[] = [];
  for (let f = 0; f < size.facilities; f++) {
    const fid = `sf-${f}`;
    facilities.push({
      id: fid,
      orgId: 'org-s',
      name: `Shard facility ${f}`,
      kind: 'residential',
      address: null,
      zip: f % 5 === 4 ? null : `Z${f % 3}`,
      timeZone: ZONES[f % ZONES.length]!,
      tags: [],
      createdAt: 0,
    });
    for (let m = 0; m < size.metersPerFacility; m++) {
      const mid = `${fid}-m${m}`;
      meters.push({
        id: mid,
        facilityId: fid,
        serviceType: 'electricity',
        utilityMeterNumber: null,
        serviceId: null,
        tariff: null,
        utility: null,
      });
      const base = { meterId: mid, appliance: null, maxGapMs: null, rolloverAt: null };
      const kind = (f + m) % 3;
      if (kind === 0)
        channels.push(
          {
            ...base,
            id: `${mid}-mains`,
            name: 'mains',
            isMains: true,
            measurement: 'power',
            unit: 'W',
            intervalMs: size.stepMs,
          },
          {
            ...base,
            id: `${mid}-fridge`,
            name: 'fridge',
            isMains: false,
            appliance: 'fridge',
            measurement: 'power',
            unit: 'W',
            intervalMs: size.stepMs,
          },
        );
      else if (kind === 1)
        channels.push({
          ...base,
          id: `${mid}-kwh`,
          name: 'mains',
          isMains: true,
          measurement: 'interval',
          unit: 'Wh',
          intervalMs: 900_000,
        });
      else
        channels.push({
          ...base,
          id: `${mid}-reg`,
          name: 'register',
          isMains: true,
          measurement: 'register',
          unit: 'Wh',
          intervalMs: 900_000,
          maxGapMs: 3_600_000,
          rolloverAt: 100_000,
        });
    }
  }
  return { facilities, meters, channels };
}

/** Seeds the catalog into the store. */
export async function seedShardFleet(store: Store, size: ShardFleetSize): Promise<Channel[]> {
  const c = shardFleetCatalog(size);
  await store.catalog.upsertOrganisations([{ id: 'org-s', name: 'Shards', createdAt: 0 }]);
  await store.catalog.upsertFacilities(c.facilities);
  await store.catalog.upsertMeters(c.meters);
  await store.catalog.upsertChannels(c.channels);
  return c.channels;
}

/** A deterministic pseudo-random number in [0, 1) from two integers. */
function noise(a: number, b: number): number {
  const x = Math.sin(a * 12.9898 + b * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

/**
 * One day of readings of `channel` (number `c` in the fleet) starting at `dayStart`: power with
 * jittered steps and a two-hour outage on some days, interval energy, and a register that rolls over.
 */
export function channelDay(channel: Channel, c: number, day: number, size: ShardFleetSize): ReadingBatch {
  const dayStart = size.start + day * 86_400_000;
  const step = channel.measurement === 'power' ? size.stepMs : 900_000;
  const ts: number[] = [];
  const value: number[] = [];
  const outage = (c + day) % 4 === 0 ? dayStart + 10 * 3_600_000 : -1;
  for (let t = dayStart, i = 0; t < dayStart + 86_400_000; t += step, i++) {
    if (outage >= 0 && t >= outage && t < outage + 7_200_000) continue;
    const jitter = channel.measurement === 'power' && i % 7 === 3 ? Math.floor(step / 3) : 0;
    const n = noise(c, day * 100_000 + i);
    ts.push(t + jitter);
    if (channel.measurement === 'power')
      value.push(channel.appliance ? (n < 0.2 ? 120 + 30 * n : 0) : 200 + 800 * n);
    else if (channel.measurement === 'interval') value.push(50 + 200 * n);
    else value.push(((day * 96 + i) * 137 + c * 1000) % 100_000);
  }
  const len = ts.length;
  return {
    channelIds: [channel.id],
    channel: new Int32Array(len),
    ts: Float64Array.from(ts),
    value: Float64Array.from(value),
    quality: new Uint8Array(len),
    length: len,
  };
}

/** Writes every day of every channel to the store and the lake (and publishes the lake's spools). */
export async function writeShardFleet(
  store: Store,
  lake: Lake,
  channels: readonly Channel[],
  size: ShardFleetSize,
): Promise<number> {
  let n = 0;
  for (let day = 0; day < size.days; day++)
    for (let c = 0; c < channels.length; c++) {
      const b = channelDay(channels[c]!, c, day, size);
      await store.readings.write(b);
      await lake.append(b);
      n += b.length;
    }
  await lake.flush();
  return n;
}

/** One day of every channel as one batch (the bench's bigger writes). */
export function fleetDay(channels: readonly Channel[], day: number, size: ShardFleetSize): ReadingBatch {
  const parts = channels.map((ch, c) => channelDay(ch, c, day, size));
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out: ReadingBatch = {
    channelIds: channels.map((c) => c.id),
    channel: new Int32Array(n),
    ts: new Float64Array(n),
    value: new Float64Array(n),
    quality: new Uint8Array(n),
    length: n,
  };
  let o = 0;
  parts.forEach((p, c) => {
    out.channel.fill(c, o, o + p.length);
    out.ts.set(p.ts, o);
    out.value.set(p.value, o);
    o += p.length;
  });
  return out;
}

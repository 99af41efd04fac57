/**
 * The live wire format (docs/realtime.md) from the simulator's side: topics per channel, JSON bodies,
 * and splitting a batch by organisation (a device of one organisation only publishes its own meters).
 */
import type { ReadingBatch } from '../../domain/types.ts';
import type { Fleet } from '../fleet.ts';

/** Per channel index: organisation id, and the single-reading topic `loadscope/<org>/<meter>/<channel>`. */
export interface ChannelRoutes {
  org: string[];
  topic: string[];
}

/** Precomputes the routes of every channel of `fleet` under `root` (default `loadscope`). */
export function channelRoutes(fleet: Fleet, root = 'loadscope'): ChannelRoutes {
  const org: string[] = [];
  const topic: string[] = [];
  fleet.channels.forEach((c, k) => {
    const sm = fleet.sim[fleet.channelMeter[k] as number];
    const o = sm ? (fleet.facilities[sm.facilityIndex]?.orgId ?? '') : '';
    org.push(o);
    topic.push(`${root}/${o}/${c.meterId}/${c.name}`);
  });
  return { org, topic };
}

/** One reading as JSON for a single-reading topic: `{"ts":..,"value":..}` (quality only when not 0). */
export function readingJson(ts: number, value: number, quality: number): string {
  return quality ? `{"ts":${ts},"value":${value},"quality":${quality}}` : `{"ts":${ts},"value":${value}}`;
}

/** Readings [from, to) of `b` as a JSON batch body `{"readings":[{"channel":..,"ts":..,"value":..}]}`. */
export function batchJson(b: ReadingBatch, idx: readonly number[]): string {
  const parts: string[] = [];
  for (const i of idx) {
    const q = b.quality[i] as number;
    parts.push(
      `{"channel":${JSON.stringify(b.channelIds[b.channel[i] as number])},"ts":${b.ts[i]},"value":${b.value[i]}${q ? `,"quality":${q}` : ''}}`,
    );
  }
  return `{"readings":[${parts.join(',')}]}`;
}

/** Indexes of the readings of `b` per organisation, in order, in chunks of at most `max`. */
export function chunksByOrg(
  b: ReadingBatch,
  routes: ChannelRoutes,
  max: number,
): { org: string; idx: number[] }[] {
  const open = new Map<string, number[]>();
  const out: { org: string; idx: number[] }[] = [];
  for (let i = 0; i < b.length; i++) {
    const org = routes.org[b.channel[i] as number] as string;
    let cur = open.get(org);
    if (!cur) open.set(org, (cur = []));
    cur.push(i);
    if (cur.length === max) {
      out.push({ org, idx: cur });
      open.set(org, []);
    }
  }
  for (const [org, idx] of open) if (idx.length) out.push({ org, idx });
  return out;
}

/** A sub-batch holding readings `idx` of `b`, with only the channels they use. */
export function subBatch(b: ReadingBatch, idx: readonly number[]): ReadingBatch {
  const map = new Map<number, number>();
  const channelIds: string[] = [];
  const n = idx.length;
  const out: ReadingBatch = {
    channelIds,
    channel: new Int32Array(n),
    ts: new Float64Array(n),
    value: new Float64Array(n),
    quality: new Uint8Array(n),
    length: n,
  };
  idx.forEach((i, j) => {
    const c = b.channel[i] as number;
    let local = map.get(c);
    if (local === undefined) {
      local = channelIds.length;
      map.set(c, local);
      channelIds.push(b.channelIds[c] as string);
    }
    out.channel[j] = local;
    out.ts[j] = b.ts[i] as number;
    out.value[j] = b.value[i] as number;
    out.quality[j] = b.quality[i] as number;
  });
  return out;
}

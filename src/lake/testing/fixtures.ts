/** Fixtures of the lake tests: a small fleet of channels in two organisations, and batches of it. */
import type { ReadingBatch } from '../../domain/types.ts';
import type { LakePlace } from '../port.ts';

/** Channel id -> organisation and meter. */
export const PLACES: ReadonlyMap<string, LakePlace> = new Map([
  ['a-m1-mains', { orgId: 'org-a', meterId: 'a-m1' }],
  ['a-m1-fridge', { orgId: 'org-a', meterId: 'a-m1' }],
  ['a-m2-mains', { orgId: 'org-a', meterId: 'a-m2' }],
  ['a-m3-mains', { orgId: 'org-a', meterId: 'a-m3' }],
  ['b-m1-mains', { orgId: 'org-b', meterId: 'b-m1' }],
  ['b-m2-mains', { orgId: 'org-b', meterId: 'b-m2' }],
]);

/** Every fixture channel id. */
export const CHANNELS: readonly string[] = [...PLACES.keys()];

/** The place of a fixture channel. */
export const placeOf = (id: string): LakePlace | undefined => PLACES.get(id);

/**
 * `perChannel` readings of each of `channels`, every `stepMs` from `start`, interleaved by time;
 * value = `valueBase` + reading number (so that a test can tell which copy of a reading it got).
 */
export function fleetBatch(
  channels: readonly string[],
  start: number,
  perChannel: number,
  stepMs: number,
  valueBase = 0,
): ReadingBatch {
  const n = channels.length * perChannel;
  const b: ReadingBatch = {
    channelIds: [...channels],
    channel: new Int32Array(n),
    ts: new Float64Array(n),
    value: new Float64Array(n),
    quality: new Uint8Array(n),
    length: n,
  };
  for (let i = 0; i < perChannel; i++)
    for (let c = 0; c < channels.length; c++) {
      const j = i * channels.length + c;
      b.channel[j] = c;
      b.ts[j] = start + i * stepMs;
      b.value[j] = valueBase + i;
      b.quality[j] = i % 4;
    }
  return b;
}

/**
 * Injected overshoot spikes (seed 001's real-time case): on a random appliance channel of a house, a
 * rectangle 3-6x the channel's rated power (so far above its p97) lasting at least the configured
 * minimum, aligned to the sampling grid so that every sample inside it carries the full spike.
 */
import { createRng, hash32 } from '../prng.ts';
import type { ApplianceName, HouseParams } from './appliances.ts';

/** One injected spike, as recorded in the ground truth. */
export interface Spike {
  channelId: string;
  meterId: string;
  /** First sample carrying the spike, UTC ms (inclusive). */
  start: number;
  /** End of the spike, UTC ms (exclusive); a multiple of the sampling interval after `start`. */
  end: number;
  /** Power added to the channel (and so to mains) during the spike, W. */
  peakW: number;
  /** peakW divided by the channel's rated power. */
  factor: number;
}

/** Spikes of one house for one local day [dayStart, dayEnd). */
export function spikesOfDay(args: {
  seed: number;
  meterIndex: number;
  localDay: number;
  dayStart: number;
  dayEnd: number;
  house: HouseParams;
  perDay: number;
  minSpikeMs: number;
  sampleMs: number;
  channelId: (appliance: ApplianceName) => string;
  meterId: string;
}): Spike[] {
  const { house, sampleMs } = args;
  if (args.perDay <= 0) return [];
  const rng = createRng(hash32(args.seed, args.meterIndex, args.localDay, 0x5b1e));
  const out: Spike[] = [];
  // A Poisson count by thinning: up to 4x the mean in small steps.
  const steps = Math.max(1, Math.ceil(args.perDay * 4));
  const minSamples = Math.max(1, Math.ceil(args.minSpikeMs / sampleMs));
  for (let i = 0; i < steps; i++) {
    if (!rng.chance(args.perDay / steps)) continue;
    const appliance = rng.pick(house.appliances);
    const rated = house.rated[appliance] ?? 100;
    const samples = minSamples + rng.int(minSamples * 2 + 1);
    const span = args.dayEnd - args.dayStart - samples * sampleMs;
    if (span <= 0) continue;
    // Align to the UTC sampling grid.
    const start = Math.ceil((args.dayStart + rng.range(0, span)) / sampleMs) * sampleMs;
    const factor = rng.range(3, 6);
    out.push({
      channelId: args.channelId(appliance),
      meterId: args.meterId,
      start,
      end: start + samples * sampleMs,
      peakW: Math.round(rated * factor),
      factor: Math.round(rated * factor) / rated,
    });
  }
  return out;
}

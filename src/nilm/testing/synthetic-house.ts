/**
 * A small simulated house with known truth for tests: target appliances with on/off (and multi-state)
 * cycles on top of a base load and non-target loads, so methods face a "rest of the house" too.
 */
import { mulberry32 } from '../../util/random.ts';
import type { HouseSeries } from '../types.ts';

/** Options of {@link syntheticHouse}. */
export interface SyntheticHouseOptions {
  seed: number;
  days: number;
  periodMs?: number;
  /** Scales every appliance's rating, to mimic another house's models (default 1). */
  ratingScale?: number;
}

/** Builds a house: kettle, microwave and washing machine as targets; a fridge, a toaster and lights as the rest. */
export function syntheticHouse(o: SyntheticHouseOptions): HouseSeries {
  const periodMs = o.periodMs ?? 30_000;
  const n = Math.round((o.days * 86_400_000) / periodMs);
  const r = mulberry32(o.seed);
  const k = o.ratingScale ?? 1;
  const perMin = 60_000 / periodMs;
  const kettle = new Float64Array(n);
  const microwave = new Float64Array(n);
  const washing = new Float64Array(n);
  const rest = new Float64Array(n);
  const place = (
    out: Float64Array,
    perDay: number,
    profile: (i: number) => number,
    length: () => number,
  ): void => {
    const count = Math.round(perDay * o.days);
    for (let c = 0; c < count; c++) {
      const start = Math.floor(r() * (n - 200));
      const len = length();
      for (let i = 0; i < len && start + i < n; i++) out[start + i] = Math.max(out[start + i]!, profile(i));
    }
  };
  place(
    kettle,
    6,
    () => 2600 * k,
    () => Math.round((2 + r() * 2) * perMin),
  );
  place(
    microwave,
    3,
    () => 1150 * k,
    () => Math.max(1, Math.round((1 + r() * 3) * perMin)),
  );
  place(
    washing,
    0.7,
    (i) => (i < 15 * perMin ? 2050 * k : 180 + 150 * Math.sin(i)),
    () => Math.round(60 * perMin),
  );
  // The rest of the house: a cycling fridge, a toaster, evening lights, and noise.
  place(
    rest,
    2,
    () => 800,
    () => Math.round((2 + r() * 2) * perMin),
  );
  place(
    rest,
    3,
    () => 1800,
    () => Math.round((8 + r() * 10) * perMin),
  );
  const mains = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const fridge = Math.floor(i / (20 * perMin)) % 2 === 0 ? 90 : 0;
    const lights = (i / perMin / 60) % 24 > 18 ? 150 : 0;
    rest[i]! += 120 + fridge + lights + (r() - 0.5) * 10;
    mains[i] = rest[i]! + kettle[i]! + microwave[i]! + washing[i]!;
  }
  return {
    name: `synthetic:${o.seed}`,
    t0: Date.UTC(2024, 0, 1),
    periodMs,
    length: n,
    mains,
    appliances: { kettle, microwave, washing_machine: washing },
    missing: { slots: n, mainsMissing: 0, zeroFilled: 0 },
  };
}

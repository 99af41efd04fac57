/**
 * Synthetic hourly load profiles for tests and benchmarks of the scoring layer (the fleet simulator makes
 * realistic fleets; these are small, fast and shaped to isolate one behaviour each).
 */
import { mulberry32 } from '../util/random.ts';
import { createLocalCalendar } from './calendar.ts';
import type { FacilityData } from './types.ts';

/** Profile shapes. */
export type SyntheticShape = 'home' | 'business' | 'flat';

/** Hourly energy (Wh) of one facility with the given shape, in UTC hours from `start`, local time `tz`. */
export function syntheticHourly(
  shape: SyntheticShape,
  opts: { start: number; hours: number; tz: string; seed: number; scale?: number },
): Float64Array {
  const rnd = mulberry32(opts.seed);
  const cal = createLocalCalendar()(opts.tz, opts.start, opts.hours);
  const scale = opts.scale ?? 1;
  const out = new Float64Array(opts.hours);
  for (let i = 0; i < opts.hours; i++) {
    const h = cal.hourOfDay[i] as number;
    const weekend = (cal.weekday[i] as number) >= 5;
    let w: number;
    if (shape === 'home') {
      // Base 200 W, morning and evening peaks, more at home on weekends.
      w =
        200 +
        (h >= 6 && h < 9 ? 700 : 0) +
        (h >= 17 && h < 23 ? 1200 : 0) +
        (weekend && h >= 9 && h < 17 ? 600 : 0);
    } else if (shape === 'business') {
      w = 400 + (!weekend && h >= 8 && h < 18 ? 4000 : 0);
    } else {
      w = 3000;
    }
    out[i] = w * scale * (0.85 + 0.3 * rnd());
  }
  return out;
}

/** A whole synthetic {@link FacilityData}. */
export function syntheticFacility(
  id: string,
  shape: SyntheticShape,
  opts: {
    start: number;
    hours: number;
    tz: string;
    seed: number;
    kind?: FacilityData['kind'];
    zip?: string;
    scale?: number;
    alerts?: number;
  },
): FacilityData {
  const cal = createLocalCalendar()(opts.tz, opts.start, opts.hours);
  return {
    id,
    name: id,
    kind: opts.kind ?? 'residential',
    zip: opts.zip ?? '10001',
    timeZone: opts.tz,
    start: opts.start,
    hourly: syntheticHourly(shape, opts),
    hourOfDay: cal.hourOfDay,
    weekday: cal.weekday,
    alerts: opts.alerts ?? 0,
    nilm: null,
  };
}

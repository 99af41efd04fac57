/**
 * Live NILM: mains readings arrive per facility; each is averaged into the model's sample period, and
 * when a period closes the model disaggregates a sliding window of recent periods. `latest()` gives the
 * breakdown of the newest closed period, so the delay is bounded by one period plus the compute, and
 * an event method's view of a load that is still running is provisional until its off edge is inside
 * the window (at most `windowMs`).
 */
import { InputError } from '../errors.ts';
import { getMethod } from './methods/registry.ts';
import type { NilmMethod, NilmModel } from './types.ts';

/** The newest appliance breakdown of one facility. */
export interface LiveBreakdown {
  facilityId: string;
  /** Start of the period the breakdown is for (UTC ms). */
  ts: number;
  /** Mean mains power of that period (W). */
  mains: number;
  /** Estimated power per appliance (W). */
  appliances: Record<string, number>;
  /** Mains minus the appliances (W). */
  residual: number;
}

/** Options of {@link createLiveNilm}. */
export interface LiveNilmOptions {
  model: NilmModel;
  /** Recent history each disaggregation looks at; default 2 hours. */
  windowMs?: number;
  /** Called with each new breakdown (e.g. by the stream layer to publish it). */
  onBreakdown?: (b: LiveBreakdown) => void;
}

/** Per-facility live disaggregation. */
export interface LiveNilm {
  /** Adds one mains reading (W) of a facility; readings older than the open period are dropped and counted. */
  push(facilityId: string, ts: number, mainsW: number): void;
  /** The newest breakdown of a facility, or undefined before its first period closes. */
  latest(facilityId: string): LiveBreakdown | undefined;
  /** Readings dropped as late (their period had closed). */
  readonly late: number;
  /** Facilities seen. */
  facilities(): string[];
  /** Drops a facility's state. */
  forget(facilityId: string): void;
}

interface FacilityState {
  /** Ring of period means, NaN where no reading came. */
  ring: Float64Array;
  /** Index of the newest closed period in the ring, and its start time. */
  head: number;
  headTs: number;
  /** The open period. */
  openTs: number;
  sum: number;
  count: number;
  latest: LiveBreakdown | undefined;
}

/** Creates the live disaggregator for one model. */
export function createLiveNilm(opts: LiveNilmOptions): LiveNilm {
  const { model } = opts;
  const method: NilmMethod | undefined = getMethod(model.method);
  if (!method) throw new InputError(`unknown NILM method '${model.method}'`, { field: 'model.method' });
  const period = model.periodMs;
  const size = Math.max(2, Math.round((opts.windowMs ?? 2 * 3_600_000) / period));
  const window = new Float64Array(size);
  const states = new Map<string, FacilityState>();
  let late = 0;

  const close = (facilityId: string, s: FacilityState): void => {
    const mean = s.count ? s.sum / s.count : NaN;
    // Periods skipped since the last one are gaps.
    const steps = s.headTs < 0 ? 1 : Math.round((s.openTs - s.headTs) / period);
    for (let k = 1; k < Math.min(steps, size); k++) s.ring[(s.head + k) % size] = NaN;
    s.head = (s.head + Math.min(steps, size)) % size;
    s.ring[s.head] = mean;
    s.headTs = s.openTs;
    if (Number.isNaN(mean)) return;
    for (let k = 0; k < size; k++) window[k] = s.ring[(s.head + 1 + k) % size]!;
    const d = method.disaggregate(model, window, { openEnd: true });
    const appliances: Record<string, number> = {};
    for (const a of model.appliances) appliances[a] = d.appliances[a]![size - 1]!;
    s.latest = { facilityId, ts: s.headTs, mains: mean, appliances, residual: d.residual[size - 1]! };
    opts.onBreakdown?.(s.latest);
  };

  return {
    push(facilityId, ts, mainsW) {
      const slot = Math.floor(ts / period) * period;
      let s = states.get(facilityId);
      if (!s) {
        s = {
          ring: new Float64Array(size).fill(NaN),
          head: size - 1,
          headTs: -1,
          openTs: slot,
          sum: 0,
          count: 0,
          latest: undefined,
        };
        states.set(facilityId, s);
      }
      if (slot < s.openTs) {
        late++;
        return;
      }
      if (slot > s.openTs) {
        close(facilityId, s);
        s.openTs = slot;
        s.sum = 0;
        s.count = 0;
      }
      if (Number.isFinite(mainsW)) {
        s.sum += mainsW;
        s.count++;
      }
    },
    latest: (facilityId) => states.get(facilityId)?.latest,
    get late() {
      return late;
    },
    facilities: () => [...states.keys()],
    forget(facilityId) {
      states.delete(facilityId);
    },
  };
}

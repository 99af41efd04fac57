/**
 * A value of a channel written with its unit, for alert messages and payloads read by people: power
 * and electric energy get k/M prefixes (`1.53 kW`, `1.53 kWh`), other units keep their own
 * (`0.42 m3`). Interval channels say what interval the energy is for (`1.53 kWh per 5 min`), because
 * "1.53 kWh" alone does not tell a 5-minute reading from a daily one.
 */
import type { Measurement, Unit } from './types.ts';

/** What a value's unit text needs to know about its channel. */
export interface QuantityOf {
  unit: Unit;
  measurement?: Measurement;
  /** The interval an interval channel's value covers, ms; null or absent when unknown. */
  intervalMs?: number | null;
}

const PREFIXED: Partial<Record<Unit, { base: 'W' | 'Wh'; scale: number }>> = {
  W: { base: 'W', scale: 1 },
  kW: { base: 'W', scale: 1e3 },
  Wh: { base: 'Wh', scale: 1 },
  kWh: { base: 'Wh', scale: 1e3 },
};

/** `value` in the channel's unit, with an SI prefix for W and Wh, e.g. `1.53 kWh per 5 min`. */
export function formatQuantity(value: number, of: QuantityOf): string {
  if (!Number.isFinite(value)) return `– ${of.unit}`;
  const p = PREFIXED[of.unit];
  let text: string;
  if (p) {
    const v = value * p.scale;
    const a = Math.abs(v);
    text =
      a >= 1e6
        ? `${trim(v / 1e6)} M${p.base}`
        : a >= 1e3
          ? `${trim(v / 1e3)} k${p.base}`
          : `${trim(v)} ${p.base}`;
  } else text = `${trim(value)} ${of.unit}`;
  return of.measurement === 'interval' && of.intervalMs ? `${text} per ${formatSpan(of.intervalMs)}` : text;
}

/** An interval length in the largest whole unit: `5 min`, `1 h`, `30 s`, `1 d`, else ms. */
export function formatSpan(ms: number): string {
  for (const [size, name] of [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ] as const)
    if (ms >= size && ms % size === 0) return `${ms / size} ${name}`;
  return `${ms} ms`;
}

/** Up to three significant figures past the point, without trailing zeros: 1.5, 1530, 0.042. */
function trim(v: number): string {
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return String(Number(v.toFixed(digits)));
}

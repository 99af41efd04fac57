/**
 * Geometry of the SVG bar charts (BarChart, StackedBarChart), apart from React so it can be tested:
 * category slots and which categories get a label, the value axis from zero up, and the two-signed
 * axis of stacked bars (energy used above the zero line, produced and sent away below it).
 */
import { niceTicks } from './axis.ts';

/** Space around the plot for axis labels, in px. */
export interface Pad {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** One horizontal grid line with its label. */
export interface AxisTick {
  /** Signed value (negative below the zero line). */
  value: number;
  y: number;
  label: string;
  /** The zero line of a two-signed axis (drawn as an axis, not a grid line). */
  zero: boolean;
}

/** Category slots across the plot, and every how many categories a label fits in `minLabelPx`. */
export function categorySlots(
  width: number,
  pad: Pad,
  count: number,
  minLabelPx: number,
): { plotW: number; slot: number; every: number } {
  const plotW = width - pad.left - pad.right;
  const n = Math.max(1, count);
  return { plotW, slot: plotW / n, every: Math.ceil(count / Math.max(1, Math.floor(plotW / minLabelPx))) };
}

/** A value axis from zero to the largest finite value, with round, distinctly labelled ticks. */
export function valueAxis(
  values: number[],
  format: (v: number) => string,
  pad: Pad,
  height: number,
): { ticks: AxisTick[]; y: (v: number) => number } {
  const { top, ticks } = niceTicks(Math.max(0, ...values.filter(Number.isFinite)), format);
  const plotH = height - pad.top - pad.bottom;
  const y = (v: number): number => pad.top + plotH - (Math.max(0, v) / top) * plotH;
  return { ticks: ticks.map((t) => ({ value: t, y: y(t), label: format(t), zero: false })), y };
}

/** A series of a stacked chart: `below` stacks downwards from the zero line. */
export interface StackInput {
  label: string;
  values: number[];
  color: string;
  below?: boolean;
}

/** The tallest stack of each sign (negative values count as none). */
export function stackTotals(count: number, series: StackInput[]): { up: number; down: number } {
  const sum = (below: boolean): number =>
    Math.max(
      0,
      ...Array.from({ length: count }, (_, i) =>
        series.filter((s) => !!s.below === below).reduce((a, s) => a + Math.max(0, s.values[i] ?? 0), 0),
      ),
    );
  return { up: sum(false), down: sum(true) };
}

/**
 * The two-signed axis: where zero sits (the larger side gets the larger share of the height, between
 * 30 % and 85 %), px per unit, and the ticks on both sides that fit in the plot (labels unsigned).
 */
export function signedAxis(
  totals: { up: number; down: number },
  format: (v: number) => string,
  pad: Pad,
  height: number,
): { zero: number; scale: number; ticks: AxisTick[] } {
  const { up, down } = totals;
  const { top, ticks } = niceTicks(Math.max(up, down), format);
  const plotH = height - pad.top - pad.bottom;
  const upShare = up + down > 0 ? Math.max(0.3, Math.min(0.85, up / (up + down))) : 1;
  const zero = pad.top + plotH * upShare;
  const scale = (plotH * Math.max(upShare, 1 - upShare)) / top;
  const tick = (value: number): AxisTick => ({
    value,
    y: zero - value * scale,
    label: format(Math.abs(value)),
    zero: value === 0,
  });
  const above = ticks.filter((t) => t > 0 && zero - t * scale >= pad.top - 1);
  const below = ticks.filter((t) => t > 0 && zero + t * scale <= pad.top + plotH + 1);
  return { zero, scale, ticks: [...above.map(tick), tick(0), ...below.map((t) => tick(-t))] };
}

/** One bar segment of a stack. */
export interface StackSegment {
  label: string;
  color: string;
  value: number;
  y: number;
  height: number;
}

/** The segments of category `i`, in series order, stacked away from the zero line on their side. */
export function stackSegments(series: StackInput[], i: number, zero: number, scale: number): StackSegment[] {
  let above = zero;
  let beneath = zero;
  const out: StackSegment[] = [];
  for (const s of series) {
    const value = Math.max(0, s.values[i] ?? 0);
    if (!(value > 0)) continue;
    const h = value * scale;
    const y = s.below ? beneath : above - h;
    if (s.below) beneath += h;
    else above -= h;
    out.push({ label: s.label, color: s.color, value, y, height: Math.max(0.5, h) });
  }
  return out;
}

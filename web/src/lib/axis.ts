/** uPlot axis helpers. */
import type uPlot from 'uplot';

/** An axis `size` function wide enough for its longest tick label (about 7 px per character at 12 px). */
export function fitLabels(u: uPlot, values: string[] | null): number {
  void u;
  const longest = (values ?? []).reduce((m, v) => Math.max(m, String(v).length), 0);
  return Math.max(48, Math.ceil(longest * 7.2) + 18);
}

/**
 * Round axis ticks (steps of 1, 2 or 5 times a power of ten) from 0 to at least `max`, coarsened
 * until every tick reads differently once formatted: a chart of a few watt-hours would otherwise
 * label 0.25, 0.5 and 0.75 Wh all as "1 Wh".
 */
export function niceTicks(max: number, format: (v: number) => string): { top: number; ticks: number[] } {
  const span = max > 0 && Number.isFinite(max) ? max : 1;
  const raw = span / 4;
  const first = 10 ** Math.floor(Math.log10(raw));
  let fallback: { top: number; ticks: number[] } | null = null;
  for (let pow = first, decade = 0; decade < 12; decade++, pow *= 10) {
    for (const m of [1, 2, 5]) {
      const step = m * pow;
      if (step < raw * (1 - 1e-9)) continue;
      const top = Math.ceil(span / step - 1e-9) * step;
      const ticks: number[] = [];
      for (let i = 0; i * step <= top * (1 + 1e-9); i++) ticks.push(i * step);
      const labels = ticks.map(format);
      if (new Set(labels).size === labels.length) return { top, ticks };
      fallback ??= { top, ticks };
    }
  }
  return fallback ?? { top: span, ticks: [0, span] };
}

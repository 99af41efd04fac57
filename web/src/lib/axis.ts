/** uPlot axis helpers. */
import type uPlot from 'uplot';

/** An axis `size` function wide enough for its longest tick label (about 7 px per character at 12 px). */
export function fitLabels(u: uPlot, values: string[] | null): number {
  void u;
  const longest = (values ?? []).reduce((m, v) => Math.max(m, String(v).length), 0);
  return Math.max(48, Math.ceil(longest * 7.2) + 18);
}

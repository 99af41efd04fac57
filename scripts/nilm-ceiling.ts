/**
 * How far can a segment method get on an appliance at 30 s? The upper bound per REFIT test house:
 * every segment the segmenter finds is labelled by the house's own sub-meters (no classifier error at
 * all), the appliance's segments are painted, and on/off F1 is scored. Runs the one-to-one pairing
 * and the pairing that splits shared edges (eventsig's).
 * Usage: npx tsx scripts/nilm-ceiling.ts [appliance] (default microwave); needs ../shared/data.
 */
import { join } from 'node:path';
import { loadRefit } from '../src/nilm/data/refit.ts';
import { detectEdges, paintSegment, pairSegments, type Segment } from '../src/nilm/methods/edges.ts';
import { labelSegment } from '../src/nilm/methods/eventsig.ts';
import { pairSegmentsCombined } from '../src/nilm/methods/pairing.ts';
import type { HouseSeries } from '../src/nilm/types.ts';

const APPLIANCES = ['kettle', 'dishwasher', 'washing_machine', 'microwave'];
const PERIOD_MS = 30_000;
const EDGE = { noise: 30, minEdge: 400, maxDuration: 200, ratio: [0.6, 1.6] as const };

/** On/off F1 (10 W) of the appliance when the chosen segments are painted. */
function f1(h: HouseSeries, segments: Segment[], chosen: boolean[], appliance: string): number {
  const out = new Float64Array(h.length);
  segments.forEach((s, i) => chosen[i] && paintSegment(h.mains, s, out));
  const g = h.appliances[appliance]!;
  let [tp, fp, fn] = [0, 0, 0];
  for (let i = 0; i < h.length; i++) {
    if (Number.isNaN(h.mains[i]!) || Number.isNaN(g[i]!)) continue;
    const [on, said] = [g[i]! >= 10, out[i]! >= 10];
    if (on && said) tp++;
    else if (said) fp++;
    else if (on) fn++;
  }
  return (2 * tp) / (2 * tp + fp + fn);
}

const appliance = process.argv[2] ?? 'microwave';
const dataDir = process.env['LOADSCOPE_DATA_DIR'] ?? join(import.meta.dirname, '../../shared/data');
for (const house of [20, 2]) {
  const h = await loadRefit({
    dataDir,
    house,
    from: Date.parse('2014-10-01'),
    to: Date.parse('2015-01-01'),
    periodMs: PERIOD_MS,
  });
  const edges = detectEdges(h.mains, EDGE);
  for (const [name, segments] of [
    ['one-to-one pairing', pairSegments(h.mains, edges, EDGE)],
    ['pairing that splits shared edges', pairSegmentsCombined(h.mains, edges, EDGE)],
  ] as const) {
    const truth = segments.map((s) => labelSegment(h, s, APPLIANCES));
    const oracle = f1(
      h,
      segments,
      truth.map((t) => t === appliance),
      appliance,
    );
    console.log(
      `REFIT house ${house} 2014-10..12, ${appliance}, ${name}: F1 with every segment labelled by the sub-meters ${oracle.toFixed(2)}`,
    );
  }
}

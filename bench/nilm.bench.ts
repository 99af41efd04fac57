/**
 * NILM speed: training per house and disaggregating a house-month at 30 s (REFIT house 2) and at 3 s
 * (REDD house 3, repeated to 30 days), each as a ratio to one plain pass over the same data (read the
 * source file and sum the mains); and live NILM for 1,000 houses at one reading per second.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRedd3 } from '../src/nilm/data/redd.ts';
import { loadRefit } from '../src/nilm/data/refit.ts';
import { createLiveNilm } from '../src/nilm/live.ts';
import { METHOD_NAMES, METHODS } from '../src/nilm/methods/registry.ts';
import type { HouseSeries } from '../src/nilm/types.ts';
import { type Bench, type BenchRow, timeIt } from './harness.ts';

const dataDir = process.env['LOADSCOPE_DATA_DIR'] ?? join(import.meta.dirname, '../../shared/data');

function sumMains(h: HouseSeries): number {
  let s = 0;
  for (let i = 0; i < h.mains.length; i++) if (!Number.isNaN(h.mains[i]!)) s += h.mains[i]!;
  return s;
}

/** Repeats a house until it spans `length` samples (a month at 3 s from 13 days of REDD). */
function tile(h: HouseSeries, length: number): HouseSeries {
  const rep = (a: Float64Array): Float64Array => {
    const out = new Float64Array(length);
    for (let o = 0; o < length; o += a.length) out.set(a.subarray(0, Math.min(a.length, length - o)), o);
    return out;
  };
  const appliances: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(h.appliances)) appliances[k] = rep(v);
  return { ...h, length, mains: rep(h.mains), appliances };
}

async function methodRows(
  label: string,
  train: HouseSeries,
  test: HouseSeries,
  appliances: string[],
  baseline: { name: string; value: number },
  trainGoal: boolean,
  log: (l: string) => void,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const name of METHOD_NAMES) {
    const m = METHODS[name];
    const t = await timeIt(() => m.train([train], appliances));
    const d = await timeIt(() => m.disaggregate(t.result, test.mains));
    log(`${label} ${name}: train ${t.seconds.toFixed(2)} s, disaggregate ${d.seconds.toFixed(2)} s`);
    rows.push({
      name: `${label} ${name} train`,
      value: t.seconds,
      unit: 's',
      baseline,
      ratio: t.seconds / baseline.value,
      ...(trainGoal ? { goal: '< 5 s per house', met: t.seconds < 5 } : {}),
    });
    const coGoal =
      name === 'co' && label.startsWith('3s')
        ? { goal: '< 10 s for a house-month at 3 s', met: d.seconds < 10 }
        : {};
    rows.push({
      name: `${label} ${name} disaggregate`,
      value: d.seconds,
      unit: 's',
      baseline,
      ratio: d.seconds / baseline.value,
      ...coGoal,
    });
  }
  return rows;
}

const bench: Bench = {
  name: 'nilm',
  async run({ quick, log }) {
    if (!existsSync(join(dataDir, 'refit')) || !existsSync(join(dataDir, 'redd')))
      throw new Error(`shared data not found at ${dataDir}; set LOADSCOPE_DATA_DIR`);
    const rows: BenchRow[] = [];
    const appsRefit = ['kettle', 'dishwasher', 'washing_machine', 'microwave'];
    const days = quick ? 7 : 30;
    // 30 s: a REFIT house-month (train and test on the same house: this is about speed).
    const from = Date.UTC(2014, 4, 1);
    const to = from + days * 86_400_000;
    const plain30 = await timeIt(async () =>
      sumMains(await loadRefit({ dataDir, house: 2, from, to, periodMs: 30_000 })),
    );
    const refit = await loadRefit({ dataDir, house: 2, from, to, periodMs: 30_000 });
    rows.push(
      ...(await methodRows(
        `30s ${days}d`,
        refit,
        refit,
        appsRefit,
        { name: 'read+sum REFIT', value: plain30.seconds },
        true,
        log,
      )),
    );
    // 3 s: REDD house 3 (13.4 days of real 3 s data), repeated to a month for disaggregation.
    const appsRedd = ['fridge', 'dishwasher', 'microwave', 'washer_dryer'];
    const reddDays = 14;
    const plain3 = await timeIt(async () => sumMains(await loadRedd3(dataDir, 0, reddDays * 86_400, 3000)));
    const redd = await loadRedd3(dataDir, 0, reddDays * 86_400, 3000);
    const month = tile(redd, (days * 86_400_000) / 3000);
    const plainMonth = plain3.seconds * (month.length / redd.length);
    rows.push(
      ...(await methodRows(
        `3s ${days}d`,
        redd,
        month,
        appsRedd,
        { name: 'read+sum REDD (scaled to the month)', value: plainMonth },
        true,
        log,
      )),
    );
    // Live: 1,000 houses, one reading per second each, REFIT mains at staggered offsets.
    const houses = 1000;
    const seconds = quick ? 120 : 600;
    for (const name of ['co', 'eventsig'] as const) {
      const live = createLiveNilm({ model: METHODS[name].train([refit], appsRefit) });
      const t0 = Date.UTC(2024, 0, 1);
      const r = await timeIt(() => {
        for (let s = 0; s < seconds; s++)
          for (let h = 0; h < houses; h++) {
            const i = (Math.floor(s / 30) + h * 97) % refit.length;
            live.push(`h${h}`, t0 + s * 1000, refit.mains[i]!);
          }
      });
      const perSecond = (houses * seconds) / r.seconds;
      log(`live ${name}: ${houses} houses x ${seconds} s in ${r.seconds.toFixed(2)} s`);
      rows.push({
        name: `live ${name} 1000 houses @1 Hz`,
        value: perSecond,
        unit: 'readings/s',
        baseline: { name: 'needed', value: houses },
        ratio: perSecond / houses,
        goal: '>= 1,000 readings/s on one core',
        met: perSecond >= houses,
      });
    }
    return rows;
  },
};
export default bench;

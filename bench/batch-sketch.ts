/**
 * Sketch p97 against exact p97 on the simulated fleet (issue 12: "the sketch-based p97 is shown to
 * change no alert on the simulated fleet's truth"):
 *
 *   npx tsx bench/batch-sketch.ts [--meters 24] [--days 7] [--alert-days 2] [--appliance-share 1]
 *
 * The fleet of src/realtime/sim-recall.test.ts (seed 1, 3 spikes per house a day, 1-minute samples):
 * `--days` of history into a fresh DuckDB store, thresholds from the store's sketches
 * (`computeThresholds`, src/store/sql/rollups/sketch-sql.ts) and the exact p97 of the same readings (written
 * here, as quantile_cont: every active value sorted). Prints the largest and mean relative difference
 * over every channel with a threshold, then streams `--alert-days` more through the overshoot rule
 * once with each set of thresholds and compares the alerts: recall, precision, and the alerts raised
 * by one set and not the other.
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { exactActiveQuantile } from '../src/batch/test-support.ts';
import { createFleet, generateReadings } from '../src/sim/index.ts';
import { STORE_FACTORIES } from '../src/store/contract/factories.ts';
import { overshootRecall } from '../src/realtime/overshoot-recall.ts';

const { values: o } = parseArgs({
  options: {
    meters: { type: 'string', default: '24' },
    days: { type: 'string', default: '7' },
    'alert-days': { type: 'string', default: '2' },
    'appliance-share': { type: 'string', default: '1' },
  },
});
const DAY = 86_400_000;
const fleet = createFleet({
  seed: 1,
  meters: Number(o.meters),
  applianceShare: Number(o['appliance-share']),
  businessShare: 0,
  gasShare: 0,
  waterShare: 0,
  spikesPerHouseDay: 3,
  sampleMs: 60_000,
});
const from = Date.UTC(2025, 2, 3);
const histTo = from + Number(o.days) * DAY;
const to = histTo + Number(o['alert-days']) * DAY;
const t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
try {
  await t.store.catalog.upsertOrganisations(fleet.orgs);
  await t.store.catalog.upsertFacilities(fleet.facilities);
  await t.store.catalog.upsertMeters(fleet.meters);
  await t.store.catalog.upsertChannels(fleet.channels);
  const values = new Map<string, number[]>();
  let readings = 0;
  for await (const b of generateReadings(fleet, { from, to: histTo })) {
    await t.store.readings.write(b);
    for (let i = 0; i < b.length; i++) {
      const id = b.channelIds[b.channel[i]!]!;
      let v = values.get(id);
      if (!v) values.set(id, (v = []));
      v.push(b.value[i]!);
    }
    readings += b.length;
  }
  const t0 = performance.now();
  await t.store.rollups.computeThresholds({ percentile: 97, now: histTo });
  const seconds = (performance.now() - t0) / 1000;
  const sketch = new Map((await t.store.rollups.getThresholds('p97')).map((x) => [x.channelId, x.value]));
  const exact = new Map<string, number>();
  let maxRel = 0;
  let sumRel = 0;
  let same = 0;
  let worst = '';
  for (const [id, v] of sketch) {
    const e = exactActiveQuantile(values.get(id) ?? [], 0.97)!;
    exact.set(id, e);
    const rel = Math.abs(v - e) / e;
    if (rel > maxRel) [maxRel, worst] = [rel, `${id}: sketch ${v}, exact ${e}`];
    sumRel += rel;
    if (rel === 0) same++;
  }
  console.log(
    `${readings.toLocaleString('en-US')} readings of ${values.size} channels, ${sketch.size} thresholds from sketches in ${seconds.toFixed(2)} s`,
  );
  console.log(
    `sketch p97 against exact p97: largest relative difference ${(maxRel * 100).toFixed(4)} % (${worst}), ` +
      `mean ${((sumRel / sketch.size) * 100).toFixed(5)} %, ${same} of ${sketch.size} exact`,
  );

  const a = await overshootRecall(fleet, sketch, histTo, to);
  const b = await overshootRecall(fleet, exact, histTo, to);
  const onlySketch = [...a.alerts].filter((k) => !b.alerts.has(k));
  const onlyExact = [...b.alerts].filter((k) => !a.alerts.has(k));
  for (const [name, r] of [
    ['sketch', a],
    ['exact', b],
  ] as const)
    console.log(
      `${name} p97: ${r.alerts.size} alerts, ${r.spikes} spikes (${r.larger} larger than 1.5 x p97), recall ${r.recall.toFixed(3)}, precision ${r.precision.toFixed(3)}`,
    );
  console.log(
    `alerts raised with sketch p97 only: ${onlySketch.length} ${onlySketch.slice(0, 5).join(' ')}; with exact p97 only: ${onlyExact.length} ${onlyExact.slice(0, 5).join(' ')}`,
  );
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}`,
  );
} finally {
  await t.destroy();
}

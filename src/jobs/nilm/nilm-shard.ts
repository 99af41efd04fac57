/** Shard side of NILM jobs: disaggregates each staged facility's mains with the staged model. */
import { getMethod } from '../../nilm/methods/registry.ts';
import { applianceSeries, dailyEnergy, inventory } from '../../nilm/results.ts';
import type { ShardFn } from '../shard-registry.ts';
import { readMains, readModel, type NilmShardResult } from './nilm-io.ts';

const SERIES_PERIOD_MS = 900_000;

/** Runs one NILM shard; see {@link ShardFn}. */
export const runNilmShard: ShardFn = async (dir, index, _manifest, log) => {
  const [{ modelId, model }, { facilities, mains }] = await Promise.all([
    readModel(dir),
    readMains(dir, index),
  ]);
  const method = getMethod(model.method);
  if (!method) throw new Error(`model '${modelId}' uses unknown method '${model.method}'`);
  const results: NilmShardResult[] = [];
  const now = Date.now();
  for (const f of facilities) {
    const d = method.disaggregate(model, mains.subarray(f.offset, f.offset + f.length));
    results.push({
      facilityId: f.id,
      daily: dailyEnergy(d, f.t0, f.id, f.timeZone, modelId),
      inventory: inventory(d, f.id, modelId, now),
      series: applianceSeries(d, f.t0, f.id, Math.max(SERIES_PERIOD_MS, model.periodMs)).map((s) => ({
        appliance: s.appliance,
        t0: s.ts[0] ?? f.t0,
        periodMs: Math.max(SERIES_PERIOD_MS, model.periodMs),
        power: Array.from(s.power, (v) => (Number.isNaN(v) ? null : Math.round(v * 10) / 10)),
      })),
    });
  }
  log(`shard ${index}: disaggregated ${facilities.length} facilities with ${model.method} model ${modelId}`);
  return { results };
};

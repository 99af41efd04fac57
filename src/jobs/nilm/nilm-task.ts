/**
 * Coordinator side of NILM jobs: stages each facility's mains (from the store, on the model's grid) and stores
 * what the shards found: daily energy per appliance, the appliance inventory and 15-minute appliance series.
 */
import { loadFacility } from '../../nilm/data/store.ts';
import { InputError, NotFoundError } from '../../errors.ts';
import type { ApplianceSeries } from '../../store/ports/nilm.ts';
import type { JobTask } from '../task.ts';
import {
  writeMains,
  writeModel,
  type NilmJobParams,
  type NilmShardResult,
  type StagedMains,
} from './nilm-io.ts';

/** Builds the NILM task. */
export function createNilmTask(): JobTask {
  return {
    async stage({ store, dir, job, shards, log }) {
      const p = job.params as unknown as NilmJobParams;
      const stored = await store.nilm.getModel(p.modelId);
      if (!stored) throw new NotFoundError('NILM model', p.modelId);
      const facilities = p.facilityIds
        ? await Promise.all(
            p.facilityIds.map(async (id) => (await store.catalog.getFacility(id)) ?? missing(id)),
          )
        : await store.catalog.listFacilities({ orgId: job.orgId });
      const withMains = [];
      for (const f of facilities) {
        const channels = await store.catalog.listChannels({ facilityId: f.id });
        if (channels.some((c) => c.isMains && c.measurement === 'power')) withMains.push(f);
      }
      if (withMains.length === 0)
        throw new InputError('none of the facilities has a mains power channel to disaggregate', {
          field: 'facilities',
        });
      await writeModel(dir, p.modelId, stored.model);
      const per = Math.ceil(withMains.length / Math.max(1, Math.min(shards, withMains.length)));
      const labels: string[] = [];
      for (let s = 0; s * per < withMains.length; s++) {
        const part = withMains.slice(s * per, (s + 1) * per);
        const houses = [];
        for (const f of part)
          houses.push({ f, house: await loadFacility(store, f.id, p.from, p.to, stored.model.periodMs) });
        const total = houses.reduce((n, h) => n + h.house.length, 0);
        const mains = new Float64Array(total);
        let offset = 0;
        const staged: StagedMains[] = houses.map(({ f, house }) => {
          mains.set(house.mains, offset);
          const entry = { id: f.id, timeZone: f.timeZone, t0: house.t0, length: house.length, offset };
          offset += house.length;
          return entry;
        });
        await writeMains(dir, s, staged, mains);
        labels.push(
          `${part.length} ${part.length === 1 ? 'facility' : 'facilities'} (${part[0]?.id} .. ${part[part.length - 1]?.id})`,
        );
      }
      log(
        `staged ${withMains.length} of ${facilities.length} facilities (those with mains power) for model ${p.modelId} (${stored.method})`,
      );
      return labels;
    },
    async collect({ store }, outputs) {
      let facilities = 0;
      let days = 0;
      for (const out of outputs.values()) {
        for (const r of (out as { results: NilmShardResult[] }).results) {
          facilities++;
          days += r.daily.length;
          await store.nilm.upsertDailyEnergy(r.daily);
          await store.nilm.replaceInventory(r.facilityId, r.inventory);
          const series: ApplianceSeries[] = r.series.map((s) => ({
            facilityId: r.facilityId,
            appliance: s.appliance,
            ts: Float64Array.from(s.power, (_, i) => s.t0 + i * s.periodMs),
            power: Float64Array.from(s.power, (v) => (v === null ? Number.NaN : v)),
          }));
          await store.nilm.writeSeries(series);
        }
      }
      return `stored NILM results of ${facilities} facilities (${days} appliance-days)`;
    },
  };
}

function missing(id: string): never {
  throw new InputError(`facility '${id}' does not exist`, { field: 'facilities' });
}

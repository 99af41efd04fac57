/** {@link ScoringSources} over the store's rollups (batch layer), alerts (real-time layer) and NILM results. */
import type { ScoringSources } from './score-task.ts';
import type { NilmSummary } from './types.ts';

const HOUR = 3_600_000;

/** Reads scoring inputs through the store's repositories. */
export function createStoreScoringSources(): ScoringSources {
  return {
    async hourly(store, facilities, from, to) {
      const hours = Math.round((to - from) / HOUR);
      const out = new Map<string, Float64Array>();
      // One query per chunk of facilities (the caller chunks), rows ordered by facility and hour.
      const rows = await store.rollups.listRollups({
        level: 'facility',
        period: 'hour',
        facilityIds: facilities.map((f) => f.id),
        from,
        to,
        limit: facilities.length * (hours + 48) * 3,
      });
      for (const r of rows) {
        // Facility rows come per unit; scoring reads electricity (Wh).
        if (r.unit !== 'Wh' || !(r.coverage > 0)) continue;
        const i = Math.floor((r.start - from) / HOUR);
        if (i < 0 || i >= hours) continue;
        let values = out.get(r.key);
        if (!values) out.set(r.key, (values = new Float64Array(hours).fill(Number.NaN)));
        // A partly covered hour is scaled up to a full hour so gaps do not read as low use.
        values[i] = r.energy / Math.min(1, r.coverage);
      }
      return out;
    },
    async alerts(store, facilityIds, from, to) {
      const counts = new Map<string, number>();
      for (let i = 0; i < facilityIds.length; i += 500) {
        const alerts = await store.alerts.listAlerts({
          facilityIds: facilityIds.slice(i, i + 500),
          rule: 'overshoot',
          from,
          to,
          limit: 1_000_000,
        });
        for (const a of alerts) counts.set(a.facilityId, (counts.get(a.facilityId) ?? 0) + 1);
      }
      return counts;
    },
    async nilm(store, facilityIds) {
      const out = new Map<string, NilmSummary>();
      for (const id of facilityIds) {
        const inventory = await store.nilm.listInventory(id);
        if (inventory.length === 0) continue;
        const daily = await store.nilm.listDailyEnergy(id);
        const perAppliance = new Map<string, { wh: number; days: Set<string> }>();
        for (const d of daily) {
          const e = perAppliance.get(d.appliance) ?? { wh: 0, days: new Set<string>() };
          e.wh += d.energyWh;
          e.days.add(d.day);
          perAppliance.set(d.appliance, e);
        }
        // The inventory names the model that produced it (shared models have no facility).
        const model = await store.nilm.getModel(inventory[0]?.modelId ?? '');
        out.set(id, {
          method: model?.method ?? 'unknown method',
          appliances: inventory.map((item) => {
            const e = perAppliance.get(item.appliance);
            return {
              name: item.appliance,
              confidence: item.confidence,
              kwhPerDay: e && e.days.size ? e.wh / e.days.size / 1000 : 0,
            };
          }),
          // The product measures what the appliances leave unexplained against the facility's metered energy.
          residualKwhPerDay: 0,
        });
      }
      return out;
    },
  };
}

/** Tariff versions in words, one row each: what `loadscope tariffs list` and the API's list show. */
import type { StoredTariff } from '../store/ports/tariffs.ts';
import { tariffSchema, type Tariff, type TariffWindow } from './tariff.ts';

/** One tariff version as a row of plain values. */
export interface TariffSummary {
  name: string;
  commodity: string;
  validFrom: string;
  validTo: string | null;
  currency: string;
  unit: string;
  /** The energy price in words, e.g. `0.265 up to 250 kWh, then 0.285`. */
  energy: string;
  standingPerDay: number;
  /** The demand charge in words, or null. */
  demand: string | null;
  /** Where the CO2 comes from, or null. */
  carbon: string | null;
  default: boolean;
  /** The whole version as stored (null when it no longer validates). */
  tariff: Tariff | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A window in words: `weekdays 08-24, Jun-Sep`. */
export function windowText(w: TariffWindow): string {
  const hours = `${String(w.from).padStart(2, '0')}-${String(w.to).padStart(2, '0')}`;
  const days = w.days === 'all' ? '' : `${w.days} `;
  const months = w.months?.length ? `, ${w.months.map((m) => MONTHS[m - 1]).join('/')}` : '';
  return `${days}${hours}${months}`;
}

function energyText(t: Tariff): string {
  const e = t.energy;
  if (e.kind === 'flat') return `${e.rate}/${t.unit}`;
  if (e.kind === 'tou')
    return `${e.periods.map((p) => `${p.name} ${p.rate} (${windowText(p)})`).join('; ')}; otherwise ${e.otherwise}`;
  return e.tiers
    .map((x, i) =>
      x.upTo === undefined ? `${i ? 'then ' : ''}${x.rate}` : `${x.rate} up to ${x.upTo} ${t.unit}`,
    )
    .join(', ');
}

/** Summaries of stored versions, in the store's order. */
export function describeTariffs(stored: readonly StoredTariff[]): TariffSummary[] {
  return stored.map((s) => {
    const r = tariffSchema.safeParse(s.definition);
    const t = r.success ? r.data : null;
    return {
      name: s.name,
      commodity: s.commodity,
      validFrom: s.validFrom,
      validTo: s.validTo,
      currency: t?.currency ?? '',
      unit: t?.unit ?? '',
      energy: t ? energyText(t) : 'invalid: import again',
      standingPerDay: t?.standingPerDay ?? 0,
      demand: t?.demand
        ? `${t.demand.rate}/kW${t.demand.window ? ` (${windowText(t.demand.window)})` : ''}`
        : null,
      carbon:
        t?.co2PerUnit !== undefined
          ? `${t.co2PerUnit} kg/${t.unit}`
          : t?.region
            ? `region ${t.region}`
            : null,
      default: t?.default ?? false,
      tariff: t,
    };
  });
}

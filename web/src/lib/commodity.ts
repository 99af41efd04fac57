/**
 * Which commodity a rollup unit measures, so that pages never add or rank gas volumes and water
 * volumes against electric energy. Rollups carry only their unit: Wh is electricity (the store
 * normalises kWh to Wh), ft3 and therm are gas, L and gal are water, and m3 is taken as gas, the unit
 * the simulator and the utility importers give gas meters (water arrives in L or gal).
 */

/** The commodities, in the order pages list them. */
export const COMMODITIES = ['electricity', 'gas', 'water', 'other'] as const;
/** A commodity. */
export type Commodity = (typeof COMMODITIES)[number];

const BY_UNIT: Record<string, Commodity> = {
  Wh: 'electricity',
  kWh: 'electricity',
  m3: 'gas',
  ft3: 'gas',
  therm: 'gas',
  L: 'water',
  gal: 'water',
};

/** Title of a commodity for headings. */
export const COMMODITY_TITLE: Record<Commodity, string> = {
  electricity: 'Electricity',
  gas: 'Gas',
  water: 'Water',
  other: 'Other',
};

/** The commodity a unit measures (`other` for a unit it does not know). */
export function commodityOf(unit: string): Commodity {
  return BY_UNIT[unit] ?? 'other';
}

/** One group of rows that share a commodity and a unit. */
export interface CommodityGroup<T> {
  commodity: Commodity;
  unit: string;
  rows: T[];
}

/**
 * Splits rows by commodity and unit (two units of one commodity stay apart: they do not add up),
 * in the order of {@link COMMODITIES}, rows keeping their order.
 */
export function groupByCommodity<T extends { unit: string }>(rows: readonly T[]): CommodityGroup<T>[] {
  const groups = new Map<string, CommodityGroup<T>>();
  for (const r of rows) {
    const key = `${commodityOf(r.unit)}\u0000${r.unit}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { commodity: commodityOf(r.unit), unit: r.unit, rows: [] }));
    g.rows.push(r);
  }
  const rank = (c: Commodity) => COMMODITIES.indexOf(c);
  return [...groups.values()].sort((a, b) => rank(a.commodity) - rank(b.commodity));
}

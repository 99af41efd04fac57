/**
 * A facility's channels from the store as a house: mains channels (legs) are summed, and a slot missing
 * any leg is missing; sub-meters are keyed by their `appliance` label's key (`applianceKey`). Only power channels (W, kW) take part.
 */
import { applianceKey } from '../../domain/appliances.ts';
import type { Channel } from '../../domain/types.ts';
import { InputError } from '../../errors.ts';
import type { StorePort } from '../../store/store.ts';
import type { HouseSeries } from '../types.ts';
import { countMissing, createGrid } from './grid.ts';

/** Loads facility `facilityId` over [from, to) (UTC ms) onto a grid of `periodMs`. */
export async function loadFacility(
  store: StorePort<'catalog', 'listChannels'> & StorePort<'readings', 'readColumns'>,
  facilityId: string,
  from: number,
  to: number,
  periodMs: number,
): Promise<HouseSeries> {
  const channels = (await store.catalog.listChannels({ facilityId })).filter(
    (c) => c.measurement === 'power' && (c.unit === 'W' || c.unit === 'kW'),
  );
  const mainsChannels = channels.filter((c) => c.isMains);
  if (mainsChannels.length === 0)
    throw new InputError(`facility '${facilityId}' has no mains power channel (W or kW)`, {
      source: 'store',
    });
  // Keyed by appliance key, so `washing machine` (an importer's label) meets `washing_machine`.
  const keyOf = (c: Channel): string => (c.appliance ? applianceKey(c.appliance) : '');
  const names = [...new Set(['mains', ...channels.filter((c) => !c.isMains && keyOf(c) !== '').map(keyOf)])];
  const length = Math.floor((to - from) / periodMs);
  // Each channel on its own grid first, so that mains legs and same-label circuits add up per slot.
  const cols = names.map(() => new Float64Array(length).fill(NaN));
  const legs = new Uint8Array(length);
  for (const c of channels) {
    const target = c.isMains ? 0 : keyOf(c) !== '' ? names.indexOf(keyOf(c)) : -1;
    if (target < 0) continue;
    const grid = createGrid(from, periodMs, length, 1);
    const scale = c.unit === 'kW' ? 1000 : 1;
    const row = new Float64Array(1);
    const { ts, value } = await store.readings.readColumns(c.id, from, to);
    for (let i = 0; i < ts.length; i++) {
      row[0] = value[i]! * scale;
      grid.add(ts[i]!, row);
    }
    const col = grid.finish()[0]!;
    const acc = cols[target]!;
    for (let i = 0; i < length; i++) {
      const v = col[i]!;
      if (Number.isNaN(v)) continue;
      acc[i] = Number.isNaN(acc[i]!) ? v : acc[i]! + v;
      if (target === 0) legs[i]!++;
    }
  }
  // A slot where one mains leg is missing has no whole-house value: missing, not a partial sum.
  for (let i = 0; i < length; i++) if (legs[i]! < mainsChannels.length) cols[0]![i] = NaN;
  const appliances: Record<string, Float64Array> = {};
  names.slice(1).forEach((n, k) => (appliances[n] = cols[k + 1]!));
  const mains = cols[0]!;
  return {
    name: `store:${facilityId}`,
    t0: from,
    periodMs,
    length,
    mains,
    appliances,
    missing: { slots: length, mainsMissing: countMissing(mains), zeroFilled: 0 },
  };
}

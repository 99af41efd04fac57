/**
 * A home with rooftop PV and perhaps a battery, one UTC day at a time. The battery's state of charge
 * at the start of a day comes from running the day before from the reserve (a one-day warm-up), so
 * any day renders alone and gives the same values in any range or worker; the true state of charge
 * may therefore step at UTC midnight when the battery did not reach its reserve overnight, while
 * every step's flows still balance exactly.
 */
import { DAY_MS } from './calendar.ts';
import { type Battery, type HomeFlows, allocFlows, settle } from './battery.ts';
import { type PvArray, type Site, renderPv } from './pv.ts';

/** What a home with PV has on its roof and in its garage. */
export interface SolarHome {
  pv: PvArray;
  battery: Battery | null;
}

/** One UTC day of a solar home: the true load and PV, and the flows they settle into. */
export interface SolarDay {
  t0: number;
  stepMs: number;
  /** The home's consumption per step, Wh (what it would draw without PV). */
  load: Float64Array;
  /** PV generation per step, Wh. */
  pv: Float64Array;
  flows: HomeFlows;
}

/** How to get a day's load and air temperature (both on the day's sampling grid). */
export interface DayInputs {
  load(day: number): Float64Array;
  temp(day: number): Float32Array;
}

/** Renders UTC day `day` of `home` at `stepMs`. */
export function renderSolarDay(
  home: SolarHome,
  site: Site,
  stepMs: number,
  day: number,
  inputs: DayInputs,
): SolarDay {
  const n = DAY_MS / stepMs;
  const pvOf = (d: number): Float64Array => {
    const out = new Float64Array(n);
    renderPv(home.pv, site, d * DAY_MS, stepMs, inputs.temp(d), out);
    return out;
  };
  let soc = home.battery?.minSoc ?? 0;
  if (home.battery)
    soc = settle(inputs.load(day - 1), pvOf(day - 1), home.battery, stepMs, soc, allocFlows(n));
  const load = inputs.load(day);
  const pv = pvOf(day);
  const flows = allocFlows(n);
  settle(load, pv, home.battery, stepMs, soc, flows);
  return { t0: day * DAY_MS, stepMs, load, pv, flows };
}

/** Channel names of a solar home's electricity meter, in channel order. */
export function solarChannelNames(home: SolarHome): string[] {
  return home.battery
    ? ['grid_import', 'grid_export', 'pv', 'battery_charge', 'battery_discharge']
    : ['grid_import', 'grid_export', 'pv'];
}

/** The values of each channel of {@link solarChannelNames}, in the same order. */
export function solarChannelValues(d: SolarDay, battery: boolean): Float64Array[] {
  const base = [d.flows.gridImport, d.flows.gridExport, d.pv];
  return battery ? [...base, d.flows.charge, d.flows.discharge] : base;
}

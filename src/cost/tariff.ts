/**
 * Tariffs as data: what a meter's energy costs and what it emits. One tariff is one version of a named
 * price list, valid on local dates [validFrom, validTo) of the facility's time zone; the same name may
 * appear several times with adjoining dates (a price change). The schema is zod's, shared by the file
 * reader, the API and the store (which keeps a tariff as this JSON).
 */
import { z } from 'zod';
import { SERVICE_TYPES } from '../domain/types.ts';

const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a local date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'expected a date that exists');

const rate = z.number().finite().min(0, 'expected a price of 0 or more');

/** Days of the week a time-of-use period applies on. */
export const DAY_SETS = ['all', 'weekdays', 'weekends'] as const;

/** Local hours [from, to) on some days of some months (all months when none are given). */
const window = z
  .object({
    from: z.number().int().min(0).max(23),
    to: z.number().int().min(1).max(24),
    days: z.enum(DAY_SETS).default('all'),
    months: z.array(z.number().int().min(1).max(12)).min(1).optional(),
  })
  .refine((w) => w.to > w.from, { message: "expected 'to' after 'from' (local hours, 0-24)", path: ['to'] });

const touPeriod = window.and(z.object({ name: z.string().min(1), rate }));

const flat = z.object({ kind: z.literal('flat'), rate });
const tou = z.object({
  kind: z.literal('tou'),
  /** Checked in order; the first period whose window holds the hour gives the price. */
  periods: z.array(touPeriod).min(1),
  /** Price of an hour in no period. */
  otherwise: rate,
});
const tiered = z.object({
  kind: z.literal('tiered'),
  /** Blocks of the billing month, in order; each `upTo` is a running total in price units, the last has none. */
  tiers: z
    .array(z.object({ upTo: z.number().positive().optional(), rate }))
    .min(1)
    .superRefine((tiers, ctx) => {
      tiers.forEach((t, i) => {
        const last = i === tiers.length - 1;
        if (last && t.upTo !== undefined)
          ctx.addIssue({ code: 'custom', path: [i, 'upTo'], message: 'the last tier has no upTo' });
        if (!last && t.upTo === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [i, 'upTo'],
            message: 'expected upTo on every tier but the last',
          });
        const prev = tiers[i - 1]?.upTo;
        if (t.upTo !== undefined && prev !== undefined && t.upTo <= prev)
          ctx.addIssue({
            code: 'custom',
            path: [i, 'upTo'],
            message: `expected more than the previous tier's ${prev}`,
          });
      });
    }),
});

/** Price units a tariff can be written in, per commodity. */
export const PRICE_UNITS = {
  electricity: ['kWh'],
  gas: ['m3', 'ft3', 'ccf', 'therm'],
  water: ['m3', 'L', 'gal', 'ft3', 'ccf'],
} as const;

/** One tariff version, as written in a tariff file. */
export const tariffSchema = z
  .object({
    name: z.string().min(1),
    commodity: z.enum(SERVICE_TYPES),
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD or EUR'),
    /** What `rate` is per: kWh for electricity; m3, ft3, ccf or therm for gas; m3, L, gal, ft3 or ccf for water. */
    unit: z.string().default('kWh'),
    validFrom: localDate,
    /** Exclusive; open-ended when absent. */
    validTo: localDate.optional(),
    /** Fixed charge per local day (currency), whatever is used. */
    standingPerDay: rate.default(0),
    energy: z.discriminatedUnion('kind', [flat, tou, tiered]),
    /** Per kW of the highest hourly mean demand of the billing month (within `window` when given). */
    demand: z.object({ rate, window: window.optional() }).optional(),
    /**
     * Electricity: what each kWh exported to the grid earns (feed-in or net-metering credit), in the
     * same currency; the solar view's net cost is the import cost less export x this (docs/solar.md).
     */
    exportRate: rate.optional(),
    /** Grid-intensity region (electricity): the hourly profile the CO2 comes from. */
    region: z.string().min(1).optional(),
    /** kg CO2 per price unit (gas burnt, for instance); used instead of a region. */
    co2PerUnit: z.number().finite().min(0).optional(),
    /** Used for the organisation's meters of this commodity that name no tariff. */
    default: z.boolean().default(false),
  })
  .superRefine((t, ctx) => {
    const units: readonly string[] = PRICE_UNITS[t.commodity];
    if (!units.includes(t.unit))
      ctx.addIssue({
        code: 'custom',
        path: ['unit'],
        message: `expected one of ${units.join(', ')} for ${t.commodity}`,
      });
    if (t.validTo !== undefined && t.validTo <= t.validFrom)
      ctx.addIssue({
        code: 'custom',
        path: ['validTo'],
        message: `expected a date after validFrom ${t.validFrom}`,
      });
    if (t.exportRate !== undefined && t.commodity !== 'electricity')
      ctx.addIssue({
        code: 'custom',
        path: ['exportRate'],
        message: 'export prices apply to electricity only',
      });
    if (t.demand && t.commodity !== 'electricity')
      ctx.addIssue({ code: 'custom', path: ['demand'], message: 'demand charges apply to electricity only' });
  });

/** A validated tariff version. */
export type Tariff = z.infer<typeof tariffSchema>;
/** A time-of-use or demand window. */
export type TariffWindow = z.infer<typeof window>;

/** A tariff file: a list of tariff versions. */
export const tariffFileSchema = z.object({ tariffs: z.array(tariffSchema).min(1) });

/** Whether a local hour (date `YYYY-MM-DD`, hour 0-23) falls in a window. */
export function inWindow(w: TariffWindow, date: string, hour: number): boolean {
  if (hour < w.from || hour >= w.to) return false;
  const month = Number(date.slice(5, 7));
  if (w.months && !w.months.includes(month)) return false;
  if (w.days === 'all') return true;
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  const weekend = dow === 0 || dow === 6;
  return w.days === 'weekends' ? weekend : !weekend;
}

/** Whether a tariff version is valid on a local date. */
export function validOn(t: Tariff, date: string): boolean {
  return date >= t.validFrom && (t.validTo === undefined || date < t.validTo);
}

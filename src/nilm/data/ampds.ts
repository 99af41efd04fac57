/**
 * AMPds R1 hourly energy (Wh per hour, Unix seconds UTC). Average power over an hour in W equals the
 * hour's energy in Wh, so values pass through unchanged on a one-hour grid.
 */
import { join } from 'node:path';
import { AMPDS_LABELS, applianceKey } from '../../domain/appliances.ts';
import type { HouseSeries } from '../types.ts';
import { loadColumns } from './columns.ts';

/** AMPds circuits loaded as appliances; keys come from the importers' labels (`FGE` fridge). */
const APPLIANCE_CIRCUITS = ['FGE', 'FRE', 'DWE', 'CDE', 'CWE', 'HPE', 'WOE', 'TVE', 'EBE'] as const;

/** AMPds circuit codes -> `mains` or appliance key (`CWE` clothes washer -> `washing_machine`). */
export const AMPDS_COLUMNS: Record<string, string> = {
  M_E: 'mains',
  ...Object.fromEntries(APPLIANCE_CIRCUITS.map((c) => [c, applianceKey(AMPDS_LABELS[c]!)])),
};

/** Loads AMPds over [from, to) (UTC ms) onto a grid of `periodMs` (at least one hour). */
export function loadAmpds(dataDir: string, from: number, to: number, periodMs: number): Promise<HouseSeries> {
  return loadColumns({
    file: join(dataDir, 'ampds', 'AMPdsR1_1hr_Wh.csv'),
    columns: AMPDS_COLUMNS,
    time: (raw) => Number(raw) * 1000,
    scale: 1,
    from,
    to,
    periodMs: Math.max(periodMs, 3_600_000),
    name: `ampds ${new Date(from).toISOString().slice(0, 10)}..${new Date(to).toISOString().slice(0, 10)}`,
  });
}

/**
 * AMPds R1 hourly energy (Wh per hour, Unix seconds UTC). Average power over an hour in W equals the
 * hour's energy in Wh, so values pass through unchanged on a one-hour grid.
 */
import { join } from 'node:path';
import type { HouseSeries } from '../types.ts';
import { loadColumns } from './columns.ts';

/** AMPds circuit codes -> canonical appliance names. */
export const AMPDS_COLUMNS: Record<string, string> = {
  M_E: 'mains',
  FRE: 'fridge',
  DWE: 'dishwasher',
  CDE: 'clothes_dryer',
  CWE: 'washing_machine',
  HPE: 'heat_pump',
  WOE: 'wall_oven',
  TVE: 'tv',
  FGE: 'furnace',
  EBE: 'electronics_bench',
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

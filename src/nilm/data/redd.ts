/**
 * REDD house 3 (BaseNILM preparation): `seconds,mains,<19 circuits>` in W at 3 s, with real times
 * replaced by seconds from the start. The grid starts at the Unix epoch plus those seconds.
 */
import { join } from 'node:path';
import { applianceKey, REDD_LABELS } from '../../domain/appliances.ts';
import type { HouseSeries } from '../types.ts';
import { loadColumns } from './columns.ts';

/** REDD house 3 circuits loaded as appliances (the numbered sockets and lights are left out). */
const APPLIANCE_CIRCUITS = ['FRE', 'DWE', 'MIC', 'WDU', 'WAD', 'FUR', 'ELE', 'BAT', 'SMO'] as const;

/** REDD house 3 codes -> `mains` or appliance key (the two washer-dryer legs share a key and are summed). */
export const REDD3_COLUMNS: Record<string, string> = {
  mains: 'mains',
  ...Object.fromEntries(APPLIANCE_CIRCUITS.map((c) => [c, applianceKey(REDD_LABELS[c]!)])),
};

/** Loads REDD house 3 seconds [fromS, toS) onto a grid of `periodMs`. */
export function loadRedd3(
  dataDir: string,
  fromS: number,
  toS: number,
  periodMs: number,
): Promise<HouseSeries> {
  return loadColumns({
    file: join(dataDir, 'redd', 'house_3_relative_3s.csv.gz'),
    columns: REDD3_COLUMNS,
    time: (raw) => Number(raw) * 1000,
    scale: 1,
    from: fromS * 1000,
    to: toS * 1000,
    periodMs,
    name: `redd:3 ${fromS}s..${toS}s`,
  });
}

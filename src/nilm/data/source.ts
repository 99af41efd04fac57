/** Loads any experiment source (REFIT, REDD, AMPds, a user's CSV, the store) as a house on the requested grid. */
import { existsSync } from 'node:fs';
import { InputError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import type { HouseSource } from '../experiment.ts';
import type { HouseSeries } from '../types.ts';
import { loadAmpds } from './ampds.ts';
import { loadCsvHouse } from './csv.ts';
import { loadRedd3 } from './redd.ts';
import { loadRefit } from './refit.ts';
import { loadFacility } from './store.ts';

/** What loading needs besides the source. */
export interface LoadContext {
  /** Folder of the shared public data sets. */
  dataDir: string;
  /** Opens the store, only when a source needs it. */
  store?: () => Promise<Store>;
}

const ms = (d: string | Date): number => (typeof d === 'string' ? Date.parse(d) : d.getTime());

/** Loads one source; a missing data folder gives an error that says where it looked. */
export async function loadSource(src: HouseSource, periodMs: number, ctx: LoadContext): Promise<HouseSeries> {
  if (src.dataset !== 'store' && src.dataset !== 'csv' && !existsSync(ctx.dataDir))
    throw new InputError(`shared data folder not found; set LOADSCOPE_DATA_DIR`, { file: ctx.dataDir });
  switch (src.dataset) {
    case 'refit':
      return loadRefit({
        dataDir: ctx.dataDir,
        house: src.house,
        from: ms(src.from),
        to: ms(src.to),
        periodMs,
      });
    case 'redd':
      return loadRedd3(ctx.dataDir, src.fromSeconds, src.toSeconds, periodMs);
    case 'ampds':
      return loadAmpds(ctx.dataDir, ms(src.from), ms(src.to), periodMs);
    case 'csv':
      return loadCsvHouse(
        { ...src, from: ms(src.from), to: ms(src.to), scale: src.unit === 'kW' ? 1000 : 1 },
        periodMs,
      );
    case 'store': {
      if (!ctx.store) throw new InputError('a store source needs a store', { field: 'dataset' });
      return loadFacility(await ctx.store(), src.facility, ms(src.from), ms(src.to), periodMs);
    }
  }
}

/**
 * Loading prices into the store: tariff files (YAML/JSON) and grid-intensity CSVs, for one
 * organisation, then repricing its meters so that costs follow at once. Used by the CLI, the API and
 * `loadscope start` (the simulator's example prices).
 */
import { InputError } from '../errors.ts';
import type { StoredTariff } from '../store/ports/tariffs.ts';
import type { StorePort } from '../store/store.ts';
import { parseIntensityCsv, type IntensityRow } from './intensity.ts';
import { priceMeters, type PricingStore, type PricingSummary } from './price-meters.ts';
import { parseTariffText } from './tariff-file.ts';
import type { Tariff } from './tariff.ts';

/** A file's name and text. */
export interface PriceFile {
  name: string;
  text: string;
}

/** What an import stored. */
export interface PriceImport {
  tariffs: Tariff[];
  intensity: IntensityRow[];
  /** The repricing that followed, unless it was not asked for. */
  pricing?: PricingSummary;
}

/** Whether a file is a grid-intensity profile (CSV) rather than tariffs (YAML/JSON). */
export function isIntensityFile(name: string): boolean {
  return name.toLowerCase().endsWith('.csv');
}

/** The store as a price import calls it: it stores the files, then prices the meters. */
export type PriceImportStore = PricingStore & StorePort<'tariffs', 'putTariffs' | 'putIntensity'>;

/** Validates every file first (nothing is stored when one is bad), then stores them and reprices. */
export async function importPrices(
  store: PriceImportStore,
  orgId: string,
  files: PriceFile[],
  opts: { now: number; reprice?: boolean },
): Promise<PriceImport> {
  if (files.length === 0)
    throw new InputError('give at least one tariff file (YAML/JSON) or grid-intensity CSV');
  const tariffs: Tariff[] = [];
  const intensity: IntensityRow[] = [];
  for (const f of files)
    if (isIntensityFile(f.name)) intensity.push(...parseIntensityCsv(f.text, f.name));
    else tariffs.push(...parseTariffText(f.text, f.name));
  const stored = tariffs.map((t): StoredTariff => ({
    orgId,
    name: t.name,
    commodity: t.commodity,
    validFrom: t.validFrom,
    validTo: t.validTo ?? null,
    definition: t,
    importedAt: opts.now,
  }));
  await store.tariffs.putTariffs(stored);
  await store.tariffs.putIntensity(orgId, intensity);
  const result: PriceImport = { tariffs, intensity };
  if (opts.reprice !== false) result.pricing = await priceMeters(store, { orgIds: [orgId] });
  return result;
}

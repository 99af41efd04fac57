/**
 * The example prices shipped in examples/tariffs, loaded for the simulated fleet of `loadscope start`
 * when its organisation has no tariffs yet, so that costs and CO2 show without a setup step.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { importPrices, type PriceImportStore } from './import.ts';

const FOLDER = new URL('../../examples/tariffs/', import.meta.url);
/** The example files: tariffs for every simulator tariff name and New York's grid intensity. */
export const EXAMPLE_PRICE_FILES = ['con-edison.yaml', 'nyiso-intensity.csv'] as const;

/**
 * Loads the example prices into an organisation that has none (without repricing: the batch run that
 * follows prices the meters). Returns whether it loaded them.
 */
export async function loadExamplePrices(
  store: PriceImportStore,
  orgId: string,
  now: number,
): Promise<boolean> {
  if ((await store.tariffs.listTariffs(orgId)).length) return false;
  const files = await Promise.all(
    EXAMPLE_PRICE_FILES.map(async (name) => ({
      name: `examples/tariffs/${name}`,
      text: await readFile(fileURLToPath(new URL(name, FOLDER)), 'utf8'),
    })),
  );
  await importPrices(store, orgId, files, { now, reprice: false });
  return true;
}

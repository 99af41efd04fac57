import { readdir, readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, NotFoundError } from '../errors.ts';
import { anomalousLoad } from './products/anomalous-load.ts';
import { loadShape } from './products/load-shape.ts';
import { peerComparison } from './products/peer-comparison.ts';
import { spikeFrequency } from './products/spike-frequency.ts';
import { applianceInventory } from './products/appliance-inventory.ts';
import { parseSqlProduct, type SqlProduct } from './sql-product.ts';
import type { AnalyticProduct } from './types.ts';

/** A registered product: code that runs in shards, or SQL that runs in the store. */
export type RegisteredProduct =
  | {
      type: 'code';
      product: AnalyticProduct<never>;
      /** Module to import in a shard, for custom products. */ module: string | null;
    }
  | { type: 'sql'; product: SqlProduct };

/** The products Loadscope ships. */
export const BUILTIN_PRODUCTS: readonly AnalyticProduct<never>[] = [
  loadShape,
  anomalousLoad,
  peerComparison,
  spikeFrequency,
  applianceInventory,
] as unknown as AnalyticProduct<never>[];

/** Products by name: the built-ins plus custom ones loaded from a folder. */
export interface ProductRegistry {
  list(): RegisteredProduct[];
  get(name: string): RegisteredProduct | undefined;
  getOrThrow(name: string): RegisteredProduct;
}

/**
 * Builds the registry. Custom products come from `customDir`: each `.ts`, `.js` or `.mjs` file default-exports an
 * {@link AnalyticProduct}; each `.sql` file is a {@link SqlProduct}. A bad file fails with its path and reason.
 */
export async function createProductRegistry(
  opts: { customDir?: string | null } = {},
): Promise<ProductRegistry> {
  const byName = new Map<string, RegisteredProduct>();
  for (const p of BUILTIN_PRODUCTS) byName.set(p.name, { type: 'code', product: p, module: null });
  if (opts.customDir) {
    for (const entry of (await readdir(opts.customDir)).sort()) {
      const path = resolve(join(opts.customDir, entry));
      const ext = extname(entry);
      let registered: RegisteredProduct | undefined;
      if (ext === '.sql')
        registered = { type: 'sql', product: parseSqlProduct(await readFile(path, 'utf8'), path) };
      else if (['.ts', '.js', '.mjs'].includes(ext))
        registered = { type: 'code', product: await loadProductModule(path), module: path };
      if (!registered) continue;
      if (byName.has(registered.product.name))
        throw new InputError(`product '${registered.product.name}' is already defined`, { file: path });
      byName.set(registered.product.name, registered);
    }
  }
  return {
    list: () => [...byName.values()],
    get: (name) => byName.get(name),
    getOrThrow(name) {
      const p = byName.get(name);
      if (!p) throw new NotFoundError('analytic product', name);
      return p;
    },
  };
}

/** Imports a custom product module and checks its shape. */
export async function loadProductModule(path: string): Promise<AnalyticProduct<never>> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (cause) {
    throw new InputError(
      `cannot load product module: ${cause instanceof Error ? cause.message : String(cause)}`,
      { file: path },
      { cause },
    );
  }
  const p = mod.default as Partial<AnalyticProduct<never>> | undefined;
  for (const field of ['name', 'version', 'title', 'description'] as const) {
    if (typeof p?.[field] !== 'string')
      throw new InputError(`the default export needs a string '${field}'`, { file: path, field });
  }
  if (typeof p?.score !== 'function')
    throw new InputError("the default export needs a function 'score(data, features, peers, params)'", {
      file: path,
      field: 'score',
    });
  if (typeof (p.params as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
    throw new InputError("the default export needs 'params', a zod schema (z.object({...}))", {
      file: path,
      field: 'params',
    });
  }
  return p as AnalyticProduct<never>;
}

import { InputError } from '../errors.ts';

/**
 * A product written in SQL. It runs inside the store, against the table `scope_facilities(id)` holding the
 * facilities being scored and the store's own tables; it returns one row per facility with the columns
 * `facility_id`, `score` (0..100), `label` and `explanation`. Metadata comes from header comments:
 *   -- name: night-owl
 *   -- version: 1.0.0
 *   -- title: Night-time consumption
 *   -- description: Share of energy used between 00 and 05 local time.
 */
export interface SqlProduct {
  name: string;
  version: string;
  title: string;
  description: string;
  sql: string;
}

/** Parses a `.sql` product file; `file` names it in errors. */
export function parseSqlProduct(text: string, file: string): SqlProduct {
  const meta: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*--\s*(name|version|title|description)\s*:\s*(.+?)\s*$/.exec(line);
    if (m) meta[m[1] as string] = m[2] as string;
  }
  for (const field of ['name', 'version'] as const) {
    if (!meta[field])
      throw new InputError(`a SQL product needs a '-- ${field}: ...' header line`, { file, field });
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(meta['name'] as string)) {
    throw new InputError(`product name '${meta['name']}' must be lower-case letters, digits and dashes`, {
      file,
      field: 'name',
    });
  }
  const sql = text.trim().replace(/;\s*$/, '');
  if (!/\bselect\b/i.test(sql)) throw new InputError('a SQL product must be a SELECT query', { file });
  return {
    name: meta['name'] as string,
    version: meta['version'] as string,
    title: meta['title'] ?? (meta['name'] as string),
    description: meta['description'] ?? '',
    sql,
  };
}

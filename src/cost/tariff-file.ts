/**
 * Reads a tariff file (YAML or JSON): validates every version with zod and checks that versions of
 * one name do not overlap in time. Errors name the file and the field (`tariffs[2].energy.rate`).
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.ts';
import { tariffFileSchema, type Tariff } from './tariff.ts';

/** A zod issue path as `tariffs[2].energy.rate`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/** Validates a parsed tariff document. */
export function parseTariffs(raw: unknown, file: string): Tariff[] {
  const r = tariffFileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InputError(issue.message, { file, field: fieldPath(issue.path) });
  }
  checkOverlaps(r.data.tariffs, file);
  return r.data.tariffs;
}

/** Two versions of one name whose dates overlap would give an hour two prices. */
function checkOverlaps(tariffs: Tariff[], file: string): void {
  tariffs.forEach((t, i) => {
    tariffs.slice(0, i).forEach((o, j) => {
      if (o.name !== t.name) return;
      const overlap = t.validFrom < (o.validTo ?? '9999') && o.validFrom < (t.validTo ?? '9999');
      if (overlap)
        throw new InputError(
          `'${t.name}' from ${t.validFrom} overlaps tariffs[${j}] (${o.validFrom} to ${o.validTo ?? 'open'}); give the earlier version a validTo`,
          { file, field: `tariffs[${i}].validFrom` },
        );
    });
    if (
      tariffs.some(
        (o, j) => j < i && o.default && t.default && o.commodity === t.commodity && o.name !== t.name,
      )
    )
      throw new InputError(`only one ${t.commodity} tariff can be the default`, {
        file,
        field: `tariffs[${i}].default`,
      });
  });
}

/** Parses tariff text: JSON when the file name ends in `.json`, YAML otherwise. */
export function parseTariffText(text: string, file: string): Tariff[] {
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new InputError(
      `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${message}`,
      { file },
      { cause },
    );
  }
  return parseTariffs(raw, file);
}

/** Reads and validates a tariff file. */
export async function readTariffFile(path: string): Promise<Tariff[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputError('cannot read the tariff file', { file: path }, { cause });
  }
  return parseTariffText(text, path);
}

/**
 * What Grafana's JSON data source (simpod-json-datasource 0.6.x) sends in a target, decoded in one
 * place. The plugin interpolates dashboard variables in `target` with Grafana's `regex` format, so a
 * multi-value `$channel` arrives as `(id1|id2)` with regex metacharacters escaped, and in a builder
 * payload a multi-select arrives as an array of such strings.
 */
import { InputError } from '../../errors.ts';
import { type AdhocFilter, GRAFANA_TAG_KEYS, type GrafanaTagKey } from '../shapes/grafana.ts';

const unescapeRegex = (s: string) => s.replace(/\\(.)/g, '$1');

/**
 * The values of one interpolated variable: `(a|b)` -> [a, b], `a\.b` -> [a.b], `a` -> [a].
 * An empty string gives no value.
 */
export function expandVariable(raw: string): string[] {
  const s = raw.trim();
  if (s === '') return [];
  // A value's own parentheses arrive escaped, so unescaped outer ones are the multi-value group.
  if (s.startsWith('(') && s.endsWith(')') && !s.endsWith('\\)')) {
    // Split on '|' not preceded by a backslash (an escaped '|' belongs to a value).
    return s
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map(unescapeRegex)
      .filter(Boolean);
  }
  return [unescapeRegex(s)];
}

/** Values of a payload field that may be a string, an array of strings or absent. */
export function payloadValues(payload: unknown, name: string): string[] {
  if (payload === null || typeof payload !== 'object') return [];
  const v = (payload as Record<string, unknown>)[name];
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return expandVariable(v);
  if (Array.isArray(v)) return v.flatMap((x) => (typeof x === 'string' ? expandVariable(x) : []));
  throw new InputError(`expected a string or a list of strings, got ${typeof v}`, {
    field: `payload.${name}`,
  });
}

/** Facility attributes an ad hoc filter can test. */
export interface FilterableFacility {
  id: string;
  name: string;
  zip: string | null;
  kind: string;
}

/** The facility's value for a tag key. */
export function tagValue(f: FilterableFacility, key: GrafanaTagKey): string {
  if (key === 'facility') return f.name;
  if (key === 'zip') return f.zip ?? '';
  return f.kind;
}

/** True when the facility passes every ad hoc filter (`=`, `!=`, `=~`, `!~`); unknown keys are a 400. */
export function passesFilters(f: FilterableFacility, filters: readonly AdhocFilter[]): boolean {
  return filters.every((flt, i) => {
    if (!(GRAFANA_TAG_KEYS as readonly string[]).includes(flt.key)) {
      throw new InputError(`expected one of ${GRAFANA_TAG_KEYS.join(', ')}, got '${flt.key}'`, {
        field: `adhocFilters[${i}].key`,
      });
    }
    const v = tagValue(f, flt.key as GrafanaTagKey);
    switch (flt.operator) {
      case '=':
        return v === flt.value;
      case '!=':
        return v !== flt.value;
      case '=~':
      case '!~': {
        let re: RegExp;
        try {
          re = new RegExp(flt.value);
        } catch (cause) {
          throw new InputError(
            `not a valid regular expression: ${flt.value}`,
            {
              field: `adhocFilters[${i}].value`,
            },
            { cause },
          );
        }
        return re.test(v) === (flt.operator === '=~');
      }
      default:
        throw new InputError(`expected one of =, !=, =~, !~, got '${flt.operator}'`, {
          field: `adhocFilters[${i}].operator`,
        });
    }
  });
}

/** A label that tells facilities of the same name apart: "name (zip, id)". */
export function facilityLabel(f: FilterableFacility): string {
  return `${f.name} (${f.zip ? `${f.zip}, ` : ''}${f.id})`;
}

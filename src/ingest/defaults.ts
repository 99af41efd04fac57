/**
 * Per-format defaults: the facility a data set's file belongs to, its time zone and sampling. User
 * options always win over these.
 */
import { basename } from 'node:path';
import type { FacilityKind } from '../domain/types.ts';
import { slug } from './catalog.ts';
import type { ImportFormat, ImportOptions } from './types.ts';

/** Defaults for one file of one format. */
export interface FormatDefaults {
  opts: Partial<ImportOptions>;
  facility: string;
  kind: FacilityKind;
}

function stem(path: string): string {
  return basename(path.replace(/\/+$/, '')).replace(/(\.(csv|txt|dat|xml|json|gz))+$/i, '');
}

/** Defaults for `path` read as `format`. */
export function defaultsFor(format: ImportFormat, path: string): FormatDefaults {
  const name = stem(path);
  const house = /house_?(\d+)/i.exec(name)?.[1];
  switch (format) {
    case 'refit':
      return {
        opts: { tz: 'Europe/London', tsFormat: 'local', intervalMs: 30_000 },
        facility: house ? `refit-house${house}` : slug(name),
        kind: 'residential',
      };
    case 'ampds':
      return {
        opts: { tz: 'America/Vancouver', tsFormat: 'unix-s', intervalMs: 3_600_000 },
        facility: 'ampds',
        kind: 'residential',
      };
    case 'redd':
    case 'redd-relative':
    case 'redd-low-freq':
      return {
        opts: { tz: 'America/New_York', tsFormat: format === 'redd' ? 'local' : 'unix-s', intervalMs: 3_000 },
        facility: house ? `redd-house${house}` : slug(name),
        kind: 'residential',
      };
    case 'dsmr':
      // P1 telegrams date themselves (W/S flag); the facility's calendar is Dutch or Belgian.
      return {
        opts: { tz: 'Europe/Amsterdam' },
        facility: slug(name.replace(/^tcp:\/\//, 'p1-')),
        kind: 'residential',
      };
    case 'sml':
      // SML meters are German; files are dated by --start or on arrival, the calendar is the facility's.
      return {
        opts: { tz: 'Europe/Berlin' },
        facility: slug(name.replace(/^tcp:\/\//, 'sml-')),
        kind: 'residential',
      };
    default:
      return { opts: {}, facility: slug(name), kind: 'unknown' };
  }
}

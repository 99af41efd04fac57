/**
 * The wall clock of a zone at an instant, as fields and as the texts the pages and files use. Computed
 * from the zone's offset and UTC calendar fields, so it costs no Intl formatting per call.
 */
import { type OffsetAt, zoneOffsets } from './offsets.ts';

/** Wall-clock fields of an instant in one zone. */
export interface WallFields {
  year: number;
  /** 1..12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Monday .. 6 = Sunday. */
  weekday: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Reads the wall clock of one zone. */
export interface WallClock {
  readonly zone: string;
  readonly offsetAt: OffsetAt;
  fields(utc: number): WallFields;
  /** `2026-11-25`. */
  date(utc: number): string;
  /** `14:03:07`. */
  time(utc: number): string;
  /** `2026-11-25 14:03:07`. */
  dateTime(utc: number): string;
  /** `2026-11-25T14`, as the hourly rollups label their buckets. */
  hourLabel(utc: number): string;
}

/** The wall clock of `zone`; build once per zone. Throws RangeError for an unknown zone. */
export function wallClock(zone: string): WallClock {
  const offsetAt = zoneOffsets(zone);
  const fields = (utc: number): WallFields => {
    const d = new Date(utc + offsetAt(utc));
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: (d.getUTCDay() + 6) % 7,
    };
  };
  const date = (f: WallFields) => `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
  const time = (f: WallFields) => `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
  return {
    zone,
    offsetAt,
    fields,
    date: (utc) => date(fields(utc)),
    time: (utc) => time(fields(utc)),
    dateTime: (utc) => {
      const f = fields(utc);
      return `${date(f)} ${time(f)}`;
    },
    hourLabel: (utc) => {
      const f = fields(utc);
      return `${date(f)}T${pad(f.hour)}`;
    },
  };
}

import { parseWall, wallClock, wallToUtc, zoneOffsets } from '../../../src/util/time/index.ts';

/**
 * Which time zone the pages show times in, and formatting in it. Times used to be shown in whatever
 * zone a chart happened to use (the live chart, explore and alerts in the browser's, the heat map in
 * the facility's) without saying so. Now the user picks one of three and every chart names it:
 * - `facility`: the facility's own zone (local days, opening hours, the heat map's natural hours);
 * - `browser`: the zone of the user's computer;
 * - `utc`: UTC, to compare with logs and device clocks.
 * Pure functions here; the choice's storage and React hooks are in zone-choice.ts.
 */

/** The zones a user can choose, in the order the switch lists them. */
export const ZONE_CHOICES = ['facility', 'browser', 'utc'] as const;
/** A zone choice. */
export type ZoneChoice = (typeof ZONE_CHOICES)[number];

/** The choice named by a URL parameter or stored value, or undefined for anything else. */
export function parseZoneChoice(s: string | null | undefined): ZoneChoice | undefined {
  return ZONE_CHOICES.find((c) => c === s);
}

/** The browser's IANA zone (UTC where the browser does not say). */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * The IANA zone of a choice. Without a facility zone (a page across facilities) `facility` falls back
 * to the browser's zone, and the label says so.
 */
export function resolveZone(choice: ZoneChoice, facilityZone: string | undefined, browser: string): string {
  if (choice === 'utc') return 'UTC';
  if (choice === 'facility' && facilityZone) return facilityZone;
  return browser;
}

/** Formatting of instants in one zone; build once per zone (Intl formatters are costly to make). */
export interface ZoneFormat {
  zone: string;
  /** `2026-11-25 14:03:07`. */
  dateTime(ms: number): string;
  /** Local hour label `2026-11-25T14`, as the hourly rollups label their buckets. */
  hourLabel(ms: number): string;
  /** The zone's short name at an instant: `EST`, `GMT+1`, `UTC`. */
  short(ms: number): string;
}

/** Builds the formatting for `zone`. */
export function zoneFormat(zone: string): ZoneFormat {
  const clock = wallClock(zone);
  // Only the zone's name comes from Intl; the arithmetic is the time module's.
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
  return {
    zone,
    dateTime: clock.dateTime,
    hourLabel: clock.hourLabel,
    short: (ms) => name.formatToParts(ms).find((x) => x.type === 'timeZoneName')?.value ?? zone,
  };
}

/** The `datetime-local` input value (`2026-11-25T14:03:07`) of an instant, in the format's zone. */
export function toWallInput(ms: number, format: ZoneFormat): string {
  return format.dateTime(ms).replace(' ', 'T');
}

/**
 * The instant of a `datetime-local` value read as wall time in `zone`, or NaN when it is not one. A
 * wall time that does not exist (skipped by a spring-forward) moves forward by the gap; a repeated one
 * (fall-back) takes the first of its two instants (the time module's `compatible` rule).
 */
export function fromWallInput(value: string, zone: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return NaN;
  return wallToUtc(zoneOffsets(zone), parseWall(value), 'compatible');
}

/** How the label under a chart names its zone: `America/New_York (EST), the facility's time`. */
export function zoneCaption(choice: ZoneChoice, zone: string, short: string, hasFacility: boolean): string {
  const what =
    choice === 'utc'
      ? ''
      : choice === 'browser' || !hasFacility
        ? ", this browser's time"
        : ", the facility's time";
  return zone === 'UTC' ? `UTC${what}` : `${zone} (${short})${what}`;
}

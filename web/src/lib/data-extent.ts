/**
 * Where a view opens: on the present when a facility's data reaches it, else on the end of its data.
 * A history imported from last year used to open on an empty "today" (0 Wh) and an empty last 24 h
 * (0 buckets) although every reading was there, a year back.
 */

import type { DataExtent } from '../api/types.ts';
import { localDate } from './periods.ts';

/** One minute past the last reading: a view ending there includes it whatever its bucket alignment. */
const MARGIN_MS = 60_000;

/**
 * The end of a view of `spanMs`: `now` when the last reading falls inside the view ending now (or
 * there is none), else just after the last reading.
 */
export function viewEnd(lastTs: number | null | undefined, now: number, spanMs: number): number {
  if (lastTs === null || lastTs === undefined || lastTs >= now - spanMs) return now;
  return lastTs + MARGIN_MS;
}

/** The last reading among the given channels (all of the extent's when none is given), or null. */
export function lastReading(extent: DataExtent | undefined, channelIds?: readonly string[]): number | null {
  if (!extent) return null;
  if (!channelIds) return extent.to;
  let last: number | null = null;
  for (const c of extent.channels)
    if (c.to !== null && channelIds.includes(c.channelId) && (last === null || c.to > last)) last = c.to;
  return last;
}

const DAY_MS = 86_400_000;

/**
 * The end of the facility page's energy views: undefined (the present) when the data reaches the last
 * day, else just after the last reading, on the local day of that reading: one in a day's last minute
 * (REFIT's monthly files end at 23:59:30) must not move the views to the next, empty day.
 */
export function energyViewEnd(
  lastTs: number | null,
  now: number,
  zone: string | undefined,
): number | undefined {
  const end = viewEnd(lastTs, now, DAY_MS);
  if (lastTs === null || end === now) return undefined;
  return zone && localDate(end, zone) !== localDate(lastTs, zone) ? lastTs + 1 : end;
}

/**
 * The UTC offset of an IANA time zone at an instant, from Intl. Each call of {@link zoneOffsetFn} makes one
 * formatter (they are costly to build); callers keep the returned function and cache offsets as they need.
 */

/** A function giving the offset of `timeZone` (local minus UTC, ms) at a UTC instant (ms). */
export function zoneOffsetFn(timeZone: string): (ts: number) => number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  return (ts) => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(ts)))
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    const local = Date.UTC(
      p['year'] ?? 1970,
      (p['month'] ?? 1) - 1,
      p['day'] ?? 1,
      p['hour'] ?? 0,
      p['minute'] ?? 0,
    );
    return local - Math.floor(ts / 60_000) * 60_000;
  };
}

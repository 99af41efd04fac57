/**
 * UK wall-clock time to UTC. REFIT stamps are local UK time; British Summer Time runs from 01:00 UTC on
 * the last Sunday of March to 01:00 UTC on the last Sunday of October (since 1996).
 */

const cache = new Map<number, [number, number]>();

function lastSundayUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/** Converts UK local `YYYY-MM-DD HH:MM:SS` fields (already parsed as if UTC) to real UTC ms. */
export function londonLocalToUtc(localAsUtc: number): number {
  const year = new Date(localAsUtc).getUTCFullYear();
  let bst = cache.get(year);
  if (!bst) {
    bst = [lastSundayUtc(year, 2), lastSundayUtc(year, 9)];
    cache.set(year, bst);
  }
  // In summer the wall clock is one hour ahead of UTC; compare in wall-clock terms.
  const summer = localAsUtc >= bst[0] + 3_600_000 && localAsUtc < bst[1] + 3_600_000;
  return summer ? localAsUtc - 3_600_000 : localAsUtc;
}

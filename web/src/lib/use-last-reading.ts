/**
 * The last reading among chosen channels, from the data extents of their facilities (one request
 * per facility): explore opens there when it is older than the span shown.
 */
import { useMemo } from 'react';
import type { Api } from '../api/endpoints.ts';
import type { FacilityDetail } from '../api/types.ts';
import { lastReading } from './data-extent.ts';
import { useLoad } from './use-load.ts';

/** The last reading (UTC ms), null without readings, undefined while unknown. */
export function useLastReading(
  api: Api,
  catalog: FacilityDetail[] | undefined,
  channelIds: readonly string[],
): number | null | undefined {
  const facilityIds = useMemo(() => {
    const ids = new Set<string>();
    for (const d of catalog ?? [])
      if (d.channels.some((c) => channelIds.includes(c.id))) ids.add(d.facility.id);
    return [...ids].sort().join(',');
  }, [catalog, channelIds]);
  // The answer carries the facilities it is for: a load keeps its previous answer while the next
  // runs, and extents of no facility (before the catalog came) must not pass for "no readings".
  const extents = useLoad(
    async () => ({
      facilityIds,
      extents: await Promise.all(facilityIds ? facilityIds.split(',').map((id) => api.extent(id)) : []),
    }),
    [api, facilityIds],
  );
  return useMemo(() => {
    if (!catalog || extents.data?.facilityIds !== facilityIds) return undefined;
    let last: number | null = null;
    for (const e of extents.data.extents) {
      const t = lastReading(e, channelIds);
      if (t !== null && (last === null || t > last)) last = t;
    }
    return last;
  }, [catalog, extents.data, facilityIds, channelIds]);
}

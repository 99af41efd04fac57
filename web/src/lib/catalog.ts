/** Loads the details (meters and channels) of many facilities, a few requests at a time. */
import type { Api } from '../api/endpoints.ts';
import type { FacilityDetail, FacilityWithAccess } from '../api/types.ts';

/** Details of every given facility, sorted by name. */
export async function loadCatalog(
  api: Api,
  facilities: FacilityWithAccess[],
  parallel = 4,
): Promise<FacilityDetail[]> {
  const out: FacilityDetail[] = [];
  const queue = [...facilities];
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) out.push(await api.facility(f.id));
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out.sort((a, b) => a.facility.name.localeCompare(b.facility.name));
}

/** The device page's counts and filter: devices by status, and those a status filter and search show. */
import type { DeviceRow } from '../api/devices.ts';

/** The statuses of a device, in the order the page shows them. */
export const DEVICE_STATUSES = ['online', 'stale', 'silent'] as const;
/** A device status, or every device. */
export type DeviceFilter = 'all' | (typeof DEVICE_STATUSES)[number];

/** How many devices have each status. */
export function statusCounts(
  devices: Pick<DeviceRow, 'status'>[],
): Record<(typeof DEVICE_STATUSES)[number], number> {
  return Object.fromEntries(
    DEVICE_STATUSES.map((s) => [s, devices.filter((d) => d.status === s).length]),
  ) as Record<(typeof DEVICE_STATUSES)[number], number>;
}

/** The devices of status `filter` whose name or facility name contains `search` (any case). */
export function filterDevices<D extends Pick<DeviceRow, 'status' | 'name' | 'facilityName'>>(
  devices: D[],
  filter: DeviceFilter,
  search: string,
): D[] {
  const needle = search.trim().toLowerCase();
  return devices.filter(
    (d) =>
      (filter === 'all' || d.status === filter) &&
      (!needle ||
        d.name.toLowerCase().includes(needle) ||
        (d.facilityName ?? '').toLowerCase().includes(needle)),
  );
}

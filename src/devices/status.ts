/**
 * How a device is doing, from the time of its last message: online, stale or silent, with the
 * thresholds the device page states. The message rate is taken over a short window.
 */

/** Status of a device's token and traffic. */
export const DEVICE_STATUSES = ['online', 'stale', 'silent'] as const;
/** One of {@link DEVICE_STATUSES}. */
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/**
 * A device is online when it sent within `onlineMs`, stale within `staleMs`, silent after that or
 * when it never sent. Two minutes covers meters that report once a minute with one late message; an
 * hour covers those that report every 15 minutes (the usual smart-meter interval) and miss a few.
 */
export const STATUS_THRESHOLDS = { onlineMs: 2 * 60_000, staleMs: 60 * 60_000 } as const;

/** The window the message rate is measured over. */
export const RATE_WINDOW_MS = 5 * 60_000;

/** How long per-minute activity is kept (the refused-readings count of the list covers it). */
export const ACTIVITY_KEEP_MS = 24 * 3_600_000;

/** The status of a device last seen at `lastSeenAt` (null: never). */
export function deviceStatus(lastSeenAt: number | null, now: number): DeviceStatus {
  if (lastSeenAt === null) return 'silent';
  const age = now - lastSeenAt;
  if (age <= STATUS_THRESHOLDS.onlineMs) return 'online';
  if (age <= STATUS_THRESHOLDS.staleMs) return 'stale';
  return 'silent';
}

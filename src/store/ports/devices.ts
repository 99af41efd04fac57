/**
 * The device registry: MQTT and HTTP senders with their own token, owned by an organisation and
 * optionally assigned to a facility. Tokens are kept as their SHA-256 only (the secret is shown once,
 * when it is issued). Activity (messages, readings, refused readings) is kept per device and minute,
 * so that every process on the same database sees the same rate and last-seen time.
 */

/** Where a device came from: provisioned through the API or CLI, or imported from a token file. */
export const DEVICE_SOURCES = ['registry', 'import'] as const;
/** One of {@link DEVICE_SOURCES}. */
export type DeviceSource = (typeof DEVICE_SOURCES)[number];

/** A registered device. */
export interface Device {
  id: string;
  orgId: string;
  /** Unique within the organisation; the id devices and the quarantine are shown by. */
  name: string;
  /** The facility it sends for, or null; assigned devices may publish for that facility's meters only. */
  facilityId: string | null;
  /** Meters it may publish for (from a token file); null means every meter the facility rule allows. */
  meterIds: string[] | null;
  /** SHA-256 (hex) of the current token. */
  tokenHash: string;
  /** The token's first characters (`lsd_AbCd`), to tell tokens apart without the secret. */
  tokenHint: string;
  /** When the current token was issued (UTC ms). */
  tokenIssuedAt: number;
  /** When the token was revoked; null while it works. */
  revokedAt: number | null;
  createdAt: number;
  /** User id of whoever provisioned it; null for imports and the CLI. */
  createdBy: string | null;
  source: DeviceSource;
  /** Time of the last message received (UTC ms), or null when it never sent one. */
  lastSeenAt: number | null;
  /** Readings refused since the device was created. */
  rejectedTotal: number;
}

/** What may change on a device. */
export type DevicePatch = Partial<
  Pick<Device, 'name' | 'facilityId' | 'meterIds' | 'tokenHash' | 'tokenHint' | 'tokenIssuedAt' | 'revokedAt'>
>;

/** What one device did in one minute (counts are added to what is stored). */
export interface DeviceActivityDelta {
  deviceId: string;
  /** Start of the minute (UTC ms, a multiple of 60 000). */
  minute: number;
  messages: number;
  readings: number;
  rejected: number;
  /** Time of the last message within the minute. */
  lastSeenAt: number;
}

/** A device's totals over a window. */
export interface DeviceActivity {
  deviceId: string;
  messages: number;
  readings: number;
  rejected: number;
}

/** Devices and their activity. */
export interface DeviceRepo {
  /** Adds a device; ConflictError when the name is taken in its organisation or the token is in use. */
  create(device: Omit<Device, 'lastSeenAt' | 'rejectedTotal'>): Promise<void>;
  /** A device by id, or undefined. */
  get(id: string): Promise<Device | undefined>;
  /** A device by organisation and name, or undefined. */
  getByName(orgId: string, name: string): Promise<Device | undefined>;
  /** The device whose current token has this SHA-256 (revoked ones included), or undefined. */
  getByTokenHash(tokenHash: string): Promise<Device | undefined>;
  /** Devices of one organisation (or all), by name. */
  list(filter?: { orgId?: string }): Promise<Device[]>;
  /** Changes a device; NotFoundError when there is none with this id. */
  update(id: string, patch: DevicePatch): Promise<void>;
  /** Adds activity counts per device and minute, and moves each device's last-seen time forward. */
  recordActivity(deltas: readonly DeviceActivityDelta[]): Promise<void>;
  /** Activity of the given devices from `since` (UTC ms, inclusive); devices without any are left out. */
  activity(deviceIds: readonly string[], since: number): Promise<DeviceActivity[]>;
  /** Forgets per-minute activity before `before` (UTC ms); totals and last-seen times stay. */
  pruneActivity(before: number): Promise<void>;
}

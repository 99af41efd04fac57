/**
 * Device registry operations shared by the REST routes and the CLI: provision (the token is returned
 * once), rotate (a new token; the old one stops working at once), revoke, assign to a facility, and
 * the device list with status, message rate and refused readings. Every check of who may see what
 * happens in the callers (organisation and role); this module checks names and facilities.
 */
import { InputError, NotFoundError } from '../errors.ts';
import type { Device } from '../store/ports/devices.ts';
import type { StorePort } from '../store/store.ts';
import type { DeviceActivityTracker } from './activity.ts';
import { type DeviceStatus, RATE_WINDOW_MS, ACTIVITY_KEEP_MS, deviceStatus } from './status.ts';
import { issueDeviceToken, newDeviceId } from './tokens.ts';

/** What the registry needs. */
export interface DeviceServiceDeps {
  store: StorePort<'devices', 'get' | 'getByName' | 'list' | 'create' | 'update' | 'activity'> &
    StorePort<'catalog', 'getFacility'>;
  now: () => number;
  /** This process's unflushed activity; without it the list shows what the store has. */
  activity?: Pick<DeviceActivityTracker, 'activity' | 'lastSeen'>;
  /** Random bytes (tests pass a fixed source). */
  random?: (n: number) => Buffer;
}

/** State of a device's token. */
export type TokenState = 'active' | 'revoked';

/** A device as the list shows it. */
export interface DeviceView {
  id: string;
  orgId: string;
  name: string;
  facilityId: string | null;
  facilityName: string | null;
  meterIds: string[] | null;
  source: Device['source'];
  createdAt: number;
  lastSeenAt: number | null;
  status: DeviceStatus;
  /** Messages per minute over the last {@link RATE_WINDOW_MS}. */
  messagesPerMinute: number;
  /** Readings refused in the last 24 hours, and since the device was created. */
  rejected24h: number;
  rejectedTotal: number;
  token: { state: TokenState; hint: string; issuedAt: number; revokedAt: number | null };
}

/** A device with the token that was just issued for it (the only time it is visible). */
export interface IssuedDevice {
  device: DeviceView;
  token: string;
}

/** Names: a letter or digit, then letters, digits, `.`, `_`, `-` or `:`; at most 64 characters. */
export const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Checks a device name; InputError naming the field and the rule otherwise. */
export function checkDeviceName(name: string): string {
  if (!DEVICE_NAME.test(name))
    throw new InputError(
      `expected 1-64 characters: a letter or digit, then letters, digits, '.', '_', '-' or ':' (got ${JSON.stringify(name.slice(0, 80))})`,
      { field: 'name' },
    );
  return name;
}

/** The registry. */
export interface DeviceService {
  /** Devices of an organisation with their status. */
  list(orgId: string): Promise<DeviceView[]>;
  /** One device of an organisation; NotFoundError when it is not there (or of another organisation). */
  get(orgId: string, idOrName: string): Promise<DeviceView>;
  /** Registers a device and issues its token. */
  provision(input: {
    orgId: string;
    name: string;
    facilityId?: string | null;
    createdBy: string | null;
  }): Promise<IssuedDevice>;
  /** Issues a new token (a revoked device works again with it); the old one stops working at once. */
  rotate(orgId: string, idOrName: string): Promise<IssuedDevice>;
  /** Revokes the token: the device's connections close and its messages are refused. */
  revoke(orgId: string, idOrName: string): Promise<DeviceView>;
  /** Assigns the device to a facility of its organisation, or to none (null). */
  assign(orgId: string, idOrName: string, facilityId: string | null): Promise<DeviceView>;
}

/** Creates the registry. */
export function createDeviceService(deps: DeviceServiceDeps): DeviceService {
  const { store, now } = deps;
  const find = async (orgId: string, idOrName: string): Promise<Device> => {
    const byId = await store.devices.get(idOrName);
    const d = byId?.orgId === orgId ? byId : await store.devices.getByName(orgId, idOrName);
    if (!d) throw new NotFoundError('device', idOrName);
    return d;
  };
  const checkFacility = async (orgId: string, facilityId: string | null | undefined): Promise<void> => {
    if (facilityId === null || facilityId === undefined) return;
    const f = await store.catalog.getFacility(facilityId);
    if (!f || f.orgId !== orgId)
      throw new InputError(`no facility '${facilityId}' in your organisation`, { field: 'facilityId' });
  };
  const views = async (devices: Device[]): Promise<DeviceView[]> => {
    const t = now();
    const ids = devices.map((d) => d.id);
    const source = deps.activity ?? store.devices;
    const [recent, day] = await Promise.all([
      source.activity(ids, t - RATE_WINDOW_MS),
      source.activity(ids, t - ACTIVITY_KEEP_MS),
    ]);
    const rate = new Map(recent.map((a) => [a.deviceId, a.messages]));
    const refused = new Map(day.map((a) => [a.deviceId, a.rejected]));
    const facilityIds = [...new Set(devices.map((d) => d.facilityId).filter((f) => f !== null))];
    const names = new Map<string, string>();
    for (const id of facilityIds) {
      const f = await store.catalog.getFacility(id);
      if (f) names.set(id, f.name);
    }
    return devices.map((d) => {
      const seenHere = deps.activity?.lastSeen(d.id);
      const lastSeenAt = seenHere === undefined ? d.lastSeenAt : Math.max(seenHere, d.lastSeenAt ?? 0);
      return {
        id: d.id,
        orgId: d.orgId,
        name: d.name,
        facilityId: d.facilityId,
        facilityName: d.facilityId === null ? null : (names.get(d.facilityId) ?? null),
        meterIds: d.meterIds,
        source: d.source,
        createdAt: d.createdAt,
        lastSeenAt,
        status: deviceStatus(lastSeenAt, t),
        messagesPerMinute: Math.round(((rate.get(d.id) ?? 0) / (RATE_WINDOW_MS / 60_000)) * 10) / 10,
        rejected24h: refused.get(d.id) ?? 0,
        rejectedTotal: d.rejectedTotal,
        token: {
          state: d.revokedAt === null ? 'active' : 'revoked',
          hint: d.tokenHint,
          issuedAt: d.tokenIssuedAt,
          revokedAt: d.revokedAt,
        },
      };
    });
  };
  const view = async (id: string): Promise<DeviceView> => {
    const d = await store.devices.get(id);
    if (!d) throw new NotFoundError('device', id);
    return (await views([d]))[0]!;
  };

  return {
    list: async (orgId) => views(await store.devices.list({ orgId })),
    get: async (orgId, idOrName) => (await views([await find(orgId, idOrName)]))[0]!,
    async provision(input) {
      const name = checkDeviceName(input.name);
      await checkFacility(input.orgId, input.facilityId);
      const issued = issueDeviceToken(deps.random);
      const id = newDeviceId(deps.random);
      const t = now();
      await store.devices.create({
        id,
        orgId: input.orgId,
        name,
        facilityId: input.facilityId ?? null,
        meterIds: null,
        tokenHash: issued.hash,
        tokenHint: issued.hint,
        tokenIssuedAt: t,
        revokedAt: null,
        createdAt: t,
        createdBy: input.createdBy,
        source: 'registry',
      });
      return { device: await view(id), token: issued.token };
    },
    async rotate(orgId, idOrName) {
      const d = await find(orgId, idOrName);
      const issued = issueDeviceToken(deps.random);
      await store.devices.update(d.id, {
        tokenHash: issued.hash,
        tokenHint: issued.hint,
        tokenIssuedAt: now(),
        revokedAt: null,
      });
      return { device: await view(d.id), token: issued.token };
    },
    async revoke(orgId, idOrName) {
      const d = await find(orgId, idOrName);
      if (d.revokedAt === null) await store.devices.update(d.id, { revokedAt: now() });
      return view(d.id);
    },
    async assign(orgId, idOrName, facilityId) {
      const d = await find(orgId, idOrName);
      await checkFacility(orgId, facilityId);
      if (d.facilityId !== facilityId) await store.devices.update(d.id, { facilityId });
      return view(d.id);
    },
  };
}

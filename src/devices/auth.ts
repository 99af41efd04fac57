/**
 * Live ingest's check of registered device tokens: the token's SHA-256 is looked up in the store, and
 * the answer kept in a small cache, so that a device sending every second does not cost a query per
 * message. A change that can end a device's credential (rotate, revoke, reassign) is announced by the
 * store (`device-changed`, src/store/ports/revocations.ts) and drops the cached answer at once, in
 * this process and, through the store, in the others; the TTL only bounds a lost announcement.
 */
import { createHash } from 'node:crypto';
import type { DeviceAuth, DeviceIdentity } from '../realtime/device-auth.ts';
import type { Device } from '../store/ports/devices.ts';
import type { CredentialState, Revocation } from '../store/ports/revocations.ts';
import type { StorePort } from '../store/store.ts';
import { hashDeviceToken } from './tokens.ts';

/** Options of {@link createRegistryDeviceAuth}. */
export interface RegistryDeviceAuthOptions {
  store: StorePort<'devices', 'get' | 'getByTokenHash'> & StorePort<'catalog', 'listMeters'>;
  /** How long a verified token is trusted without asking the store; default 60 s. */
  ttlMs?: number;
  /** How long an unknown token is remembered as unknown; default 2 s (a flood of bad tokens). */
  unknownTtlMs?: number;
  now?: () => number;
}

/** The registry as a {@link DeviceAuth}, with what revocation needs. */
export interface RegistryDeviceAuth extends DeviceAuth {
  /** Drops cached answers a revocation may have changed (wire it to `store.revocations.watch`). */
  invalidate(revocation: Revocation): void;
  /** Asks the store (not the cache) whether a connection's device credential still holds. */
  credentialState(credential: { deviceId: string; deviceKey?: string }): Promise<CredentialState>;
}

interface Cached {
  identity: DeviceIdentity | undefined;
  deviceId: string | undefined;
  until: number;
}

/** At most this many tokens are cached; the oldest go first. */
const MAX_CACHED = 50_000;

/**
 * Digest of what a connection was allowed when it opened: token, organisation, facility and meters.
 * A connection whose device no longer has the same digest is closed.
 */
export function deviceKeyOf(d: Device): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([d.tokenHash, d.orgId, d.facilityId, d.meterIds]))
    .digest('hex');
  return `dev:${digest.slice(0, 24)}`;
}

/** Creates the verifier. */
export function createRegistryDeviceAuth(opts: RegistryDeviceAuthOptions): RegistryDeviceAuth {
  const now = opts.now ?? Date.now;
  const ttlMs = opts.ttlMs ?? 60_000;
  const unknownTtlMs = opts.unknownTtlMs ?? 2000;
  const cache = new Map<string, Cached>();

  const identityOf = async (d: Device): Promise<DeviceIdentity> => {
    // A device assigned to a facility publishes for that facility's meters (or the listed ones).
    const meterIds =
      d.meterIds ??
      (d.facilityId === null
        ? undefined
        : (await opts.store.catalog.listMeters({ facilityId: d.facilityId })).map((m) => m.id));
    return {
      id: d.name,
      orgId: d.orgId,
      deviceId: d.id,
      deviceKey: deviceKeyOf(d),
      ...(meterIds ? { meterIds } : {}),
    };
  };

  return {
    async verify(token) {
      const hash = hashDeviceToken(token);
      const hit = cache.get(hash);
      const t = now();
      if (hit && hit.until > t) return hit.identity;
      const d = await opts.store.devices.getByTokenHash(hash);
      const identity = d && d.revokedAt === null ? await identityOf(d) : undefined;
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      cache.set(hash, { identity, deviceId: d?.id, until: t + (identity ? ttlMs : unknownTtlMs) });
      return identity;
    },
    invalidate(r) {
      if (r.type === 'device-changed') {
        for (const [hash, c] of cache) if (c.deviceId === r.deviceId || !c.identity) cache.delete(hash);
      } else if (r.type === 'resync') cache.clear();
    },
    async credentialState(c) {
      const d = await opts.store.devices.get(c.deviceId);
      const valid =
        d !== undefined && d.revokedAt === null && (c.deviceKey ?? deviceKeyOf(d)) === deviceKeyOf(d);
      return valid ? { valid: true, expiresAt: null } : { valid: false };
    },
  };
}

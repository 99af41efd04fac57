/**
 * Device credentials for MQTT and HTTP ingest. `DeviceAuth` turns a token into the identity of a
 * device or gateway: its organisation and, optionally, the meters it may publish for. The composition
 * root combines the API's tokens (src/api) with the device registry (src/devices/auth.ts); a fixed
 * list ({@link createStaticDeviceAuth}) serves tests.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Who is sending: a device, a gateway or a script. */
export interface DeviceIdentity {
  /** Stable id for rate limits and quarantine (token name or id). */
  id: string;
  orgId: string;
  /** Meters this device may publish for; undefined means every meter of the organisation. */
  meterIds?: string[];
  /** The API token it authenticated with, so that revoking the token closes its connections. */
  tokenId?: string;
  /**
   * True for an API token without the `write:readings` scope (src/api/scopes.ts): it may subscribe to
   * alerts but not send readings. Entries of a device token file are devices and always may.
   */
  readOnly?: boolean;
  /**
   * A digest of what it was allowed when it authenticated (token, organisation, facility, meters), so
   * that a connection opened before a change is closed (src/devices/auth.ts).
   */
  deviceKey?: string;
  /** Id of the registered device (src/devices/) it authenticated as; its activity is counted. */
  deviceId?: string;
}

/** Verifies a token; undefined when it is unknown, expired or wrong. */
export interface DeviceAuth {
  verify(token: string): Promise<DeviceIdentity | undefined>;
}

const fileSchema = z.array(
  z
    .object({
      id: z.string().min(1),
      orgId: z.string().min(1),
      meterIds: z.array(z.string()).optional(),
      token: z.string().min(16).optional(),
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
    })
    .refine(
      (d) => (d.token === undefined) !== (d.sha256 === undefined),
      'give exactly one of token or sha256',
    ),
);

/** One entry of a device token file. */
export type DeviceTokenEntry = z.input<typeof fileSchema>[number];

/** A {@link DeviceAuth} over a fixed list, with the keys of its entries. */
export interface StaticDeviceAuth extends DeviceAuth {
  /** `deviceKey` of every entry. */
  readonly keys: ReadonlySet<string>;
}

/** Token checking over a fixed list (plain tokens or their SHA-256), for tests and tools. */
export function createStaticDeviceAuth(entries: readonly DeviceTokenEntry[]): StaticDeviceAuth {
  const parsed = fileSchema.parse(entries);
  const byHash = new Map(
    parsed.map((e) => {
      const hash = e.sha256 ?? sha256(e.token!);
      const key = `file:${sha256(JSON.stringify([hash, e.id, e.orgId, e.meterIds ?? null])).slice(0, 24)}`;
      return [hash, { ...e, key }];
    }),
  );
  return {
    keys: new Set([...byHash.values()].map((e) => e.key)),
    async verify(token) {
      // Lookup by the hash: the secret itself is never compared.
      const e = byHash.get(sha256(token));
      if (!e) return undefined;
      const id = { id: e.id, orgId: e.orgId, deviceKey: e.key };
      return e.meterIds ? { ...id, meterIds: e.meterIds } : id;
    },
  };
}

/** Tries each verifier in turn. */
export function anyDeviceAuth(...auths: DeviceAuth[]): DeviceAuth {
  return {
    async verify(token) {
      for (const a of auths) {
        const id = await a.verify(token);
        if (id) return id;
      }
      return undefined;
    },
  };
}

/** Adapts a verifier that knows only organisations (the API's tokens) to {@link DeviceAuth}. */
export function orgTokenAuth(inner: {
  verify(token: string): Promise<{ orgId: string; tokenId?: string; scopes?: readonly string[] } | undefined>;
}): DeviceAuth {
  return {
    async verify(token) {
      const r = await inner.verify(token);
      if (!r) return undefined;
      const id = `token:${sha256(token).slice(0, 12)}`;
      const readOnly = r.scopes !== undefined && !r.scopes.includes('write:readings');
      return {
        id,
        orgId: r.orgId,
        ...(r.tokenId ? { tokenId: r.tokenId } : {}),
        ...(readOnly ? { readOnly } : {}),
      };
    },
  };
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

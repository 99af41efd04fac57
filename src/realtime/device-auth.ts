/**
 * Device credentials for MQTT and HTTP ingest. `DeviceAuth` turns a token into the identity of a
 * device or gateway: its organisation and, optionally, the meters it may publish for. The composition
 * root combines the API's tokens (src/api) with a token file for devices.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors.ts';

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

/** Token checking over a fixed list (plain tokens or their SHA-256). */
export function createStaticDeviceAuth(entries: readonly DeviceTokenEntry[]): DeviceAuth {
  const parsed = fileSchema.parse(entries);
  const byHash = new Map(parsed.map((e) => [e.sha256 ?? sha256(e.token!), e]));
  return {
    async verify(token) {
      // Lookup by the hash: the secret itself is never compared.
      const e = byHash.get(sha256(token));
      if (!e) return undefined;
      return e.meterIds ? { id: e.id, orgId: e.orgId, meterIds: e.meterIds } : { id: e.id, orgId: e.orgId };
    },
  };
}

/** Reads a device token file (YAML or JSON list of `{id, orgId, meterIds?, token | sha256}`). */
export async function loadDeviceTokenFile(path: string): Promise<DeviceAuth> {
  const text = await readFile(path, 'utf8');
  const r = fileSchema.safeParse(parseYaml(text));
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InputError(issue.message, { file: path, field: issue.path.join('.') });
  }
  return createStaticDeviceAuth(r.data);
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

/**
 * The device token file (YAML or JSON list of `{id, orgId, meterIds?, facilityId?, token | sha256}`,
 * the format the server once followed) as an import into the registry. Idempotent: an entry already
 * registered with the same token, meters and facility is left alone. An entry that disagrees with the
 * registry (a device of that name with another token, a token held by another device, a name twice in
 * the file) is a conflict reported with its line, and the other entries are still imported.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isSeq } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import type { Device } from '../store/ports/devices.ts';
import type { StorePort } from '../store/store.ts';
import { DEVICE_NAME } from './service.ts';
import { hashDeviceToken, newDeviceId } from './tokens.ts';

const entrySchema = z
  .strictObject({
    id: z
      .string()
      .regex(DEVICE_NAME, 'expected a device name: a letter or digit, then letters, digits, . _ - :'),
    orgId: z.string().min(1),
    meterIds: z.array(z.string().min(1)).optional(),
    facilityId: z.string().min(1).optional(),
    token: z.string().min(16, 'a token needs at least 16 characters').optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits')
      .optional(),
  })
  .refine((d) => (d.token === undefined) !== (d.sha256 === undefined), 'give exactly one of token or sha256');

/** One entry that could not be imported. */
export interface ImportConflict {
  /** Line of the entry in the file (1-based). */
  line: number;
  /** The entry's device name, when it has one. */
  name: string | null;
  reason: string;
}

/** What an import did. */
export interface DeviceImportReport {
  file: string;
  /** Names of devices created. */
  created: string[];
  /** Names of entries already registered as they are in the file. */
  unchanged: string[];
  conflicts: ImportConflict[];
}

/** Imports a token file's text; `file` names it in the report and errors. */
export async function importDeviceFile(
  deps: {
    store: StorePort<'devices', 'create' | 'getByName' | 'getByTokenHash'> &
      StorePort<'catalog', 'getFacility'>;
    now: () => number;
    random?: (n: number) => Buffer;
  },
  text: string,
  file: string,
): Promise<DeviceImportReport> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new InputError(`malformed YAML: ${e.message.split('\n')[0]}`, {
      file,
      line: lines.linePos(e.pos[0]).line,
    });
  }
  const report: DeviceImportReport = { file, created: [], unchanged: [], conflicts: [] };
  if (doc.contents === null) return report;
  if (!isSeq(doc.contents))
    throw new InputError('expected a list of devices (- id: ..., orgId: ..., token: ...)', { file, line: 1 });
  const seen = new Map<string, number>();
  for (const item of doc.contents.items) {
    const node = item as unknown as { range?: number[] | null; toJSON(): unknown };
    const line = lines.linePos(node.range?.[0] ?? 0).line;
    const raw = node.toJSON();
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const name = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : null;
      const field = issue.path.join('.');
      report.conflicts.push({
        line,
        name,
        reason: field ? `field '${field}': ${issue.message}` : issue.message,
      });
      continue;
    }
    const e = parsed.data;
    const conflict = (reason: string): void => void report.conflicts.push({ line, name: e.id, reason });
    const key = `${e.orgId}\u0000${e.id}`;
    const before = seen.get(key);
    if (before !== undefined) {
      conflict(`device '${e.id}' of organisation '${e.orgId}' is also on line ${before}`);
      continue;
    }
    seen.set(key, line);
    const hash = e.sha256 ?? hashDeviceToken(e.token!);
    const meterIds = e.meterIds ?? null;
    const facilityId = e.facilityId ?? null;
    if (facilityId !== null) {
      const f = await deps.store.catalog.getFacility(facilityId);
      if (!f || f.orgId !== e.orgId) {
        conflict(`no facility '${facilityId}' in organisation '${e.orgId}'`);
        continue;
      }
    }
    const existing = await deps.store.devices.getByName(e.orgId, e.id);
    if (existing) {
      const why = difference(existing, hash, meterIds, facilityId);
      if (why)
        conflict(
          `device '${e.id}' is already registered with ${why}; rotate or revoke it in the registry instead`,
        );
      else report.unchanged.push(e.id);
      continue;
    }
    const holder = await deps.store.devices.getByTokenHash(hash);
    if (holder) {
      conflict(`this token is already used by device '${holder.name}' of organisation '${holder.orgId}'`);
      continue;
    }
    const t = deps.now();
    await deps.store.devices.create({
      id: newDeviceId(deps.random),
      orgId: e.orgId,
      name: e.id,
      facilityId,
      meterIds,
      tokenHash: hash,
      tokenHint: e.token ? e.token.slice(0, 4) : 'sha256',
      tokenIssuedAt: t,
      revokedAt: null,
      createdAt: t,
      createdBy: null,
      source: 'import',
    });
    report.created.push(e.id);
  }
  return report;
}

/** Reads and imports a token file. */
export async function importDeviceFileAt(
  deps: Parameters<typeof importDeviceFile>[0],
  path: string,
): Promise<DeviceImportReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputError(
      `cannot read the device file: ${(cause as Error).message}`,
      { file: path },
      { cause },
    );
  }
  return importDeviceFile(deps, text, path);
}

/** What differs between a registered device and a file entry, or undefined when nothing does. */
function difference(
  d: Device,
  hash: string,
  meterIds: string[] | null,
  facilityId: string | null,
): string | undefined {
  if (d.tokenHash !== hash) return d.revokedAt === null ? 'another token' : 'another token (revoked)';
  if (d.revokedAt !== null) return 'this token revoked';
  if (JSON.stringify(d.meterIds) !== JSON.stringify(meterIds))
    return `other meters (${JSON.stringify(d.meterIds)})`;
  if (d.facilityId !== facilityId && facilityId !== null) return `another facility ('${d.facilityId}')`;
  return undefined;
}

/** One line per conflict: `file:line: device 'x': reason`. */
export function formatConflicts(r: DeviceImportReport): string[] {
  return r.conflicts.map((c) => `${r.file}:${c.line}: ${c.name ? `device '${c.name}': ` : ''}${c.reason}`);
}

/**
 * What the store adapters' device repositories share: the DDL, row mapping and the SQL of every
 * method (positional `$n` parameters, `ON CONFLICT … DO UPDATE` and `GREATEST`, the same on DuckDB and
 * PostgreSQL), and the wrapper that announces credential changes. Meter lists are JSON text: short,
 * read whole, never queried inside.
 */
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Device, DevicePatch, DeviceRepo } from './ports/devices.ts';
import type { Revocation } from './ports/revocations.ts';

type Row = Record<string, unknown>;
type Value = string | number | boolean | null;

/** Runs a statement with positional parameters and returns its rows. */
export type DeviceQuery = (sql: string, params?: Value[]) => Promise<Row[]>;

/** DDL of the devices and device_activity tables; `text` and `big` are the engine's type names. */
export function devicesDdl(t: { text: string; big: string }): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS devices (id ${t.text} PRIMARY KEY, org_id ${t.text} NOT NULL,
      name ${t.text} NOT NULL, facility_id ${t.text}, meter_ids ${t.text}, token_hash ${t.text} NOT NULL,
      token_hint ${t.text} NOT NULL, token_issued_at ${t.big} NOT NULL, revoked_at ${t.big},
      created_at ${t.big} NOT NULL, created_by ${t.text}, source ${t.text} NOT NULL,
      last_seen_at ${t.big}, rejected_total ${t.big} NOT NULL DEFAULT 0)`,
    'CREATE UNIQUE INDEX IF NOT EXISTS devices_org_name ON devices (org_id, name)',
    'CREATE UNIQUE INDEX IF NOT EXISTS devices_token ON devices (token_hash)',
    `CREATE TABLE IF NOT EXISTS device_activity (device_id ${t.text} NOT NULL, minute ${t.big} NOT NULL,
      messages ${t.big} NOT NULL, readings ${t.big} NOT NULL, rejected ${t.big} NOT NULL,
      PRIMARY KEY (device_id, minute))`,
  ];
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A devices row as {@link Device}. */
export function rowToDevice(r: Row): Device {
  const meters = str(r['meter_ids']);
  return {
    id: String(r['id']),
    orgId: String(r['org_id']),
    name: String(r['name']),
    facilityId: str(r['facility_id']),
    meterIds: meters === null ? null : (JSON.parse(meters) as string[]),
    tokenHash: String(r['token_hash']),
    tokenHint: String(r['token_hint']),
    tokenIssuedAt: Number(r['token_issued_at']),
    revokedAt: num(r['revoked_at']),
    createdAt: Number(r['created_at']),
    createdBy: str(r['created_by']),
    source: String(r['source']) as Device['source'],
    lastSeenAt: num(r['last_seen_at']),
    rejectedTotal: Number(r['rejected_total']),
  };
}

const COLUMNS =
  'id, org_id, name, facility_id, meter_ids, token_hash, token_hint, token_issued_at, revoked_at, created_at, created_by, source, last_seen_at, rejected_total';

const PATCH_COLUMNS: Record<keyof DevicePatch, string> = {
  name: 'name',
  facilityId: 'facility_id',
  meterIds: 'meter_ids',
  tokenHash: 'token_hash',
  tokenHint: 'token_hint',
  tokenIssuedAt: 'token_issued_at',
  revokedAt: 'revoked_at',
};

/** The repository over a query function (the adapter supplies it and maps its errors). */
export function createDeviceQueries(q: DeviceQuery): DeviceRepo {
  const one = async (where: string, params: Value[]): Promise<Device | undefined> => {
    const rows = await q(`SELECT ${COLUMNS} FROM devices WHERE ${where}`, params);
    return rows[0] ? rowToDevice(rows[0]) : undefined;
  };
  const self: DeviceRepo = {
    async create(d) {
      if (await self.getByName(d.orgId, d.name))
        throw new ConflictError(`a device named '${d.name}' already exists in organisation '${d.orgId}'`);
      if (await self.getByTokenHash(d.tokenHash))
        throw new ConflictError('this token is already used by another device');
      await q(
        `INSERT INTO devices (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, 0)`,
        [
          d.id,
          d.orgId,
          d.name,
          d.facilityId,
          d.meterIds === null ? null : JSON.stringify(d.meterIds),
          d.tokenHash,
          d.tokenHint,
          d.tokenIssuedAt,
          d.revokedAt,
          d.createdAt,
          d.createdBy,
          d.source,
        ],
      );
    },
    get: (id) => one('id = $1', [id]),
    getByName: (orgId, name) => one('org_id = $1 AND name = $2', [orgId, name]),
    getByTokenHash: (hash) => one('token_hash = $1', [hash]),
    async list(filter = {}) {
      const rows =
        filter.orgId === undefined
          ? await q(`SELECT ${COLUMNS} FROM devices ORDER BY org_id, name`)
          : await q(`SELECT ${COLUMNS} FROM devices WHERE org_id = $1 ORDER BY name`, [filter.orgId]);
      return rows.map(rowToDevice);
    },
    async update(id, patch) {
      const current = await self.get(id);
      if (!current) throw new NotFoundError('device', id);
      if (patch.name !== undefined && patch.name !== current.name) {
        if (await self.getByName(current.orgId, patch.name))
          throw new ConflictError(
            `a device named '${patch.name}' already exists in organisation '${current.orgId}'`,
          );
      }
      const keys = (Object.keys(patch) as (keyof DevicePatch)[]).filter((k) => patch[k] !== undefined);
      if (keys.length === 0) return;
      const values = keys.map((k): Value => {
        const v = patch[k];
        return k === 'meterIds' ? (v === null ? null : JSON.stringify(v)) : (v as Value);
      });
      const sets = keys.map((k, i) => `${PATCH_COLUMNS[k]} = $${i + 2}`).join(', ');
      await q(`UPDATE devices SET ${sets} WHERE id = $1`, [id, ...values]);
    },
    async recordActivity(deltas) {
      // Summed per device here, so that each device's row is updated once per flush.
      const totals = new Map<string, { lastSeenAt: number; rejected: number }>();
      for (const d of deltas) {
        await q(
          `INSERT INTO device_activity (device_id, minute, messages, readings, rejected) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (device_id, minute) DO UPDATE SET messages = device_activity.messages + excluded.messages,
             readings = device_activity.readings + excluded.readings,
             rejected = device_activity.rejected + excluded.rejected`,
          [d.deviceId, d.minute, d.messages, d.readings, d.rejected],
        );
        const t = totals.get(d.deviceId) ?? { lastSeenAt: 0, rejected: 0 };
        totals.set(d.deviceId, {
          lastSeenAt: Math.max(t.lastSeenAt, d.lastSeenAt),
          rejected: t.rejected + d.rejected,
        });
      }
      for (const [id, t] of totals)
        await q(
          `UPDATE devices SET last_seen_at = GREATEST(COALESCE(last_seen_at, 0), $2),
             rejected_total = rejected_total + $3 WHERE id = $1`,
          [id, t.lastSeenAt, t.rejected],
        );
    },
    async activity(deviceIds, since) {
      if (deviceIds.length === 0) return [];
      const marks = deviceIds.map((_, i) => `$${i + 2}`).join(', ');
      const rows = await q(
        `SELECT device_id, SUM(messages) AS messages, SUM(readings) AS readings, SUM(rejected) AS rejected
         FROM device_activity WHERE minute >= $1 AND device_id IN (${marks}) GROUP BY device_id ORDER BY device_id`,
        [Math.floor(since / 60_000) * 60_000, ...deviceIds],
      );
      return rows.map((r) => ({
        deviceId: String(r['device_id']),
        messages: Number(r['messages']),
        readings: Number(r['readings']),
        rejected: Number(r['rejected']),
      }));
    },
    async pruneActivity(before) {
      await q('DELETE FROM device_activity WHERE minute < $1', [before]);
    },
  };
  return self;
}

/**
 * Wraps a {@link DeviceRepo} so that a change that can end a device's connections (its token, its
 * revocation, its facility or meters) is announced after it is stored: the caches of verified tokens
 * and the open MQTT connections of every process then act on it.
 */
export function announcingDeviceRepo(
  repo: DeviceRepo,
  announce: (revocation: Revocation) => Promise<void>,
): DeviceRepo {
  return {
    ...repo,
    async update(id, patch) {
      await repo.update(id, patch);
      const { name: _name, ...rest } = patch;
      if (Object.values(rest).some((v) => v !== undefined))
        await announce({ type: 'device-changed', deviceId: id });
    },
  };
}

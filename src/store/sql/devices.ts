/**
 * The device registry (devices, their hashed tokens and per-minute activity), written once for every
 * adapter. Meter lists are JSON text: short, read whole, never queried inside.
 */
import { ConflictError, NotFoundError } from '../../errors.ts';
import { DEVICE_SOURCES, type Device, type DevicePatch, type DeviceRepo } from '../ports/devices.ts';
import type { SqlDialect } from './dialect.ts';
import { jsonOrNull, num, numOrNull, oneOf, type Row, str, strOrNull } from './row.ts';
import { setClause, type SqlDb } from './sql-db.ts';

/** DDL of the devices and device_activity tables. */
export function devicesDdl(t: SqlDialect): string[] {
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

function rowToDevice(r: Row): Device {
  return {
    id: str(r, 'id'),
    orgId: str(r, 'org_id'),
    name: str(r, 'name'),
    facilityId: strOrNull(r, 'facility_id'),
    meterIds: jsonOrNull<string[]>(r, 'meter_ids'),
    tokenHash: str(r, 'token_hash'),
    tokenHint: str(r, 'token_hint'),
    tokenIssuedAt: num(r, 'token_issued_at'),
    revokedAt: numOrNull(r, 'revoked_at'),
    createdAt: num(r, 'created_at'),
    createdBy: strOrNull(r, 'created_by'),
    source: oneOf(r, 'source', DEVICE_SOURCES),
    lastSeenAt: numOrNull(r, 'last_seen_at'),
    rejectedTotal: num(r, 'rejected_total'),
  };
}

const COLUMNS =
  'id, org_id, name, facility_id, meter_ids, token_hash, token_hint, token_issued_at, revoked_at, created_at, created_by, source, last_seen_at, rejected_total';

const PATCH_COLUMNS: Readonly<Record<keyof DevicePatch, string>> = {
  name: 'name',
  facilityId: 'facility_id',
  meterIds: 'meter_ids',
  tokenHash: 'token_hash',
  tokenHint: 'token_hint',
  tokenIssuedAt: 'token_issued_at',
  revokedAt: 'revoked_at',
};

const meterList = (ids: readonly string[] | null): string | null =>
  ids === null ? null : JSON.stringify(ids);

/** The {@link DeviceRepo} over a database. */
export function createDeviceRepo(db: SqlDb): DeviceRepo {
  const one = async (where: string, params: unknown[]): Promise<Device | undefined> => {
    const [r] = await db.query(`SELECT ${COLUMNS} FROM devices WHERE ${where}`, params);
    return r ? rowToDevice(r) : undefined;
  };
  const self: DeviceRepo = {
    async create(d) {
      if (await self.getByName(d.orgId, d.name))
        throw new ConflictError(`a device named '${d.name}' already exists in organisation '${d.orgId}'`);
      if (await self.getByTokenHash(d.tokenHash))
        throw new ConflictError('this token is already used by another device');
      await db.query(
        `INSERT INTO devices (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, 0)`,
        [
          d.id,
          d.orgId,
          d.name,
          d.facilityId,
          meterList(d.meterIds),
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
          ? await db.query(`SELECT ${COLUMNS} FROM devices ORDER BY org_id, name`)
          : await db.query(`SELECT ${COLUMNS} FROM devices WHERE org_id = $1 ORDER BY name`, [filter.orgId]);
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
      const stored = {
        ...patch,
        meterIds: patch.meterIds === undefined ? undefined : meterList(patch.meterIds),
      };
      const set = setClause(stored, PATCH_COLUMNS);
      if (set.values.length === 0) return;
      await db.query(`UPDATE devices ${set.sql} WHERE id = $${set.values.length + 1}`, [...set.values, id]);
    },
    async recordActivity(deltas) {
      // Summed per device here, so that each device's row is updated once per flush.
      const totals = new Map<string, { lastSeenAt: number; rejected: number }>();
      for (const d of deltas) {
        await db.query(
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
        await db.query(
          `UPDATE devices SET last_seen_at = GREATEST(COALESCE(last_seen_at, 0), $2),
             rejected_total = rejected_total + $3 WHERE id = $1`,
          [id, t.lastSeenAt, t.rejected],
        );
    },
    async activity(deviceIds, since) {
      if (deviceIds.length === 0) return [];
      const rows = await db.query(
        `SELECT device_id, SUM(messages) AS messages, SUM(readings) AS readings, SUM(rejected) AS rejected
         FROM device_activity WHERE minute >= $1 AND ${db.dialect.inTextList('device_id', '$2')}
         GROUP BY device_id ORDER BY device_id`,
        [Math.floor(since / 60_000) * 60_000, db.dialect.textList(deviceIds)],
      );
      return rows.map((r) => ({
        deviceId: str(r, 'device_id'),
        messages: num(r, 'messages'),
        readings: num(r, 'readings'),
        rejected: num(r, 'rejected'),
      }));
    },
    async pruneActivity(before) {
      await db.query('DELETE FROM device_activity WHERE minute < $1', [before]);
    },
  };
  return self;
}

/**
 * Users' e-mail preferences for alerts, written once for every adapter. Severities and rules are JSON
 * text: short lists read whole, never queried inside.
 */
import type { Severity } from '../../domain/types.ts';
import { DELIVERY_MODES, type NotificationPrefs, type NotificationRepo } from '../ports/notifications.ts';
import type { SqlDialect } from './dialect.ts';
import { bool, json, num, oneOf, type Row, str, strOrNull } from './row.ts';
import type { SqlDb } from './sql-db.ts';

/** DDL of the notification_prefs table. */
export function notificationsDdl(t: SqlDialect): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS notification_prefs (user_id ${t.text} PRIMARY KEY, org_id ${t.text} NOT NULL,
      enabled ${t.bool} NOT NULL, email ${t.text}, severities ${t.text} NOT NULL, rules ${t.text} NOT NULL,
      delivery ${t.text} NOT NULL, digest_minutes ${t.big} NOT NULL, updated_at ${t.big} NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS notification_prefs_org ON notification_prefs (org_id)',
  ];
}

function rowToPrefs(r: Row): NotificationPrefs {
  return {
    userId: str(r, 'user_id'),
    orgId: str(r, 'org_id'),
    enabled: bool(r, 'enabled'),
    email: strOrNull(r, 'email'),
    severities: json<Severity[]>(r, 'severities'),
    rules: json<string[]>(r, 'rules'),
    delivery: oneOf(r, 'delivery', DELIVERY_MODES),
    digestMinutes: num(r, 'digest_minutes'),
    updatedAt: num(r, 'updated_at'),
  };
}

const COLUMNS = 'user_id, org_id, enabled, email, severities, rules, delivery, digest_minutes, updated_at';

/** The {@link NotificationRepo} over a database. */
export function createNotificationRepo(db: SqlDb): NotificationRepo {
  return {
    async getPrefs(userId) {
      const [r] = await db.query(`SELECT ${COLUMNS} FROM notification_prefs WHERE user_id = $1`, [userId]);
      return r ? rowToPrefs(r) : undefined;
    },
    async putPrefs(p) {
      await db.query(
        `INSERT INTO notification_prefs (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (user_id) DO UPDATE SET org_id = excluded.org_id, enabled = excluded.enabled,
           email = excluded.email, severities = excluded.severities, rules = excluded.rules,
           delivery = excluded.delivery, digest_minutes = excluded.digest_minutes,
           updated_at = excluded.updated_at`,
        [
          p.userId,
          p.orgId,
          p.enabled,
          p.email,
          JSON.stringify(p.severities),
          JSON.stringify(p.rules),
          p.delivery,
          p.digestMinutes,
          p.updatedAt,
        ],
      );
    },
    async listEnabled(orgId) {
      const rows = await db.query(
        `SELECT ${COLUMNS} FROM notification_prefs WHERE org_id = $1 AND enabled ORDER BY user_id`,
        [orgId],
      );
      return rows.map(rowToPrefs);
    },
    async deletePrefs(userId) {
      await db.query('DELETE FROM notification_prefs WHERE user_id = $1', [userId]);
    },
  };
}

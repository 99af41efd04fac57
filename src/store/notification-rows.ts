/**
 * What the store adapters' notification repositories share: the DDL, row mapping and the SQL of every
 * method (positional `$n` parameters and `ON CONFLICT … DO UPDATE`, the same on DuckDB and
 * PostgreSQL). Severities and rules are JSON text: short lists read whole, never queried inside.
 */
import type { NotificationPrefs, NotificationRepo } from './ports/notifications.ts';

type Row = Record<string, unknown>;
type Value = string | number | boolean | null;

/** Runs a statement with positional parameters and returns its rows. */
export type NotificationQuery = (sql: string, params?: Value[]) => Promise<Row[]>;

/** DDL of the notification_prefs table; `text`, `big` and `bool` are the engine's type names. */
export function notificationsDdl(t: { text: string; big: string; bool: string }): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS notification_prefs (user_id ${t.text} PRIMARY KEY, org_id ${t.text} NOT NULL,
      enabled ${t.bool} NOT NULL, email ${t.text}, severities ${t.text} NOT NULL, rules ${t.text} NOT NULL,
      delivery ${t.text} NOT NULL, digest_minutes ${t.big} NOT NULL, updated_at ${t.big} NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS notification_prefs_org ON notification_prefs (org_id)',
  ];
}

/** A notification_prefs row as {@link NotificationPrefs}. */
export function rowToPrefs(r: Row): NotificationPrefs {
  return {
    userId: String(r['user_id']),
    orgId: String(r['org_id']),
    enabled: r['enabled'] === true || r['enabled'] === 1 || r['enabled'] === 'true',
    email: r['email'] === null || r['email'] === undefined ? null : String(r['email']),
    severities: JSON.parse(String(r['severities'])) as NotificationPrefs['severities'],
    rules: JSON.parse(String(r['rules'])) as string[],
    delivery: String(r['delivery']) as NotificationPrefs['delivery'],
    digestMinutes: Number(r['digest_minutes']),
    updatedAt: Number(r['updated_at']),
  };
}

const COLUMNS = 'user_id, org_id, enabled, email, severities, rules, delivery, digest_minutes, updated_at';

/** The repository over a query function (the adapter supplies it and maps its errors). */
export function createNotificationQueries(q: NotificationQuery): NotificationRepo {
  return {
    async getPrefs(userId) {
      const rows = await q(`SELECT ${COLUMNS} FROM notification_prefs WHERE user_id = $1`, [userId]);
      return rows[0] ? rowToPrefs(rows[0]) : undefined;
    },
    async putPrefs(p) {
      await q(
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
      const rows = await q(
        `SELECT ${COLUMNS} FROM notification_prefs WHERE org_id = $1 AND enabled ORDER BY user_id`,
        [orgId],
      );
      return rows.map(rowToPrefs);
    },
    async deletePrefs(userId) {
      await q('DELETE FROM notification_prefs WHERE user_id = $1', [userId]);
    },
  };
}

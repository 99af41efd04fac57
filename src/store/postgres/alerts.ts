import { ConflictError, StoreError } from '../../errors.ts';
import {
  ALERT_COLUMNS,
  alertParams,
  alertWhere,
  alertsDdl,
  rowToAlert,
  rowToRule,
  ruleBody,
} from '../../realtime/store-rows.ts';
import type { AlertRepo } from '../ports/alerts.ts';
import type { PgContext } from './connection.ts';

/** DDL for the alerts tables, run in order by `migrate()`. */
export const alertsSchema: readonly string[] = [
  ...alertsDdl({ text: 'TEXT', big: 'BIGINT', dbl: 'DOUBLE PRECISION', bool: 'BOOLEAN' }),
  'CREATE UNIQUE INDEX IF NOT EXISTS alert_rules_org_name ON alert_rules (org_id, name)',
];

/** The postgres implementation of {@link AlertRepo}. */
export function createAlertRepo(ctx: PgContext): AlertRepo {
  const rows = async (sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> => {
    try {
      return (await ctx.pool.query(sql, values)).rows as Record<string, unknown>[];
    } catch (cause) {
      if ((cause as { code?: string }).code === '23505')
        throw new ConflictError('a rule with this name already exists in the organisation');
      throw new StoreError('postgres', sql.split(/\s+/).slice(0, 3).join(' '), { cause });
    }
  };
  return {
    async insertAlerts(alerts) {
      for (let i = 0; i < alerts.length; i += 200) {
        const chunk = alerts.slice(i, i + 200);
        const tuples = chunk.map(
          (_, r) => `(${Array.from({ length: 14 }, (_, c) => `$${r * 14 + c + 1}`).join(', ')})`,
        );
        await rows(
          `INSERT INTO alerts (${ALERT_COLUMNS}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`,
          chunk.flatMap(alertParams),
        );
      }
    },
    async updateAlert(id, patch) {
      const sets: string[] = ['updated_at = $2'];
      const params: unknown[] = [id, patch.updatedAt];
      if (patch.state !== undefined) {
        params.push(patch.state);
        sets.push(`state = $${params.length}`);
      }
      if (patch.endTs !== undefined) {
        params.push(patch.endTs);
        sets.push(`end_ts = $${params.length}`);
      }
      await rows(`UPDATE alerts SET ${sets.join(', ')} WHERE id = $1`, params);
    },
    async getAlert(id) {
      const r = await rows(`SELECT * FROM alerts WHERE id = $1`, [id]);
      return r[0] ? rowToAlert(r[0]) : undefined;
    },
    async listAlerts(filter) {
      const w = alertWhere(filter);
      const r = await rows(
        `SELECT * FROM alerts ${w.sql} ORDER BY ts DESC, id LIMIT ${Math.trunc(filter.limit ?? 100)}`,
        w.params,
      );
      return r.map(rowToAlert);
    },
    async putRule(rule) {
      await rows(
        `INSERT INTO alert_rules VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, body = excluded.body, updated_at = excluded.updated_at`,
        [rule.id, rule.orgId, rule.name, ruleBody(rule), rule.createdAt, rule.updatedAt],
      );
    },
    async getRule(id) {
      const r = await rows(`SELECT * FROM alert_rules WHERE id = $1`, [id]);
      return r[0] ? rowToRule(r[0]) : undefined;
    },
    async listRules(filter = {}) {
      const r =
        filter.orgId === undefined
          ? await rows(`SELECT * FROM alert_rules ORDER BY org_id, name`)
          : await rows(`SELECT * FROM alert_rules WHERE org_id = $1 ORDER BY name`, [filter.orgId]);
      return r.map(rowToRule);
    },
    async deleteRule(id) {
      const r = await rows(`DELETE FROM alert_rules WHERE id = $1 RETURNING id`, [id]);
      return r.length > 0;
    },
  };
}

import { ConflictError, StoreError } from '../../errors.ts';
import {
  ALERT_COLUMNS,
  ALERT_COLUMN_COUNT,
  alertParams,
  alertsDdl,
  createAlertQueries,
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
    ...createAlertQueries(rows),
    async insertAlerts(alerts) {
      for (let i = 0; i < alerts.length; i += 200) {
        const chunk = alerts.slice(i, i + 200);
        const tuples = chunk.map(
          (_, r) =>
            `(${Array.from({ length: ALERT_COLUMN_COUNT }, (_, c) => `$${r * ALERT_COLUMN_COUNT + c + 1}`).join(', ')})`,
        );
        await rows(
          `INSERT INTO alerts (${ALERT_COLUMNS}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`,
          chunk.flatMap(alertParams),
        );
      }
    },
    async putRule(rule) {
      await rows(
        `INSERT INTO alert_rules VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, body = excluded.body, updated_at = excluded.updated_at`,
        [rule.id, rule.orgId, rule.name, ruleBody(rule), rule.createdAt, rule.updatedAt],
      );
    },
  };
}

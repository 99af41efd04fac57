import type { DuckDBValue } from '@duckdb/node-api';
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
import { type DuckdbContext, runRows } from './connection.ts';

/** DDL for the alerts tables, run in order by `migrate()`. */
export const alertsSchema: readonly string[] = alertsDdl({
  text: 'VARCHAR',
  big: 'BIGINT',
  dbl: 'DOUBLE',
  bool: 'BOOLEAN',
});

/** The duckdb implementation of {@link AlertRepo}. */
export function createAlertRepo(ctx: DuckdbContext): AlertRepo {
  const rows = async (sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> => {
    try {
      return await runRows(ctx, sql, values as DuckDBValue[]);
    } catch (cause) {
      throw new StoreError('duckdb', sql.split(/\s+/).slice(0, 3).join(' '), { cause });
    }
  };
  return {
    ...createAlertQueries(rows),
    async insertAlerts(alerts) {
      for (let i = 0; i < alerts.length; i += 200) {
        const chunk = alerts.slice(i, i + 200);
        const params = chunk.flatMap(alertParams);
        const tuples = chunk.map(
          (_, r) =>
            `(${Array.from({ length: ALERT_COLUMN_COUNT }, (_, c) => `$${r * ALERT_COLUMN_COUNT + c + 1}`).join(', ')})`,
        );
        await rows(
          `INSERT INTO alerts (${ALERT_COLUMNS}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`,
          params,
        );
      }
    },
    async putRule(rule) {
      const clash = await rows(`SELECT id FROM alert_rules WHERE org_id = $1 AND name = $2 AND id <> $3`, [
        rule.orgId,
        rule.name,
        rule.id,
      ]);
      if (clash.length)
        throw new ConflictError(`a rule named '${rule.name}' already exists in organisation '${rule.orgId}'`);
      const exists = await rows(`SELECT id FROM alert_rules WHERE id = $1`, [rule.id]);
      if (exists.length) {
        await rows(`UPDATE alert_rules SET name = $2, body = $3, updated_at = $4 WHERE id = $1`, [
          rule.id,
          rule.name,
          ruleBody(rule),
          rule.updatedAt,
        ]);
      } else {
        await rows(`INSERT INTO alert_rules VALUES ($1, $2, $3, $4, $5, $6)`, [
          rule.id,
          rule.orgId,
          rule.name,
          ruleBody(rule),
          rule.createdAt,
          rule.updatedAt,
        ]);
      }
    },
  };
}

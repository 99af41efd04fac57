import type { AlertRepo } from '../ports/alerts.ts';
import type { DuckdbContext } from './connection.ts';

/** DDL for the alerts tables, run in order by `migrate()`. */
export const alertsSchema: readonly string[] = [];

/** The duckdb implementation of {@link AlertRepo}. */
export function createAlertRepo(_ctx: DuckdbContext): AlertRepo {
  return {};
}

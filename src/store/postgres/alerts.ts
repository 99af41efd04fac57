import type { AlertRepo } from '../ports/alerts.ts';
import type { PgContext } from './connection.ts';

/** DDL for the alerts tables, run in order by `migrate()`. */
export const alertsSchema: readonly string[] = [];

/** The postgres implementation of {@link AlertRepo}. */
export function createAlertRepo(_ctx: PgContext): AlertRepo {
  return {};
}

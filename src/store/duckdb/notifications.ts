import { StoreError } from '../../errors.ts';
import { createNotificationQueries, notificationsDdl } from '../notification-rows.ts';
import type { NotificationRepo } from '../ports/notifications.ts';
import { type DuckdbContext, runRows } from './connection.ts';

/** DDL for the notification preferences table, run in order by `migrate()`. */
export const notificationsSchema: readonly string[] = notificationsDdl({
  text: 'VARCHAR',
  big: 'BIGINT',
  bool: 'BOOLEAN',
});

/** The duckdb implementation of {@link NotificationRepo}. */
export function createNotificationRepo(ctx: DuckdbContext): NotificationRepo {
  return createNotificationQueries(async (sql, values = []) => {
    try {
      return await runRows(ctx, sql, values);
    } catch (cause) {
      throw new StoreError('duckdb', sql.split(/\s+/).slice(0, 3).join(' '), { cause });
    }
  });
}

import { StoreError } from '../../errors.ts';
import { createNotificationQueries, notificationsDdl } from '../notification-rows.ts';
import type { NotificationRepo } from '../ports/notifications.ts';
import { type PgContext, queryRows } from './connection.ts';

/** DDL for the notification preferences table, run in order by `migrate()`. */
export const notificationsSchema: readonly string[] = notificationsDdl({
  text: 'TEXT',
  big: 'BIGINT',
  bool: 'BOOLEAN',
});

/** The postgres implementation of {@link NotificationRepo}. */
export function createNotificationRepo(ctx: PgContext): NotificationRepo {
  return createNotificationQueries(async (sql, values = []) => {
    try {
      return await queryRows(ctx.pool, sql, values);
    } catch (cause) {
      throw new StoreError('postgres', sql.split(/\s+/).slice(0, 3).join(' '), { cause });
    }
  });
}

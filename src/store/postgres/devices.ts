import { LoadscopeError, StoreError } from '../../errors.ts';
import { createDeviceQueries, devicesDdl } from '../device-rows.ts';
import type { DeviceRepo } from '../ports/devices.ts';
import { type PgContext, queryRows } from './connection.ts';

/** DDL for the device registry, run in order by `migrate()`. */
export const devicesSchema: readonly string[] = devicesDdl({ text: 'TEXT', big: 'BIGINT' });

/** The postgres implementation of {@link DeviceRepo}. */
export function createDeviceRepo(ctx: PgContext): DeviceRepo {
  return createDeviceQueries(async (sql, values = []) => {
    try {
      return await queryRows(ctx.pool, sql, values);
    } catch (cause) {
      if (cause instanceof LoadscopeError) throw cause;
      throw new StoreError('postgres', sql.split(/\s+/).slice(0, 3).join(' '), { cause });
    }
  });
}

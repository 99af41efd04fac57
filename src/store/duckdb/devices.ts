import { LoadscopeError, StoreError } from '../../errors.ts';
import { createDeviceQueries, devicesDdl } from '../device-rows.ts';
import type { DeviceRepo } from '../ports/devices.ts';
import { type DuckdbContext, runRows } from './connection.ts';

/** DDL for the device registry, run in order by `migrate()`. */
export const devicesSchema: readonly string[] = devicesDdl({ text: 'VARCHAR', big: 'BIGINT' });

/** The duckdb implementation of {@link DeviceRepo}. */
export function createDeviceRepo(ctx: DuckdbContext): DeviceRepo {
  return createDeviceQueries(async (sql, values = []) => {
    try {
      return await runRows(ctx, sql, values);
    } catch (cause) {
      if (cause instanceof LoadscopeError) throw cause;
      throw new StoreError('duckdb', sql.split(/\s+/).slice(0, 3).join(' '), { cause });
    }
  });
}

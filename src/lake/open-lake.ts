/**
 * The lake as configured (LOADSCOPE_LAKE and friends), placing each channel by the channel
 * directory: its organisation, and its meter's shard, numbered like the reading log's partitions so
 * that the worker owning log partition k writes lake shard k.
 */
import type { Config } from '../config.ts';
import { InputError } from '../errors.ts';
import type { ChannelDirectory } from '../realtime/directory.ts';
import { openParquetLake } from './parquet/index.ts';
import type { Lake } from './port.ts';

/** Opens the configured lake, or returns undefined when it is off. */
export async function openConfiguredLake(
  config: Config,
  directory: ChannelDirectory,
  onError: (err: unknown) => void,
): Promise<Lake | undefined> {
  if (config.lake.dir === null) return undefined;
  const lake = await openParquetLake({
    dir: config.lake.dir,
    place: (id) => directory.byId(id),
    shards: config.log.partitions,
    sync: config.lake.fsync,
    flushMs: config.lake.flushSeconds * 1000,
    onError,
  });
  return {
    ...lake,
    dir: lake.dir,
    async append(batch) {
      try {
        await lake.append(batch);
      } catch (err) {
        // A channel registered since the directory last loaded: load it and try once more.
        if (!(err instanceof InputError)) throw err;
        await directory.refresh(true);
        await lake.append(batch);
      }
    },
  };
}

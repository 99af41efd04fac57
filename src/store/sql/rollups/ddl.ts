import type { RollupDialect } from './dialect.ts';

/**
 * DDL of the batch tables. `rollups_hour` / `rollups_day` hold one row per channel per local hour or
 * day (identified by its UTC start); `thresholds` one row per channel and name; `threshold_days` and
 * `threshold_buckets` the thresholds' sketch per channel and UTC day (days since 1970; sketch-sql.ts),
 * kept for ever like the rollups. PostgreSQL gets
 * primary keys; DuckDB does not, because its index makes the delete-then-insert of a recompute slow
 * and the batch layer is the only writer of these tables.
 */
export function rollupsDdl(d: RollupDialect, keys: boolean): string[] {
  const rollup = (p: 'hour' | 'day') => `CREATE TABLE IF NOT EXISTS rollups_${p} (
    channel_key INTEGER NOT NULL, start_ts BIGINT NOT NULL, label VARCHAR NOT NULL, energy ${d.double} NOT NULL,
    covered_ms BIGINT NOT NULL, length_ms BIGINT NOT NULL, mean_power ${d.double}, min_power ${d.double},
    max_power ${d.double}, samples BIGINT NOT NULL, coverage ${d.double} NOT NULL
    ${keys ? ', PRIMARY KEY (channel_key, start_ts)' : ''})`;
  return [
    rollup('hour'),
    rollup('day'),
    `CREATE TABLE IF NOT EXISTS thresholds (
      channel_key INTEGER NOT NULL, name VARCHAR NOT NULL, value ${d.double} NOT NULL, percentile ${d.double},
      computed_at BIGINT NOT NULL, from_ts BIGINT NOT NULL, to_ts BIGINT NOT NULL
      ${keys ? ', PRIMARY KEY (channel_key, name)' : ''})`,
    `CREATE TABLE IF NOT EXISTS threshold_days (
      channel_key INTEGER NOT NULL, day INTEGER NOT NULL, readings BIGINT NOT NULL, active BIGINT NOT NULL,
      first_ts BIGINT NOT NULL, last_ts BIGINT NOT NULL
      ${keys ? ', PRIMARY KEY (channel_key, day)' : ''})`,
    `CREATE TABLE IF NOT EXISTS threshold_buckets (
      channel_key INTEGER NOT NULL, day INTEGER NOT NULL, bucket INTEGER NOT NULL, n BIGINT NOT NULL,
      min_v ${d.double} NOT NULL, max_v ${d.double} NOT NULL
      ${keys ? ', PRIMARY KEY (channel_key, day, bucket)' : ''})`,
  ];
}

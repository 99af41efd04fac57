/**
 * Serving queries over the rollups, as in seed 001 (per appliance channel, per home mains history,
 * per zip code) plus per meter and per facility:
 * - channel: one row per channel and bucket;
 * - meter: the sum of the meter's mains channels, or of all its channels when it has no mains;
 * - facility: the sum of its meters, per energy unit (Wh for electricity, the volume unit otherwise);
 * - zip: the sum of the facilities with that zip code, per energy unit.
 * Above the channel level, mean power is the sum of the channels' mean powers and min/max are left
 * out (the peak of a sum is not the sum of the peaks); coverage is the mean of the channels'.
 */
import type { RollupExport, RollupQuery } from '../../ports/rollups.ts';

/** An SQL text with its positional parameters. */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/** Channel-level rows of one period with their catalog context (the base of every level). */
export function channelRowsSql(
  q: Pick<
    RollupQuery,
    | 'period'
    | 'from'
    | 'to'
    | 'orgId'
    | 'facilityId'
    | 'facilityIds'
    | 'meterId'
    | 'channelId'
    | 'zip'
    | 'mains'
  >,
): SqlQuery {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (cond: (p: string) => string, v: unknown) => {
    params.push(v);
    where.push(cond(`$${params.length}`));
  };
  if (q.from !== undefined) add((p) => `r.start_ts >= ${p}`, q.from);
  if (q.to !== undefined) add((p) => `r.start_ts < ${p}`, q.to);
  if (q.orgId !== undefined) add((p) => `f.org_id = ${p}`, q.orgId);
  if (q.facilityId !== undefined) add((p) => `f.id = ${p}`, q.facilityId);
  if (q.facilityIds !== undefined) {
    if (q.facilityIds.length === 0) where.push('FALSE');
    else
      where.push(`f.id IN (${q.facilityIds.map((id) => (params.push(id), `$${params.length}`)).join(', ')})`);
  }
  if (q.meterId !== undefined) add((p) => `m.id = ${p}`, q.meterId);
  if (q.channelId !== undefined) add((p) => `c.id = ${p}`, q.channelId);
  if (q.zip !== undefined) add((p) => `f.zip = ${p}`, q.zip);
  if (q.mains !== undefined) where.push(q.mains ? 'c.is_mains' : 'NOT c.is_mains');
  const sql = `SELECT c.id AS channel_id, COALESCE(c.appliance, c.name) AS name, c.is_mains, m.id AS meter_id,
      f.id AS facility_id, f.name AS facility_name, f.org_id, f.zip,
      m.service_type || ' meter' || COALESCE(' ' || m.utility_meter_number, '') AS meter_name,
      CASE WHEN c.unit IN ('W', 'kW', 'Wh', 'kWh') THEN 'Wh' ELSE c.unit END AS unit,
      EXISTS (SELECT 1 FROM channels c2 WHERE c2.meter_id = c.meter_id AND c2.is_mains) AS meter_has_mains,
      r.start_ts, r.label, r.energy, r.covered_ms, r.mean_power, r.min_power, r.max_power, r.samples, r.coverage
    FROM rollups_${q.period} r JOIN channels c ON c.key = r.channel_key JOIN meters m ON m.id = c.meter_id
    JOIN facilities f ON f.id = m.facility_id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  return { sql, params };
}

/** The serving query of {@link RollupQuery}: columns as {@link RollupRow} in snake case. */
export function servingSql(q: RollupQuery): SqlQuery {
  const base = channelRowsSql(q);
  const limit = Math.max(1, Math.floor(q.limit ?? 10_000));
  const sumBy = (key: string, from: string, name: string) => `
    SELECT ${key} AS key, ${name} AS name, start_ts, MIN(label) AS label, unit, SUM(energy) AS energy,
      SUM(mean_power) AS mean_power, NULL AS min_power, NULL AS max_power, SUM(samples) AS samples,
      AVG(coverage) AS coverage, SUM(channels) AS channels
    FROM ${from} GROUP BY ${key}, start_ts, unit`;
  const chan = `SELECT channel_id AS key, name, start_ts, label, unit, energy, mean_power, min_power, max_power, samples,
      coverage, 1 AS channels, meter_id, facility_id, zip, is_mains, meter_has_mains FROM base`;
  const meter = `SELECT meter_id AS key, MIN(meter_name) AS name, start_ts, MIN(label) AS label, unit,
      SUM(energy) AS energy, SUM(mean_power) AS mean_power, NULL AS min_power, NULL AS max_power,
      SUM(samples) AS samples, AVG(coverage) AS coverage, COUNT(*) AS channels, MIN(facility_id) AS facility_id,
      MIN(facility_name) AS facility_name, MIN(zip) AS zip
    FROM base WHERE is_mains OR NOT meter_has_mains GROUP BY meter_id, start_ts, unit`;
  const facility = `SELECT facility_id AS key, MIN(facility_name) AS name, start_ts, MIN(label) AS label, unit,
      SUM(energy) AS energy,
      SUM(mean_power) AS mean_power, SUM(samples) AS samples, AVG(coverage) AS coverage, SUM(channels) AS channels,
      MIN(zip) AS zip
    FROM meter GROUP BY facility_id, start_ts, unit`;
  let body: string;
  if (q.level === 'channel')
    body = `SELECT key, name, start_ts, label, unit, energy, mean_power, min_power, max_power, samples, coverage, channels FROM chan`;
  else if (q.level === 'meter')
    body = `SELECT key, name, start_ts, label, unit, energy, mean_power, min_power, max_power, samples, coverage, channels FROM meter`;
  else if (q.level === 'facility')
    body = `SELECT key, name, start_ts, label, unit, energy, mean_power, NULL AS min_power, NULL AS max_power, samples, coverage, channels FROM facility`;
  else
    body = sumBy(
      'zip',
      'facility',
      `CAST(COUNT(*) AS VARCHAR) || CASE WHEN COUNT(*) = 1 THEN ' facility' ELSE ' facilities' END`,
    );
  const sql = `WITH base AS (${base.sql}), chan AS (${chan}), meter AS (${meter}), facility AS (${facility})
    SELECT * FROM (${body}) x WHERE key IS NOT NULL ORDER BY key, start_ts LIMIT ${limit}`;
  return { sql, params: base.params };
}

/**
 * Channel-level rows for export, ordered by channel and start, with their meter, facility and zip, and
 * their cost (currency, cost, kg CO2) where the cost step priced them.
 * `start` is in epoch milliseconds here; each adapter writes it as a time (ISO 8601 text in CSV, a
 * TIMESTAMP adjusted to UTC in Parquet).
 */
export function exportRowsSql(req: RollupExport): SqlQuery {
  const base = channelRowsSql({ period: req.period, from: req.from, to: req.to });
  const params = [...base.params];
  let where = '';
  if (req.channelIds?.length) {
    where = `WHERE channel_id IN (${req.channelIds.map((id) => (params.push(id), `$${params.length}`)).join(', ')})`;
  }
  // Cost and CO2 of the same channel and bucket from the cost step (empty where nothing is priced).
  const sql = `SELECT channel_id, b.meter_id, facility_id, zip, '${req.period}' AS period, b.start_ts AS start, b.label,
      b.unit, b.energy, covered_ms, mean_power, min_power, max_power, samples, coverage,
      k.currency, k.cost, k.co2 AS co2_kg
    FROM (${base.sql}) b LEFT JOIN costs k ON k.level = 'channel' AND k.key = b.channel_id
      AND k.period = '${req.period}' AND k.start_ts = b.start_ts
    ${where} ORDER BY channel_id, b.start_ts`;
  return { sql, params };
}

/**
 * What the store adapters' tariff repositories share: the DDL, row mapping and the SQL of every method
 * (positional `$n` parameters, the same on DuckDB and PostgreSQL). A tariff version is kept as JSON
 * text beside the columns it is looked up by; costs are one table of channel and meter rows, and the
 * facility and zip code levels are sums of meter rows at query time (so a batch run that reprices a
 * few meters never has to rewrite a zip code's rows).
 */
import type {
  CostQuery,
  CostRow,
  CostServed,
  IntensityRow,
  StoredTariff,
  TariffRepo,
} from './ports/tariffs.ts';

type Row = Record<string, unknown>;
type Value = string | number | boolean | null;

/** Runs a statement with positional parameters and returns its rows. */
export type TariffQuery = (sql: string, params?: Value[]) => Promise<Row[]>;
/** Appends cost rows inside the transaction by the engine's bulk path (DuckDB's appender). */
export type CostInserter = (rows: readonly CostRow[]) => Promise<void>;
/**
 * Runs `fn` in one transaction, giving it a query function bound to that transaction and, where the
 * engine has one, a bulk inserter for cost rows (else rows go in as multi-row INSERTs).
 */
export type TariffTransaction = <T>(
  fn: (q: TariffQuery, insertCosts?: CostInserter) => Promise<T>,
) => Promise<T>;

/**
 * DDL of the tariff tables; `text`, `big`, `int` and `double` are the engine's type names. `indexes`
 * adds the costs table's index (PostgreSQL; DuckDB's index would slow the delete-then-insert of a
 * repricing, which scans the table anyway).
 */
export function tariffsDdl(
  t: { text: string; big: string; int: string; double: string },
  indexes: boolean,
): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS tariffs (org_id ${t.text} NOT NULL, name ${t.text} NOT NULL,
      commodity ${t.text} NOT NULL, valid_from ${t.text} NOT NULL, valid_to ${t.text},
      definition ${t.text} NOT NULL, imported_at ${t.big} NOT NULL, PRIMARY KEY (org_id, name, valid_from))`,
    `CREATE TABLE IF NOT EXISTS grid_intensity (org_id ${t.text} NOT NULL, region ${t.text} NOT NULL,
      month ${t.int} NOT NULL, hour ${t.int} NOT NULL, g_per_kwh ${t.double} NOT NULL,
      PRIMARY KEY (org_id, region, month, hour))`,
    `CREATE TABLE IF NOT EXISTS costs (level ${t.text} NOT NULL, key ${t.text} NOT NULL,
      meter_id ${t.text} NOT NULL, commodity ${t.text} NOT NULL, period ${t.text} NOT NULL,
      start_ts ${t.big} NOT NULL, label ${t.text} NOT NULL, currency ${t.text} NOT NULL, unit ${t.text} NOT NULL,
      energy ${t.double} NOT NULL, energy_cost ${t.double} NOT NULL, standing ${t.double} NOT NULL,
      demand ${t.double} NOT NULL, demand_kw ${t.double}, cost ${t.double} NOT NULL, co2 ${t.double})`,
    ...(indexes ? ['CREATE INDEX IF NOT EXISTS costs_meter ON costs (meter_id, start_ts)'] : []),
  ];
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function rowToTariff(r: Row): StoredTariff {
  return {
    orgId: String(r['org_id']),
    name: String(r['name']),
    commodity: String(r['commodity']) as StoredTariff['commodity'],
    validFrom: String(r['valid_from']),
    validTo: r['valid_to'] === null || r['valid_to'] === undefined ? null : String(r['valid_to']),
    definition: JSON.parse(String(r['definition'])) as Record<string, unknown>,
    importedAt: num(r['imported_at']),
  };
}

function rowToServed(r: Row, q: CostQuery): CostServed {
  return {
    level: q.level,
    key: String(r['key']),
    commodity: String(r['commodity']) as CostServed['commodity'],
    period: q.period,
    start: num(r['start_ts']),
    label: String(r['label']),
    currency: String(r['currency']),
    unit: String(r['unit']),
    energy: num(r['energy']),
    energyCost: num(r['energy_cost']),
    standing: num(r['standing']),
    demand: num(r['demand']),
    cost: num(r['cost']),
    co2: numOrNull(r['co2']),
    meters: num(r['meters']),
  };
}

/** The costs table's columns, in table order (the appender fills them in this order). */
export const COST_COLUMNS =
  'level, key, meter_id, commodity, period, start_ts, label, currency, unit, energy, energy_cost, standing, demand, demand_kw, cost, co2';
// Rows per INSERT: 16 parameters each, well under PostgreSQL's 65,535 parameters per statement.
const CHUNK = 500;

/** A cost row's values in {@link COST_COLUMNS} order. */
export function costValues(r: CostRow): Value[] {
  return [
    r.level,
    r.key,
    r.meterId,
    r.commodity,
    r.period,
    r.start,
    r.label,
    r.currency,
    r.unit,
    r.energy,
    r.energyCost,
    r.standing,
    r.demand,
    r.demandKw,
    r.cost,
    r.co2,
  ];
}

/** The served-cost query of {@link CostQuery}. */
export function costsSql(q: CostQuery): { sql: string; params: Value[] } {
  const params: Value[] = [q.period, q.level === 'channel' ? 'channel' : 'meter'];
  const where = ['c.period = $1', 'c.level = $2'];
  const add = (cond: (p: string) => string, v: Value) => {
    params.push(v);
    where.push(cond(`$${params.length}`));
  };
  if (q.from !== undefined) add((p) => `c.start_ts >= ${p}`, q.from);
  if (q.to !== undefined) add((p) => `c.start_ts < ${p}`, q.to);
  if (q.orgId !== undefined) add((p) => `f.org_id = ${p}`, q.orgId);
  if (q.facilityId !== undefined) add((p) => `f.id = ${p}`, q.facilityId);
  if (q.facilityIds !== undefined) {
    if (q.facilityIds.length === 0) where.push('FALSE');
    else
      where.push(`f.id IN (${q.facilityIds.map((id) => (params.push(id), `$${params.length}`)).join(', ')})`);
  }
  if (q.meterId !== undefined) add((p) => `c.meter_id = ${p}`, q.meterId);
  if (q.channelId !== undefined) add((p) => `c.key = ${p}`, q.channelId);
  if (q.zip !== undefined) add((p) => `f.zip = ${p}`, q.zip);
  const base = `SELECT c.*, f.id AS facility_id, f.zip FROM costs c JOIN meters m ON m.id = c.meter_id
    JOIN facilities f ON f.id = m.facility_id WHERE ${where.join(' AND ')}`;
  const key = q.level === 'facility' ? 'facility_id' : q.level === 'zip' ? 'zip' : 'key';
  const sql = `SELECT ${key} AS key, commodity, start_ts, MIN(label) AS label, currency, unit,
      SUM(energy) AS energy, SUM(energy_cost) AS energy_cost, SUM(standing) AS standing, SUM(demand) AS demand,
      SUM(cost) AS cost, SUM(co2) AS co2, COUNT(*) AS meters
    FROM (${base}) b WHERE ${key} IS NOT NULL GROUP BY ${key}, commodity, start_ts, currency, unit
    ORDER BY key, commodity, start_ts LIMIT ${Math.max(1, Math.floor(q.limit ?? 10_000))}`;
  return { sql, params };
}

/** The repository over a query function and a transaction runner (the adapter supplies both). */
export function createTariffQueries(q: TariffQuery, tx: TariffTransaction): TariffRepo {
  return {
    async putTariffs(tariffs) {
      if (tariffs.length === 0) return;
      await tx(async (t) => {
        const names = new Map(tariffs.map((x) => [`${x.orgId}\u0000${x.name}`, x]));
        for (const x of names.values())
          await t('DELETE FROM tariffs WHERE org_id = $1 AND name = $2', [x.orgId, x.name]);
        for (const x of tariffs)
          await t(
            `INSERT INTO tariffs (org_id, name, commodity, valid_from, valid_to, definition, imported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [
              x.orgId,
              x.name,
              x.commodity,
              x.validFrom,
              x.validTo,
              JSON.stringify(x.definition),
              x.importedAt,
            ],
          );
      });
    },
    async listTariffs(orgId) {
      const rows = await q(
        `SELECT org_id, name, commodity, valid_from, valid_to, definition, imported_at FROM tariffs
         WHERE org_id = $1 ORDER BY name, valid_from`,
        [orgId],
      );
      return rows.map(rowToTariff);
    },
    async putIntensity(orgId, rows) {
      if (rows.length === 0) return;
      await tx(async (t) => {
        for (const region of new Set(rows.map((r) => r.region)))
          await t('DELETE FROM grid_intensity WHERE org_id = $1 AND region = $2', [orgId, region]);
        for (let i = 0; i < rows.length; i += CHUNK) {
          const chunk = rows.slice(i, i + CHUNK);
          const params: Value[] = [];
          const tuples = chunk.map((r) => {
            params.push(orgId, r.region, r.month, r.hour, r.gPerKwh);
            const n = params.length;
            return `($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
          });
          await t(
            `INSERT INTO grid_intensity (org_id, region, month, hour, g_per_kwh) VALUES ${tuples.join(', ')}`,
            params,
          );
        }
      });
    },
    async listIntensity(orgId) {
      const rows = await q(
        'SELECT region, month, hour, g_per_kwh FROM grid_intensity WHERE org_id = $1 ORDER BY region, month, hour',
        [orgId],
      );
      return rows.map((r): IntensityRow => ({
        region: String(r['region']),
        month: num(r['month']),
        hour: num(r['hour']),
        gPerKwh: num(r['g_per_kwh']),
      }));
    },
    async replaceCosts(scope, rows) {
      if (scope.meterIds.length === 0 && rows.length === 0) return;
      await tx(async (t, insertCosts) => {
        for (const meterId of scope.meterIds) {
          if (scope.from === undefined) await t('DELETE FROM costs WHERE meter_id = $1', [meterId]);
          else await t('DELETE FROM costs WHERE meter_id = $1 AND start_ts >= $2', [meterId, scope.from]);
        }
        if (insertCosts) return insertCosts(rows);
        for (let i = 0; i < rows.length; i += CHUNK) {
          const chunk = rows.slice(i, i + CHUNK);
          const params: Value[] = [];
          const tuples = chunk.map((r) => {
            const first = params.length + 1;
            params.push(...costValues(r));
            return `(${Array.from({ length: 16 }, (_, k) => `$${first + k}`).join(', ')})`;
          });
          await t(`INSERT INTO costs (${COST_COLUMNS}) VALUES ${tuples.join(', ')}`, params);
        }
      });
    },
    async listCosts(query) {
      const { sql, params } = costsSql(query);
      return (await q(sql, params)).map((r) => rowToServed(r, query));
    },
  };
}

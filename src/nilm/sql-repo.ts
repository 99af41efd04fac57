/**
 * One SQL implementation of the NILM repository for both store adapters: they share `$n` parameters,
 * `ON CONFLICT` and these column types, so each adapter supplies only a query function, a transaction
 * runner and its type names.
 */
import type {
  ApplianceDailyEnergy,
  ApplianceInventoryItem,
  ApplianceSeries,
  NilmRepo,
  StoredNilmModel,
} from '../store/ports/nilm.ts';
import type { NilmModel } from './types.ts';

/** Runs one statement with positional `$n` parameters (JS arrays bind as SQL arrays/lists) and returns its rows. */
export type SqlQuery = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** What an adapter gives the shared repository. */
export interface NilmSql {
  query: SqlQuery;
  /** Runs `fn` in one transaction on one connection. */
  transaction<T>(fn: (query: SqlQuery) => Promise<T>): Promise<T>;
}

/** DDL of the NILM tables for a dialect with these type names. */
export function nilmDdl(t: { text: string; double: string; json: string }): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS nilm_models (id ${t.text} PRIMARY KEY, facility_id ${t.text}, method ${t.text} NOT NULL,
      trained_on ${t.text} NOT NULL, trained_at BIGINT NOT NULL, model ${t.json} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS nilm_series (facility_id ${t.text} NOT NULL, appliance ${t.text} NOT NULL,
      ts BIGINT NOT NULL, power ${t.double}, PRIMARY KEY (facility_id, appliance, ts))`,
    `CREATE TABLE IF NOT EXISTS nilm_daily_energy (facility_id ${t.text} NOT NULL, appliance ${t.text} NOT NULL,
      day ${t.text} NOT NULL, energy_wh ${t.double} NOT NULL, coverage ${t.double} NOT NULL, model_id ${t.text} NOT NULL,
      PRIMARY KEY (facility_id, appliance, day))`,
    `CREATE TABLE IF NOT EXISTS nilm_inventory (facility_id ${t.text} NOT NULL, appliance ${t.text} NOT NULL,
      confidence ${t.double} NOT NULL, on_power_w ${t.double} NOT NULL, activations_per_day ${t.double} NOT NULL,
      model_id ${t.text} NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (facility_id, appliance))`,
  ];
}

const ROWS_PER_INSERT = 500;

function rowToModel(r: Record<string, unknown>): StoredNilmModel {
  const m = r['model'];
  return {
    id: String(r['id']),
    facilityId: r['facility_id'] === null || r['facility_id'] === undefined ? null : String(r['facility_id']),
    method: String(r['method']),
    trainedOn: String(r['trained_on']),
    trainedAt: Number(r['trained_at']),
    model: (typeof m === 'string' ? JSON.parse(m) : m) as NilmModel,
  };
}

/** Inserts rows of `width` values with multi-row VALUES statements. */
async function insertMany(
  q: SqlQuery,
  head: string,
  width: number,
  rows: unknown[][],
  tail = '',
): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const values = chunk
      .map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`)
      .join(', ');
    await q(`${head} VALUES ${values} ${tail}`, chunk.flat());
  }
}

/** The shared SQL {@link NilmRepo}. */
export function createSqlNilmRepo(db: NilmSql): NilmRepo {
  const { query } = db;
  return {
    async saveModel(m) {
      await query(
        `INSERT INTO nilm_models (id, facility_id, method, trained_on, trained_at, model) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET facility_id = excluded.facility_id, method = excluded.method,
         trained_on = excluded.trained_on, trained_at = excluded.trained_at, model = excluded.model`,
        [m.id, m.facilityId, m.method, m.trainedOn, m.trainedAt, JSON.stringify(m.model)],
      );
    },
    async getModel(id) {
      const rows = await query('SELECT * FROM nilm_models WHERE id = $1', [id]);
      return rows[0] ? rowToModel(rows[0]) : undefined;
    },
    async listModels(filter = {}) {
      const rows =
        filter.facilityId === undefined
          ? await query('SELECT * FROM nilm_models ORDER BY trained_at DESC, id')
          : await query('SELECT * FROM nilm_models WHERE facility_id = $1 ORDER BY trained_at DESC, id', [
              filter.facilityId,
            ]);
      return rows.map(rowToModel);
    },
    async writeSeries(series: ApplianceSeries[]) {
      await db.transaction(async (q) => {
        for (const s of series) {
          if (s.ts.length === 0) continue;
          await q(
            'DELETE FROM nilm_series WHERE facility_id = $1 AND appliance = $2 AND ts >= $3 AND ts <= $4',
            [s.facilityId, s.appliance, s.ts[0]!, s.ts[s.ts.length - 1]!],
          );
          // Two arrays unnested side by side: one statement per series instead of one row per sample.
          await q(
            'INSERT INTO nilm_series (facility_id, appliance, ts, power) SELECT $1, $2, unnest($3::BIGINT[]), unnest($4::FLOAT8[])',
            [
              s.facilityId,
              s.appliance,
              Array.from(s.ts),
              Array.from(s.power, (v) => (Number.isNaN(v) ? null : v)),
            ],
          );
        }
      });
    },
    async readSeries(facilityId, appliance, from, to) {
      const rows = await query(
        'SELECT ts, power FROM nilm_series WHERE facility_id = $1 AND appliance = $2 AND ts >= $3 AND ts < $4 ORDER BY ts',
        [facilityId, appliance, from, to],
      );
      return {
        facilityId,
        appliance,
        ts: Float64Array.from(rows, (r) => Number(r['ts'])),
        power: Float64Array.from(rows, (r) => (r['power'] === null ? NaN : Number(r['power']))),
      };
    },
    async upsertDailyEnergy(rows: ApplianceDailyEnergy[]) {
      await insertMany(
        query,
        'INSERT INTO nilm_daily_energy (facility_id, appliance, day, energy_wh, coverage, model_id)',
        6,
        rows.map((r) => [r.facilityId, r.appliance, r.day, r.energyWh, r.coverage, r.modelId]),
        `ON CONFLICT (facility_id, appliance, day) DO UPDATE SET energy_wh = excluded.energy_wh,
         coverage = excluded.coverage, model_id = excluded.model_id`,
      );
    },
    async listDailyEnergy(facilityId, range = {}) {
      const rows = await query(
        `SELECT * FROM nilm_daily_energy WHERE facility_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, appliance`,
        [facilityId, range.from ?? '0000-00-00', range.to ?? '9999-99-99'],
      );
      return rows.map((r) => ({
        facilityId: String(r['facility_id']),
        appliance: String(r['appliance']),
        day: String(r['day']),
        energyWh: Number(r['energy_wh']),
        coverage: Number(r['coverage']),
        modelId: String(r['model_id']),
      }));
    },
    async replaceInventory(facilityId, items: ApplianceInventoryItem[]) {
      await db.transaction(async (q) => {
        await q('DELETE FROM nilm_inventory WHERE facility_id = $1', [facilityId]);
        await insertMany(
          q,
          'INSERT INTO nilm_inventory (facility_id, appliance, confidence, on_power_w, activations_per_day, model_id, updated_at)',
          7,
          items.map((i) => [
            facilityId,
            i.appliance,
            i.confidence,
            i.onPowerW,
            i.activationsPerDay,
            i.modelId,
            i.updatedAt,
          ]),
        );
      });
    },
    async listInventory(facilityId) {
      const rows = await query(
        'SELECT * FROM nilm_inventory WHERE facility_id = $1 ORDER BY confidence DESC, appliance',
        [facilityId],
      );
      return rows.map((r) => ({
        facilityId: String(r['facility_id']),
        appliance: String(r['appliance']),
        confidence: Number(r['confidence']),
        onPowerW: Number(r['on_power_w']),
        activationsPerDay: Number(r['activations_per_day']),
        modelId: String(r['model_id']),
        updatedAt: Number(r['updated_at']),
      }));
    },
  };
}

/** The NILM repository (models, appliance series, daily energy, inventories), written once for every adapter. */
import type {
  ApplianceDailyEnergy,
  ApplianceInventoryItem,
  ApplianceSeries,
  NilmModel,
  NilmRepo,
  StoredNilmModel,
} from '../ports/nilm.ts';
import type { SqlDialect } from './dialect.ts';
import { json, num, numOrNull, type Row, str, strOrNull } from './row.ts';
import { insertMany, type SqlDb } from './sql-db.ts';

/** DDL of the NILM tables. */
export function nilmDdl(t: SqlDialect): string[] {
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

function rowToModel(r: Row): StoredNilmModel {
  return {
    id: str(r, 'id'),
    facilityId: strOrNull(r, 'facility_id'),
    method: str(r, 'method'),
    trainedOn: str(r, 'trained_on'),
    trainedAt: num(r, 'trained_at'),
    model: json<NilmModel>(r, 'model'),
  };
}

/** The {@link NilmRepo} over a database. */
export function createNilmRepo(db: SqlDb): NilmRepo {
  const query = (sql: string, params?: unknown[]) => db.query(sql, params);
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
      await db.transaction(async (tx) => {
        for (const s of series) {
          if (s.ts.length === 0) continue;
          await tx.query(
            'DELETE FROM nilm_series WHERE facility_id = $1 AND appliance = $2 AND ts >= $3 AND ts <= $4',
            [s.facilityId, s.appliance, s.ts[0]!, s.ts[s.ts.length - 1]!],
          );
          // Two arrays unnested side by side: one statement per series instead of one row per sample.
          await tx.query(
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
        ts: Float64Array.from(rows, (r) => num(r, 'ts')),
        power: Float64Array.from(rows, (r) => numOrNull(r, 'power') ?? NaN),
      };
    },
    async upsertDailyEnergy(rows: ApplianceDailyEnergy[]) {
      await insertMany(
        db,
        'INSERT INTO nilm_daily_energy (facility_id, appliance, day, energy_wh, coverage, model_id)',
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
        facilityId: str(r, 'facility_id'),
        appliance: str(r, 'appliance'),
        day: str(r, 'day'),
        energyWh: num(r, 'energy_wh'),
        coverage: num(r, 'coverage'),
        modelId: str(r, 'model_id'),
      }));
    },
    async replaceInventory(facilityId, items: ApplianceInventoryItem[]) {
      await db.transaction(async (tx) => {
        await tx.query('DELETE FROM nilm_inventory WHERE facility_id = $1', [facilityId]);
        await insertMany(
          tx,
          'INSERT INTO nilm_inventory (facility_id, appliance, confidence, on_power_w, activations_per_day, model_id, updated_at)',
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
        facilityId: str(r, 'facility_id'),
        appliance: str(r, 'appliance'),
        confidence: num(r, 'confidence'),
        onPowerW: num(r, 'on_power_w'),
        activationsPerDay: num(r, 'activations_per_day'),
        modelId: str(r, 'model_id'),
        updatedAt: num(r, 'updated_at'),
      }));
    },
  };
}

/**
 * Alerts stored before they carried their unit (issue 14, item 1): migrating adds the column and fills
 * it from the channels, on DuckDB and PostgreSQL, and a second migration changes nothing.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDuckdbContext } from './duckdb/connection.ts';
import { duckdbSqlDialect } from './duckdb/dialect.ts';
import { createDuckdbSqlDb } from './duckdb/sql-db.ts';
import type { AlertRepo } from './ports/alerts.ts';
import { postgresSqlDialect } from './postgres/dialect.ts';
import { createPgSqlDb } from './postgres/sql-db.ts';
import { alertsDdl, createAlertRepo } from './sql/alerts.ts';
import { catalogDdl } from './sql/catalog.ts';

/** The alerts table as it was created before the unit column. */
const OLD_ALERTS = `CREATE TABLE alerts (id TEXT PRIMARY KEY, rule TEXT NOT NULL, channel_id TEXT NOT NULL,
  facility_id TEXT NOT NULL, org_id TEXT NOT NULL, ts BIGINT NOT NULL, end_ts BIGINT, value DOUBLE PRECISION NOT NULL,
  threshold DOUBLE PRECISION, severity TEXT NOT NULL, state TEXT NOT NULL, message TEXT NOT NULL,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`;
const OLD_ROWS = [
  `INSERT INTO channels (id, meter_id, name, is_mains, appliance, measurement, unit, interval_ms, max_gap_ms, rollover_at)
     VALUES ('m1.energy', 'm1', 'energy', TRUE, NULL, 'interval', 'Wh', 300000, NULL, NULL)`,
  `INSERT INTO alerts VALUES ('a1', 'overshoot', 'm1.energy', 'f1', 'o1', 1, NULL, 1530, 1480, 'warning', 'open', 'value 1530', 1, 1)`,
  `INSERT INTO alerts VALUES ('a2', 'overshoot', 'gone', 'f1', 'o1', 2, NULL, 5, 3, 'warning', 'open', 'value 5', 1, 1)`,
];

async function check(alerts: AlertRepo): Promise<void> {
  expect(await alerts.getAlert('a1')).toMatchObject({ unit: 'Wh', value: 1530, threshold: 1480 });
  // Its channel is gone: the unit is unknown rather than guessed.
  expect(await alerts.getAlert('a2')).toMatchObject({ unit: null });
}

describe('alerts from before units', () => {
  it('get their channel unit on DuckDB', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const ctx = await openDuckdbContext(instance, ':memory:');
    try {
      for (const ddl of catalogDdl(duckdbSqlDialect)) await ctx.conn.run(ddl);
      await ctx.conn.run(OLD_ALERTS);
      for (const sql of OLD_ROWS) await ctx.conn.run(sql);
      for (let i = 0; i < 2; i++) for (const ddl of alertsDdl(duckdbSqlDialect)) await ctx.conn.run(ddl);
      await check(createAlertRepo(createDuckdbSqlDb(ctx)));
    } finally {
      await ctx.close();
      instance.closeSync();
    }
  });

  it('get their channel unit on PostgreSQL', async () => {
    const schema = `t_alert_units_${Math.random().toString(36).slice(2, 10)}`;
    const url = process.env['LOADSCOPE_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
    try {
      for (const ddl of catalogDdl(postgresSqlDialect)) await pool.query(ddl);
      await pool.query(OLD_ALERTS);
      for (const sql of OLD_ROWS) await pool.query(sql);
      for (let i = 0; i < 2; i++) for (const ddl of alertsDdl(postgresSqlDialect)) await pool.query(ddl);
      await check(createAlertRepo(createPgSqlDb({ pool, schema })));
    } finally {
      await pool.end();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });
});

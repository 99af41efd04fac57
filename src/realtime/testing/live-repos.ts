/**
 * The live and alert repositories on both store adapters, for their contract suite and the tests of
 * what writes through them (the live writer).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import * as duckAlerts from '../../store/duckdb/alerts.ts';
import * as duckCatalog from '../../store/duckdb/catalog.ts';
import { openDuckdbContext } from '../../store/duckdb/connection.ts';
import * as duckLive from '../../store/duckdb/live.ts';
import type { AlertRepo } from '../../store/ports/alerts.ts';
import type { LiveRepo } from '../../store/ports/live.ts';
import * as pgAlerts from '../../store/postgres/alerts.ts';
import * as pgCatalog from '../../store/postgres/catalog.ts';
import * as pgLive from '../../store/postgres/live.ts';

/** The live and alert repositories of one adapter on a fresh database. */
export interface LiveRepos {
  live: LiveRepo;
  alerts: AlertRepo;
  close(): Promise<void>;
}

/** Opens {@link LiveRepos} on DuckDB (in memory) or PostgreSQL (a fresh schema, dropped by `close`). */
export const LIVE_REPO_ADAPTERS: Record<'duckdb' | 'postgres', () => Promise<LiveRepos>> = {
  async duckdb() {
    const instance = await DuckDBInstance.create(':memory:');
    const ctx = await openDuckdbContext(instance, ':memory:');
    // The catalog first: the alerts migration fills old alerts' units from the channels.
    for (const ddl of [...duckCatalog.catalogSchema, ...duckLive.liveSchema, ...duckAlerts.alertsSchema])
      await ctx.conn.run(ddl);
    return {
      live: duckLive.createLiveRepo(ctx),
      alerts: duckAlerts.createAlertRepo(ctx),
      close: async () => {
        await ctx.close();
        instance.closeSync();
      },
    };
  },
  async postgres() {
    const schema = `t_realtime_${Math.random().toString(36).slice(2, 10)}`;
    const url = process.env['LOADSCOPE_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
    for (const ddl of [...pgCatalog.catalogSchema, ...pgLive.liveSchema, ...pgAlerts.alertsSchema])
      await pool.query(ddl);
    const ctx = { pool, schema };
    return {
      live: pgLive.createLiveRepo(ctx),
      alerts: pgAlerts.createAlertRepo(ctx),
      close: async () => {
        await pool.end();
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      },
    };
  },
};

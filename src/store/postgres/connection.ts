import type pg from 'pg';

/** What every PostgreSQL repository receives: a connection pool. */
export interface PgContext {
  readonly pool: pg.Pool;
  /** Schema (namespace) the tables live in; tests use one per run. */
  readonly schema: string;
}

import {
  DOUBLE,
  type DuckDBConnection,
  type DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { DEFAULT_READ_CONNECTIONS, openReadPool, type ReadPool } from './read-pool.ts';

/** What every DuckDB repository receives: the open database, its write connection and its read pool. */
export interface DuckdbContext {
  readonly instance: DuckDBInstance;
  /**
   * Connection for small writes (upserts, updates, deletes). One connection runs them one at a time,
   * so two of them never conflict on the same row. Transactions and the reading writer open their own.
   */
  readonly conn: DuckDBConnection;
  /** Connections for read-only statements (`sql-db.ts` sends those of the shared SQL here: {@link isReadOnlySql}). */
  readonly reads: ReadPool;
  /** Path of the database file, or `:memory:`. */
  readonly path: string;
}

/** A {@link DuckdbContext} that closes its connections (not the instance) with `close()`. */
export interface OpenDuckdbContext extends DuckdbContext {
  close(): Promise<void>;
}

/**
 * Opens the write connection and a read pool of `readConnections` on an open instance. `close()`
 * waits for the reads in flight, then closes every connection it opened.
 */
export async function openDuckdbContext(
  instance: DuckDBInstance,
  path: string,
  readConnections = DEFAULT_READ_CONNECTIONS,
): Promise<OpenDuckdbContext> {
  const conn = await instance.connect();
  let reads: ReadPool;
  try {
    reads = await openReadPool(instance, readConnections);
  } catch (err) {
    conn.closeSync();
    throw err;
  }
  return {
    instance,
    conn,
    reads,
    path,
    async close() {
      await reads.close();
      conn.closeSync();
    },
  };
}

/** A result row as plain JS values (BIGINT arrives as bigint, lists as arrays). */
export type Row = Record<string, unknown>;

/** Where a statement runs: one connection, or a connection leased from the read pool. */
export type Queryable = DuckDBConnection | ReadPool;

function on<T>(target: Queryable, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  return 'use' in target ? target.use(fn) : fn(target);
}

// Beyond this a JS number cannot be an int64; DuckDB's binder would still try (see bindTypes).
const INT64_LIMIT = 2 ** 63;

/**
 * Parameter types for `values` when the caller gave none. `@duckdb/node-api` binds every integral
 * number as an integer, so a finite double such as 1e19 (integral, as every double above 2^53 is)
 * fails with "bigint out of int64 range" before the statement runs, even for a DOUBLE column: one
 * huge live value used to fail the whole flush of every organisation (issue 13, item 6). Those
 * numbers are bound as DOUBLE; every other parameter keeps the library's choice (undefined).
 */
export function bindTypes(values: readonly DuckDBValue[]): (DuckDBType | undefined)[] | undefined {
  let types: (DuckDBType | undefined)[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isInteger(v) && (v >= INT64_LIMIT || v < -INT64_LIMIT)) {
      types ??= new Array<DuckDBType | undefined>(values.length);
      types[i] = DOUBLE;
    }
  }
  return types;
}

/** Runs a query and returns its rows as objects. */
export async function queryRows(
  target: Queryable,
  sql: string,
  values: DuckDBValue[] = [],
  types?: DuckDBType[],
): Promise<Row[]> {
  const bound = types ?? (bindTypes(values) as DuckDBType[] | undefined);
  return on(
    target,
    async (conn) => (await conn.runAndReadAll(sql, values, bound)).getRowObjectsJS() as Row[],
  );
}

// A statement that may write: DML, DDL, COPY, or a function with a side effect. Matching too much only
// sends a read to the write connection, which can read as well.
const MAY_WRITE = /\b(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|COPY|nextval|setval)\b/i;

/** True for a statement that only reads: a SELECT (or WITH ... SELECT) that names nothing that writes. */
export function isReadOnlySql(sql: string): boolean {
  return /^\s*(SELECT|WITH)\b/i.test(sql) && !MAY_WRITE.test(sql);
}

/** Quotes a string as an SQL literal (for statements such as COPY that take no parameters). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * Runs a query whose columns are all DOUBLE and NOT NULL and returns them as typed arrays, copying
 * each result vector's memory in one go instead of converting value by value.
 */
export async function queryFloat64Columns(
  target: Queryable,
  sql: string,
  values: DuckDBValue[] = [],
): Promise<Float64Array[]> {
  const { result, chunks } = await on(target, async (conn) => {
    const result = await conn.run(sql, values);
    return { result, chunks: await result.fetchAllChunks() };
  });
  const total = chunks.reduce((s, c) => s + c.rowCount, 0);
  const out = Array.from({ length: result.columnCount }, () => new Float64Array(total));
  let offset = 0;
  for (const chunk of chunks) {
    const n = chunk.rowCount;
    for (let col = 0; col < out.length; col++) {
      const bytes = duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, col), n * 8);
      (out[col] as Float64Array).set(new Float64Array(bytes.buffer, bytes.byteOffset, n), offset);
    }
    offset += n;
  }
  return out;
}

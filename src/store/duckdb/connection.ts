import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';

/** What every DuckDB repository receives: the open database and a connection to it. */
export interface DuckdbContext {
  readonly instance: DuckDBInstance;
  /** Connection for reads and small writes. */
  readonly conn: DuckDBConnection;
  /** Path of the database file, or `:memory:`. */
  readonly path: string;
}

/** A result row as plain JS values (BIGINT arrives as bigint, lists as arrays). */
export type Row = Record<string, unknown>;

/** Runs a query and returns its rows as objects. */
export async function queryRows(
  conn: DuckDBConnection,
  sql: string,
  values: DuckDBValue[] = [],
): Promise<Row[]> {
  return (await conn.runAndReadAll(sql, values)).getRowObjectsJS() as Row[];
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
  conn: DuckDBConnection,
  sql: string,
  values: DuckDBValue[] = [],
): Promise<Float64Array[]> {
  const result = await conn.run(sql, values);
  const chunks = await result.fetchAllChunks();
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

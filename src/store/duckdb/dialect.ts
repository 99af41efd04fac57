import type { SqlDialect } from '../sql/dialect.ts';

const unnestTextList = (p: string): string => `unnest(from_json(${p}::VARCHAR, '["VARCHAR"]'))`;

/** DuckDB's types and fragments for the shared repositories. */
export const duckdbSqlDialect: SqlDialect = {
  name: 'duckdb',
  text: 'VARCHAR',
  big: 'BIGINT',
  double: 'DOUBLE',
  bool: 'BOOLEAN',
  json: 'VARCHAR',
  // Ids travel as one JSON text parameter, parsed by from_json in SQL, which keeps quoting safe.
  inTextList: (col, p) => `${col} IN (SELECT ${unnestTextList(p)})`,
  unnestTextList,
  textList: (values) => JSON.stringify(values),
  byteOrder: '',
  // A list travels as JSON text: DuckDB binds a JS array only with an explicit list type.
  textArray: (values) => JSON.stringify(values),
  textArrayCast: '::JSON::VARCHAR[]',
  // A DuckDB temp table belongs to the connection, and transactions run on a connection of their own.
  tempTable: (name, cols) => `CREATE TEMP TABLE ${name} (${cols})`,
};

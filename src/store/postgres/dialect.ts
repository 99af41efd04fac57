import type { SqlDialect } from '../sql/dialect.ts';

/** PostgreSQL's types and fragments for the shared repositories. */
export const postgresSqlDialect: SqlDialect = {
  name: 'postgres',
  text: 'TEXT',
  big: 'BIGINT',
  double: 'DOUBLE PRECISION',
  bool: 'BOOLEAN',
  json: 'JSONB',
  inTextList: (col, p) => `${col} = ANY(${p})`,
  unnestTextList: (p) => `unnest(${p}::text[])`,
  textList: (values) => [...values],
  byteOrder: ' COLLATE "C"',
  textArray: (values) => [...values],
  textArrayCast: '',
  tempTable: (name, cols) => `CREATE TEMP TABLE ${name} (${cols}) ON COMMIT DROP`,
};

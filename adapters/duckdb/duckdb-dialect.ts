import { ansiDialect } from '../ansi-dialect.js';

/** DuckDB SQL; seed types follow dbt-duckdb's. */
export const duckdbDialect = ansiDialect(
  {
    integer: 'INTEGER',
    bigint: 'BIGINT',
    float: 'DOUBLE',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    text: 'VARCHAR',
  },
  { relationClass: 'DuckDBRelation', databaseInSchemaDdl: true, scratch: { database: 'temp', schema: 'main' } },
);

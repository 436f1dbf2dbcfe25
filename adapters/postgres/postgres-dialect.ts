import { ansiDialect } from '../ansi-dialect.js';

/** Postgres SQL; seed types follow dbt-postgres's. */
export const postgresDialect = ansiDialect({
  integer: 'integer',
  bigint: 'bigint',
  float: 'float8',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp without time zone',
  text: 'text',
}, {
  relationClass: 'PostgresRelation',
  databaseInSchemaDdl: false,
  scratch: { schema: 'pg_temp' },
  // Blocks other writers (and other snapshot runs) but not readers.
  lockForWrite: (qualified) => `lock table ${qualified} in share row exclusive mode`,
});

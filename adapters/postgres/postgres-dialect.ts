import { ansiDialect } from '../ansi-dialect.js';

/** Postgres SQL; seed types follow dbt-postgres's. */
export const postgresDialect = ansiDialect(
  {
    integer: 'integer',
    bigint: 'bigint',
    float: 'float8',
    boolean: 'boolean',
    date: 'date',
    timestamp: 'timestamp without time zone',
    text: 'text',
  },
  {
    relationClass: 'PostgresRelation',
    databaseInSchemaDdl: false,
    scratch: { schema: 'pg_temp' },
    // Blocks other writers (and other snapshot runs) but not readers.
    lockForWrite: (qualified) => `lock table ${qualified} in share row exclusive mode`,
    // Held until commit; keyed on the name, so it works before the table exists. (The run lock uses
    // the two-key form of advisory locks, a separate key space.)
    lockBuild: (qualified) => `select pg_advisory_xact_lock(hashtextextended('${qualified.replace(/'/g, "''")}', 0))`,
  },
);

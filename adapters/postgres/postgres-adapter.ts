import { z } from 'zod';
import type { Adapter, ConnectionPool } from '../../core/adapter/adapter.js';
import { zodProblems } from '../config-problems.js';
import { SessionPool } from '../session-pool.js';
import { openClient } from './postgres-client.js';
import { PostgresSession } from './postgres-connection.js';
import { postgresDialect } from './postgres-dialect.js';
import { acquirePostgresRunLock } from './postgres-run-lock.js';

/** A Postgres output in profiles.yml (dbt-postgres's keys). */
const postgresProfileSchema = z.strictObject({
  type: z.literal('postgres'),
  // Required, as in dbt-postgres: a profile without them must not quietly reach a local server.
  host: z.string(),
  port: z.coerce.number().int().positive(),
  user: z.string(),
  password: z.union([z.string(), z.number()]).transform(String).optional(),
  pass: z.union([z.string(), z.number()]).transform(String).optional(),
  dbname: z.string().optional(),
  database: z.string().optional(),
  schema: z.string(),
  threads: z.coerce.number().int().positive().default(1),
  sslmode: z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']).default('prefer'),
  connect_timeout: z.coerce.number().int().positive().default(10),
  keepalives_idle: z.coerce.number().int().nonnegative().optional(),
  // Passed to the server as startup options, so only plain names are accepted.
  search_path: z.string().regex(/^[\w$, ]+$/, 'must be a comma-separated list of schema names').optional(),
  role: z.string().regex(/^\w+$/, 'must be a role name').optional(),
  application_name: z.string().default('strata'),
  retries: z.coerce.number().int().nonnegative().optional(),
});

/** A validated Postgres output. */
export type PostgresConfig = z.infer<typeof postgresProfileSchema> & { dbname: string };

/** Postgres through `pg`: one session per thread, transactional DDL, COPY for seeds. */
export const postgresAdapter: Adapter = {
  name: 'postgres',
  capabilities: { transactionalDdl: true, replaceViewAnyShape: false, concurrentConnections: true, foreignKeys: true, grants: true, maxIdentifierBytes: 63 },
  dialect: postgresDialect,
  parseConfig(raw) {
    const parsed = postgresProfileSchema.safeParse(raw);
    if (!parsed.success) return { problems: zodProblems(parsed.error, postgresProfileSchema, raw) };
    const dbname = parsed.data.dbname ?? parsed.data.database;
    if (!dbname) return { problems: [{ key: 'dbname', message: "'dbname' is required (the database to connect to)." }] };
    const config: PostgresConfig = { ...parsed.data, dbname, ...(parsed.data.password ?? parsed.data.pass ? { password: parsed.data.password ?? parsed.data.pass } : {}) };
    return { config, target: { type: 'postgres', schema: config.schema, threads: config.threads, database: dbname } };
  },
  async connect(raw, { size }): Promise<ConnectionPool> {
    const config = raw as PostgresConfig;
    // Open one session now so a bad profile fails before any node starts.
    const first = await openClient(config);
    let handedOut = false;
    const session = async () => {
      const client = handedOut ? await openClient(config) : first;
      handedOut = true;
      return new PostgresSession(client, () => openClient(config));
    };
    return new SessionPool(size, session, async () => {
      if (!handedOut) await first.end();
    });
  },
  acquireRunLock: (config, target, options) => acquirePostgresRunLock(config as PostgresConfig, target, options),
};

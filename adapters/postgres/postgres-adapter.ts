import type pg from 'pg';
import { z } from 'zod';
import type { Adapter, ConnectionPool } from '../../core/adapter/adapter.js';
import { zodProblems } from '../config-problems.js';
import { loadDriver } from '../load-driver.js';
import { SessionPool } from '../session-pool.js';
import { explainConnectError } from './connection-errors.js';
import { PostgresSession } from './postgres-connection.js';
import { postgresDialect } from './postgres-dialect.js';

/** A Postgres output in profiles.yml (dbt-postgres's keys). */
const postgresProfileSchema = z.strictObject({
  type: z.literal('postgres'),
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().positive().default(5432),
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

type PostgresConfig = z.infer<typeof postgresProfileSchema> & { dbname: string };

function clientConfig(config: PostgresConfig): pg.ClientConfig {
  // sslmode: 'prefer' and weaker connect without TLS (the driver cannot fall back); 'require' and stronger use it.
  const ssl = ['require', 'verify-ca', 'verify-full'].includes(config.sslmode) ? { rejectUnauthorized: config.sslmode !== 'require' } : false;
  const options = [config.search_path ? `-c search_path=${config.search_path.replace(/ /g, '\\ ')}` : '', config.role ? `-c role=${config.role}` : ''].filter(Boolean).join(' ');
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    database: config.dbname,
    ssl,
    connectionTimeoutMillis: config.connect_timeout * 1000,
    application_name: config.application_name,
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.keepalives_idle ? { keepAlive: true, keepAliveInitialDelayMillis: config.keepalives_idle * 1000 } : {}),
    ...(options ? { options } : {}),
  };
}

async function openClient(config: PostgresConfig): Promise<pg.Client> {
  const driver = loadDriver<typeof pg>('pg');
  const client = new driver.Client(clientConfig(config));
  // An idle session whose server goes away emits 'error'; without a listener that would crash the CLI.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw explainConnectError(err, config);
  }
  return client;
}

/** Postgres through `pg`: one session per thread, transactional DDL, COPY for seeds. */
export const postgresAdapter: Adapter = {
  name: 'postgres',
  capabilities: { transactionalDdl: true, replaceViewAnyShape: false, concurrentConnections: true, foreignKeys: true, grants: true },
  dialect: postgresDialect,
  parseConfig(raw) {
    const parsed = postgresProfileSchema.safeParse(raw);
    if (!parsed.success) return { problems: zodProblems(parsed.error, postgresProfileSchema) };
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
};

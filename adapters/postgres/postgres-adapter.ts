import type { Adapter, ConnectionPool } from '../../core/adapter/adapter.js';
import { zodProblems } from '../config-problems.js';
import { SessionPool } from '../session-pool.js';
import { openClient } from './postgres-client.js';
import { PostgresSession } from './postgres-connection.js';
import { postgresProfileSchema, type PostgresConfig } from './postgres-config.js';
import { postgresDialect } from './postgres-dialect.js';
import { acquirePostgresRunLock } from './postgres-run-lock.js';

/** Postgres through `pg`: one session per thread, transactional DDL, COPY for seeds. */
export const postgresAdapter: Adapter = {
  name: 'postgres',
  capabilities: {
    transactionalDdl: true,
    replaceViewAnyShape: false,
    concurrentConnections: true,
    foreignKeys: true,
    grants: true,
    maxIdentifierBytes: 63,
  },
  dialect: postgresDialect,
  parseConfig(raw) {
    const parsed = postgresProfileSchema.safeParse(raw);
    if (!parsed.success) return { problems: zodProblems(parsed.error, postgresProfileSchema, raw) };
    const dbname = parsed.data.dbname ?? parsed.data.database;
    if (!dbname) return { problems: [{ key: 'dbname', message: "'dbname' is required (the database to connect to)." }] };
    const config: PostgresConfig = {
      ...parsed.data,
      dbname,
      ...((parsed.data.password ?? parsed.data.pass) ? { password: parsed.data.password ?? parsed.data.pass } : {}),
    };
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

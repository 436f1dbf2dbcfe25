import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import type { Adapter, ConnectionPool } from '../../core/adapter/adapter.js';
import type { Connection } from '../../core/adapter/connection.js';
import { duckdb, TEST_TARGETS, type TestTarget } from './targets.js';

/**
 * A session whose `transaction()` fails: on a database without transactional DDL a plan must run
 * statement by statement, and one that still asked for a transaction would otherwise pass on
 * DuckDB's real ones.
 */
function withoutTransactions(connection: Connection): Connection {
  const refuse = () => Promise.reject(new Error('a plan opened a transaction on an adapter without transactional DDL'));
  return new Proxy(connection, {
    get(target, key) {
      if (key === 'transaction') return refuse;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** DuckDB declaring no transactional DDL, so the planners' and runner's non-transactional branches run. */
const adapter: Adapter = {
  ...duckdb.adapter,
  capabilities: { ...duckdb.adapter.capabilities, transactionalDdl: false },
  async connect(config, options): Promise<ConnectionPool> {
    const pool = await duckdb.adapter.connect(config, options);
    return {
      withConnection: (fn) => pool.withConnection((connection) => fn(withoutTransactions(connection))),
      cancelAll: () => pool.cancelAll(),
      close: () => pool.close(),
    };
  },
};

/** The DuckDB target with that adapter in place of the built-in one (profiles still say `type: duckdb`). */
export const duckdbWithoutTransactionalDdl: TestTarget = {
  ...duckdb,
  title: 'duckdb without transactional DDL',
  adapter,
  adapters: BUILTIN_ADAPTERS.map((a) => (a.name === adapter.name ? adapter : a)),
};

/**
 * Targets of the materialization suites (run, seeds, incremental, snapshots, microbatch): the
 * selected ones, plus DuckDB without transactional DDL whenever DuckDB is selected.
 */
export const MATERIALIZATION_TARGETS: readonly TestTarget[] = TEST_TARGETS.some((t) => t === duckdb)
  ? [...TEST_TARGETS, duckdbWithoutTransactionalDdl]
  : TEST_TARGETS;

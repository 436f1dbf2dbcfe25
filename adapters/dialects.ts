import type { SqlDialect } from '../core/adapter/dialect.js';

/**
 * The SQL dialect of a built-in adapter type, loaded without the adapter itself (its config
 * checks and drivers), for commands that only render SQL. Must name the same types as
 * BUILTIN_ADAPTERS; a test checks that they agree.
 */
export async function builtinDialect(type: string): Promise<SqlDialect | undefined> {
  if (type === 'duckdb') return (await import('./duckdb/duckdb-dialect.js')).duckdbDialect;
  if (type === 'postgres') return (await import('./postgres/postgres-dialect.js')).postgresDialect;
  return undefined;
}

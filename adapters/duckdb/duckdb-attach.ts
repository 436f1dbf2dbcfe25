import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ConnectionPool, ProfileOutput } from '../../core/adapter/adapter.js';
import { StrataEnvironmentError } from '../../core/diagnostics/environment-error.js';
import { duckdbDialect } from './duckdb-dialect.js';
import { firstLine } from './duckdb-extensions.js';
import type { DuckDbAttachment, DuckDbConfig } from './duckdb-profile.js';

const q = duckdbDialect.quoteString;

/**
 * `attach if not exists …`: an attached database belongs to the whole DuckDB instance, which
 * every run on the same file in this process shares, so attaching twice is a no-op.
 */
export function attachSql(a: DuckDbAttachment): string {
  const options = [
    ...(a.type ? [`type ${a.type}`] : []),
    ...(a.read_only ? ['read_only'] : []),
    ...Object.entries(a.options).map(([k, v]) => `${k} ${typeof v === 'string' ? q(v) : String(v)}`),
  ];
  return `attach if not exists ${q(a.path)} as ${duckdbDialect.quoteIdentifier(a.alias)}${options.length ? ` (${options.join(', ')})` : ''}`;
}

/** Attaches the profile's `attach:` databases; a failure names the entry. */
export async function attachAll(connection: DuckDBConnection, attachments: readonly DuckDbAttachment[]): Promise<void> {
  for (const a of attachments) {
    try {
      // DuckDB creates a writable database that does not exist, but not its folder.
      if (!a.read_only && !a.type && isAbsolute(a.path)) mkdirSync(dirname(a.path), { recursive: true });
      await connection.run(attachSql(a));
    } catch (err) {
      throw new StrataEnvironmentError(
        'attach-failed',
        `Cannot attach ${a.path} as '${a.alias}' (under 'attach' in profiles.yml): ${firstLine(err)}. Check its 'path'${a.read_only ? ' (a read-only database must exist)' : ''}.`,
      );
    }
  }
}

/**
 * `--defer` to a state built in another DuckDB file: each catalog the state's relations name that
 * this database has not attached is attached read-only from the profile output whose file has
 * that catalog name, so nothing is ever written to production's file.
 */
export async function attachCatalogs(pool: ConnectionPool, catalogs: readonly string[], outputs: () => ProfileOutput[]): Promise<void> {
  await pool.withConnection(async (connection) => {
    const { rows } = await connection.execute('select database_name from duckdb_databases()');
    const have = new Set(rows.map((r) => String(r.database_name).toLowerCase()));
    const missing = catalogs.filter((c) => !have.has(c.toLowerCase()));
    if (missing.length === 0) return;
    const candidates = outputs();
    for (const catalog of missing) {
      const output = candidates.find(
        (o) => o.target.database?.toLowerCase() === catalog.toLowerCase() && (o.config as DuckDbConfig).path !== ':memory:',
      );
      if (!output) {
        throw new StrataEnvironmentError(
          'defer-catalog-missing',
          `--defer reads relations from the database '${catalog}' (named by the --state manifest), which this target has not attached, and no other output of the profile builds a DuckDB file named ${catalog}. ` +
            `Attach the production file read-only in this target's profile:\n  attach:\n    - path: /path/to/${catalog}.duckdb\n      alias: ${catalog}\n      read_only: true`,
        );
      }
      const path = (output.config as DuckDbConfig).path;
      try {
        await connection.execute(attachSql({ path, alias: catalog, read_only: true, options: {} }));
      } catch (err) {
        throw new StrataEnvironmentError(
          'attach-failed',
          `--defer: cannot attach ${path} (the DuckDB file of target '${output.name}') read-only as '${catalog}': ${firstLine(err)}. Build that target first, or point --state at artifacts of a build that exists.`,
        );
      }
    }
  });
}

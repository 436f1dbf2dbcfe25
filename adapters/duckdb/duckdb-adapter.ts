import type { DuckDBConnection } from '@duckdb/node-api';
import type { Adapter, ConnectionPool } from '../../core/adapter/adapter.js';
import { StrataEnvironmentError } from '../../core/diagnostics/environment-error.js';
import { SessionPool } from '../session-pool.js';
import { attachAll, attachCatalogs } from './duckdb-attach.js';
import { DuckDbSession } from './duckdb-connection.js';
import { duckdbDialect } from './duckdb-dialect.js';
import { extensionError, firstLine, loadExtensions, missingExtension } from './duckdb-extensions.js';
import { openDatabase } from './duckdb-instances.js';
import { parseDuckDbProfile, type DuckDbConfig } from './duckdb-profile.js';
import { acquireDuckDbRunLock } from './duckdb-run-lock.js';
import { createSecretSql, secretValues } from './duckdb-secrets.js';
import { applyLateSettings } from './duckdb-settings.js';

/** Embedded DuckDB: the default target, no server needed. */
export const duckdbAdapter: Adapter = {
  name: 'duckdb',
  // DuckDB cannot rename a table that foreign keys point at, so contracts' foreign keys are not created.
  capabilities: { transactionalDdl: true, replaceViewAnyShape: true, concurrentConnections: true, foreignKeys: false, grants: false },
  dialect: duckdbDialect,
  parseConfig: parseDuckDbProfile,
  async connect(raw, { size }): Promise<ConnectionPool> {
    const config = raw as DuckDbConfig;
    const { instance, late, release } = await openDatabase(config.path, { ...config.config_options, ...config.settings });
    try {
      const setup = await instance.connect();
      try {
        await prepare(setup, config, late);
      } finally {
        setup.closeSync();
      }
    } catch (err) {
      release();
      throw err;
    }
    return new SessionPool(size, async () => new DuckDbSession(await instance.connect()), release);
  },
  acquireRunLock: (config, target, options) => acquireDuckDbRunLock((config as DuckDbConfig).path, target, options),
  attachCatalogs,
};

/**
 * Readies a freshly opened (or shared) database for the profile, in the order each step needs
 * the one before: extensions, the settings they define, secrets (a type such as s3 comes from
 * an extension), then attached databases (which may be remote, read with the secrets).
 */
async function prepare(setup: DuckDBConnection, config: DuckDbConfig, late: Record<string, string | number | boolean>): Promise<void> {
  await loadExtensions(setup, config.extensions);
  await applyLateSettings(setup, late);
  for (const secret of config.secrets) {
    try {
      await setup.run(createSecretSql(secret));
    } catch (err) {
      const extension = missingExtension(err);
      const needed = `needed by the secret '${secret.name}' of type ${secret.type} under 'secrets' in profiles.yml`;
      if (extension) throw await extensionError(setup, { name: extension }, 'is not installed', err, needed);
      // DuckDB may quote a value back; none of them reaches the message.
      const reason = secretValues(secret).reduce((text, value) => text.split(value).join('****'), firstLine(err));
      throw new StrataEnvironmentError(
        'duckdb-secret-invalid',
        `DuckDB refused the secret '${secret.name}' (type ${secret.type}, under 'secrets' in profiles.yml): ${reason}.`,
      );
    }
  }
  await attachAll(setup, config.attach);
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { StrataEnvironmentError } from '../../core/diagnostics/environment-error.js';
import { extensionError, firstLine, missingExtension } from './duckdb-extensions.js';

export type SettingValue = string | number | boolean;

/** Values of settings whose names look secret (s3_secret_access_key …) are never quoted back. */
const SECRET_NAME = /secret|password|token|key/i;

/** `set global <name> = <value>`: for every connection of the database. */
export function settingSql(name: string, value: SettingValue): string {
  return `set global ${name} = ${typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value)}`;
}

/** Sets the settings an extension defines, once the profile's extensions are loaded. */
export async function applyLateSettings(connection: DuckDBConnection, settings: Record<string, SettingValue>): Promise<void> {
  for (const [name, value] of Object.entries(settings)) {
    try {
      await connection.run(settingSql(name, value));
    } catch (err) {
      const extension = missingExtension(err);
      if (extension)
        throw await extensionError(
          connection,
          { name: extension },
          'is not installed',
          err,
          `needed by the setting '${name}' under 'settings' in profiles.yml`,
        );
      throw settingError(name, value, err);
    }
  }
}

/** The error for a setting DuckDB refused: an unknown name (with DuckDB's suggestion) or a bad value. */
export function settingError(name: string, value: SettingValue, err: unknown): StrataEnvironmentError {
  const message = (err as Error).message ?? String(err);
  if (/unrecognized configuration parameter/.test(message)) {
    const suggestion = /Did you mean: "(\w+)"/.exec(message)?.[1];
    return new StrataEnvironmentError(
      'duckdb-setting-invalid',
      `Unknown DuckDB setting '${name}' under 'settings' in profiles.yml.${suggestion ? ` Did you mean '${suggestion}'?` : ''} The settings DuckDB knows are listed by: select name from duckdb_settings().`,
    );
  }
  let reason = firstLine(err);
  if (SECRET_NAME.test(name) && String(value).length > 0) reason = reason.split(String(value)).join('****');
  return new StrataEnvironmentError(
    'duckdb-setting-invalid',
    `DuckDB refused the value of the setting '${name}' under 'settings' in profiles.yml: ${reason}.`,
  );
}

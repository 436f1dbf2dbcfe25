import type { DuckDBConnection } from '@duckdb/node-api';
import { StrataEnvironmentError } from '../../core/diagnostics/environment-error.js';
import { didYouMean } from '../../core/diagnostics/suggest.js';

/** An extension from the profile: its name and, for one outside DuckDB's core repository, where from. */
export interface ExtensionEntry {
  name: string;
  repo?: string;
}

/**
 * Loads each extension, installing only the ones not installed yet: a machine without network
 * access works with what is installed, and one that is missing is an error naming it and saying
 * how to install it from a file.
 */
export async function loadExtensions(connection: DuckDBConnection, extensions: readonly ExtensionEntry[]): Promise<void> {
  for (const extension of extensions) {
    const state = await rows(
      connection,
      `select installed, loaded from duckdb_extensions() where extension_name = '${extension.name.toLowerCase()}'`,
    );
    if (state[0]?.loaded === true) continue;
    if (state[0]?.installed !== true) {
      const from = extension.repo
        ? ` from ${/^\w+$/.test(extension.repo) ? extension.repo : `'${extension.repo.replace(/'/g, "''")}'`}`
        : '';
      try {
        await connection.run(`install ${extension.name}${from}`);
      } catch (err) {
        throw await extensionError(connection, extension, `could not be installed (${firstLine(err)})`, err);
      }
    }
    try {
      await connection.run(`load ${extension.name}`);
    } catch (err) {
      throw await extensionError(connection, extension, `is installed but could not be loaded (${firstLine(err)})`, err);
    }
  }
}

/**
 * The error for an extension DuckDB could not get: an unknown name (DuckDB lists candidates),
 * or a known one that could not be downloaded, with the way to install it without network access.
 */
export async function extensionError(
  connection: DuckDBConnection,
  extension: ExtensionEntry,
  what: string,
  cause: unknown,
  neededBy = "listed under 'extensions' in profiles.yml",
): Promise<StrataEnvironmentError> {
  const message = (cause as Error).message ?? String(cause);
  const candidates = /Candidate extensions: (.*)$/m.exec(message)?.[1];
  if (candidates && !extension.repo) {
    const names = [...candidates.matchAll(/"(\w+)"/g)].map((m) => m[1] as string);
    return new StrataEnvironmentError(
      'extension-unavailable',
      `The DuckDB extension '${extension.name}' (${neededBy}) ${what}: DuckDB knows no extension of that name.${didYouMean(extension.name, names)}`,
    );
  }
  return new StrataEnvironmentError(
    'extension-unavailable',
    `The DuckDB extension '${extension.name}' (${neededBy}) ${what}. ${await offlineHint(connection, extension)}`,
  );
}

/** How to install an extension on a machine without network access, for this DuckDB's version and platform. */
async function offlineHint(connection: DuckDBConnection, extension: ExtensionEntry): Promise<string> {
  const [facts] = await rows(
    connection,
    "select version() as version, (select platform from pragma_platform()) as platform, current_setting('extension_directory') as dir",
  ).catch(() => [] as Record<string, unknown>[]);
  const version = String(facts?.version ?? '<version>');
  const platform = String(facts?.platform ?? '<platform>');
  const base =
    extension.repo === undefined || extension.repo === 'core'
      ? 'http://extensions.duckdb.org'
      : extension.repo === 'community'
        ? 'http://community-extensions.duckdb.org'
        : extension.repo === 'core_nightly'
          ? 'http://nightly-extensions.duckdb.org'
          : extension.repo.replace(/\/$/, '');
  const dir = facts?.dir ? String(facts.dir) : `~/.duckdb/extensions/${version}/${platform}`;
  return (
    `To install it without network access, download ${base}/${version}/${platform}/${extension.name}.duckdb_extension.gz ` +
    `on a machine that has it, unzip it, and copy ${extension.name}.duckdb_extension into ${dir} ` +
    `(or run INSTALL '/path/to/${extension.name}.duckdb_extension' in DuckDB on this machine).`
  );
}

/**
 * The extension an autoloading failure names ("… the required extension 'httpfs'", "the httpfs
 * extension needs to be loaded"), if that is what a statement failed on.
 */
export function missingExtension(err: unknown): string | undefined {
  const message = (err as Error).message ?? '';
  return (
    /required extension '(\w+)'/.exec(message)?.[1] ??
    /the (\w+) extension needs to be loaded/.exec(message)?.[1] ??
    /Extension "[^"]*\/(\w+)\.duckdb_extension" not found/.exec(message)?.[1]
  );
}

export function firstLine(err: unknown): string {
  const message = (err as Error).message ?? String(err);
  return (message.split('\n')[0] ?? message).replace(/^\w+( \w+)? Error: /, '').trim();
}

async function rows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

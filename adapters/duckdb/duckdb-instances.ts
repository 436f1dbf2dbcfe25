import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type * as DuckDb from '@duckdb/node-api';
import { StrataEnvironmentError } from '../../core/diagnostics/environment-error.js';
import { loadDriver } from '../load-driver.js';
import { settingError, settingSql, type SettingValue } from './duckdb-settings.js';

/** An open database and the way to let go of it. */
export interface OpenDatabase {
  instance: DuckDb.DuckDBInstance;
  /**
   * Settings DuckDB did not know when the database opened (an extension defines them, as httpfs
   * does s3_region): to be set once the profile's extensions are loaded.
   */
  late: Record<string, SettingValue>;
  /** Closes the database once its last user in this process lets go. */
  release(): void;
}

interface Opened {
  instance: DuckDb.DuckDBInstance;
  late: Record<string, SettingValue>;
}

interface Shared {
  opening: Promise<Opened>;
  users: number;
}

/**
 * Database files open in this process. DuckDB lets two instances of one process open the same
 * file (its file lock is per process) and then they overwrite each other's changes, so every
 * user of a file in this process shares one instance (and the settings of whoever opened it).
 */
const shared = new Map<string, Shared>();

/** Opens (or shares) the database at `path`; a failure is a sentence naming the file and what to check. */
export async function openDatabase(path: string, settings: Record<string, SettingValue>): Promise<OpenDatabase> {
  if (path === ':memory:') {
    const { instance, late } = await create(path, settings);
    return { instance, late, release: () => instance.closeSync() };
  }
  let entry = shared.get(path);
  if (!entry) {
    entry = { opening: create(path, settings), users: 0 };
    shared.set(path, entry);
    const failed = entry;
    entry.opening.catch(() => shared.get(path) === failed && shared.delete(path));
  }
  entry.users++;
  const held = entry;
  let opened: Opened;
  try {
    opened = await held.opening;
  } catch (err) {
    held.users--;
    throw err;
  }
  const { instance, late } = opened;
  let released = false;
  return {
    instance,
    late,
    release: () => {
      if (released) return;
      released = true;
      if (--held.users > 0) return;
      if (shared.get(path) === held) shared.delete(path);
      instance.closeSync();
    },
  };
}

/**
 * Opens the database with the profile's settings as its start-up configuration (some, such as
 * allow_unsigned_extensions, can only be set then). A setting DuckDB does not know yet, because
 * an extension defines it, is left for after the extensions load; a value it refuses is an error
 * naming the setting.
 */
async function create(path: string, settings: Record<string, SettingValue>): Promise<Opened> {
  if (path !== ':memory:') {
    try {
      makeFolders(dirname(path));
    } catch (err) {
      throw new StrataEnvironmentError(
        'database-file-unusable',
        `Cannot create the folder ${dirname(path)} for the DuckDB file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Check 'path' in profiles.yml.`,
      );
    }
  }
  const { DuckDBInstance } = loadDriver<typeof DuckDb>('@duckdb/node-api');
  const startup = new Map(Object.entries(settings));
  const late: Record<string, SettingValue> = {};
  for (;;) {
    try {
      const instance = await DuckDBInstance.create(path, Object.fromEntries([...startup].map(([k, v]) => [k, String(v)])));
      // In the profile's order, so the first one refused is the first one written.
      return { instance, late: Object.fromEntries(Object.entries(settings).filter(([name]) => name in late)) };
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      const unknown =
        /options were not recognized: (.*)$/m.exec(message)?.[1]?.split(/,\s*/) ??
        [/To set the (\w+) setting, the \w+ extension needs to be loaded/.exec(message)?.[1]].filter((n) => n !== undefined);
      const deferred = unknown.filter((name) => startup.has(name));
      if (deferred.length) {
        for (const name of deferred) {
          late[name] = startup.get(name) as SettingValue;
          startup.delete(name);
        }
        continue;
      }
      if (/Failed to set config/.test(message)) throw await refusedSetting(DuckDBInstance, startup, message);
      throw explainOpenError(err, path);
    }
  }
}

/**
 * DuckDB says only "Failed to set config" when a start-up value is wrong; setting each one on a
 * scratch in-memory database finds which, and DuckDB's reason.
 */
async function refusedSetting(
  DuckDBInstance: typeof DuckDb.DuckDBInstance,
  settings: Map<string, SettingValue>,
  message: string,
): Promise<StrataEnvironmentError> {
  const scratch = await DuckDBInstance.create(':memory:');
  try {
    const connection = await scratch.connect();
    try {
      for (const [name, value] of settings) {
        try {
          await connection.run(settingSql(name, value));
        } catch (err) {
          if (!/while database is running/.test((err as Error).message)) return settingError(name, value, err);
        }
      }
    } finally {
      connection.closeSync();
    }
  } finally {
    scratch.closeSync();
  }
  return new StrataEnvironmentError(
    'duckdb-setting-invalid',
    `DuckDB refused the 'settings' in profiles.yml (${message.replace(/^\w+( \w+)? Error: /, '')}); check the values of ${[...settings.keys()].join(', ')}.`,
  );
}

/**
 * Creates `dir` and its missing parents one level at a time. Node's `recursive` mkdir retries
 * forever when a filesystem answers ENOENT for a folder whose parent exists (procfs), so a path
 * under /proc would hang the run instead of failing.
 */
function makeFolders(dir: string): void {
  const isFolder = () => statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;
  if (isFolder()) return;
  const parent = dirname(dir);
  if (parent !== dir) makeFolders(parent);
  try {
    mkdirSync(dir);
  } catch (err) {
    // Another process may have made it meanwhile; a file of that name stays an error.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !isFolder()) throw err;
  }
}

/** DuckDB's message for a file it cannot open, as one sentence saying what to do. */
function explainOpenError(err: unknown, path: string): StrataEnvironmentError {
  const message = (err as Error).message ?? String(err);
  // "Could not set lock on file "…": Conflicting lock is held in /usr/bin/node (PID 1234) by user x."
  const holder = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message);
  if (holder) {
    return new StrataEnvironmentError(
      'database-file-locked',
      `The DuckDB file ${path} is in use by another process (PID ${holder[2]}, ${holder[1]}); DuckDB lets one process at a time write to a file. Wait for it to finish, or stop it.`,
    );
  }
  const reason = /Cannot open file "[^"]*": (.*)$/m.exec(message)?.[1] ?? message.replace(/^\w+ Error: /, '');
  return new StrataEnvironmentError(
    'database-file-unusable',
    `Cannot open the DuckDB file ${path}: ${reason.trim()}. Check 'path' in profiles.yml and that its folder can be written.`,
  );
}

import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type * as DuckDb from '@duckdb/node-api';
import { StrataEnvironmentError } from '../../core/diagnostics/environment-error.js';
import { loadDriver } from '../load-driver.js';

/** An open database and the way to let go of it. */
export interface OpenDatabase {
  instance: DuckDb.DuckDBInstance;
  /** Closes the database once its last user in this process lets go. */
  release(): void;
}

interface Shared {
  opening: Promise<DuckDb.DuckDBInstance>;
  users: number;
}

/**
 * Database files open in this process. DuckDB lets two instances of one process open the same
 * file (its file lock is per process) and then they overwrite each other's changes, so every
 * user of a file in this process shares one instance (and the settings of whoever opened it).
 */
const shared = new Map<string, Shared>();

/** Opens (or shares) the database at `path`; a failure is a sentence naming the file and what to check. */
export async function openDatabase(path: string, settings: Record<string, string>): Promise<OpenDatabase> {
  if (path === ':memory:') {
    const instance = await create(path, settings);
    return { instance, release: () => instance.closeSync() };
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
  let instance: DuckDb.DuckDBInstance;
  try {
    instance = await held.opening;
  } catch (err) {
    held.users--;
    throw err;
  }
  let released = false;
  return {
    instance,
    release: () => {
      if (released) return;
      released = true;
      if (--held.users > 0) return;
      if (shared.get(path) === held) shared.delete(path);
      instance.closeSync();
    },
  };
}

async function create(path: string, settings: Record<string, string>): Promise<DuckDb.DuckDBInstance> {
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
  try {
    return await DuckDBInstance.create(path, settings);
  } catch (err) {
    throw explainOpenError(err, path);
  }
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

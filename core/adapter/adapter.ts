import type { Connection } from './connection.js';
import type { SqlDialect } from './dialect.js';
import type { RunLock, RunLockOptions } from './run-lock.js';

/** What a database can do; materializations pick statements by these flags. */
export interface AdapterCapabilities {
  /** DDL (create, drop, rename) can be rolled back inside a transaction. */
  transactionalDdl: boolean;
  /** `create or replace view` keeps working when the column list changes. */
  replaceViewAnyShape: boolean;
  /** Several connections can write at once (otherwise the runner uses one). */
  concurrentConnections: boolean;
  /** Foreign key constraints can be created (and survive the rename-based table swap). */
  foreignKeys: boolean;
  /** `grant <privilege> on <relation> to <role>` exists (the `grants` config). */
  grants: boolean;
  /**
   * The `incremental_strategy` values this database supports; absent: every strategy Strata
   * plans (append, delete+insert, merge, microbatch). A model naming another fails before the run.
   */
  incrementalStrategies?: readonly string[];
  /**
   * The longest identifier in UTF-8 bytes (Postgres: 63, it silently cuts longer ones). Names
   * Strata derives (temp, backup, staging, constraint names) are shortened with a hash to fit, and
   * a relation whose own name is longer fails before the run. Absent: no limit to respect.
   */
  maxIdentifierBytes?: number;
}

/** Capability defaults for a database that promises nothing. */
export const DEFAULT_CAPABILITIES: AdapterCapabilities = {
  transactionalDdl: false,
  replaceViewAnyShape: false,
  concurrentConnections: false,
  foreignKeys: false,
  grants: false,
};

/** The connection settings of one profile output, already validated by the adapter's schema. */
export type AdapterConfig = Record<string, unknown>;

/** The facts about a target that templates see as `target` and that schemas default to. */
export interface TargetInfo {
  /** Adapter type, e.g. `duckdb`. */
  type: string;
  /** Default schema for models. */
  schema: string;
  /** Default database/catalog, when the adapter has one. */
  database?: string;
  /** Default number of threads. */
  threads: number;
  /** DuckDB (dbt-duckdb's key): the folder external models write to by default, absolute. */
  external_root?: string;
}

/** Another output of the target's profile in profiles.yml, checked by its adapter. */
export interface ProfileOutput {
  /** Its name under `outputs:`. */
  name: string;
  config: AdapterConfig;
  target: TargetInfo;
}

/** One database integration. Core never imports a driver; it receives an Adapter value. */
export interface Adapter {
  /** Profile `type` this adapter serves. */
  name: string;
  /** What the database can do. */
  capabilities: AdapterCapabilities;
  /** Pure SQL generation. */
  dialect: SqlDialect;
  /**
   * Checks a profile output and returns the settings to connect with, or a list of problems
   * (each with the offending key) to report against the profiles file.
   * `projectDir` resolves relative paths.
   */
  parseConfig(
    raw: Record<string, unknown>,
    projectDir: string,
  ): { config: AdapterConfig; target: TargetInfo } | { problems: { key: string; message: string }[] };
  /** Opens a pool of sessions; `size` sessions may be used at once. */
  connect(config: AdapterConfig, options: { size: number }): Promise<ConnectionPool>;
  /**
   * Takes the target's run lock, so that commands which write (run, build, seed, snapshot, test)
   * on one target run one at a time; resolves once held. Without it, runs are not serialized.
   */
  acquireRunLock?(config: AdapterConfig, target: TargetInfo, options: RunLockOptions): Promise<RunLock>;
  /**
   * `--defer` to a state built in another database (DuckDB: another file): makes the `catalogs`
   * its relations name readable, read-only, on the pool's sessions. `outputs` are the profile's
   * other outputs of this adapter's type, to find them by; a catalog found nowhere is a
   * StrataEnvironmentError naming it. Without it, relations are read where they are named.
   */
  attachCatalogs?(pool: ConnectionPool, catalogs: readonly string[], outputs: () => ProfileOutput[]): Promise<void>;
}

/** Sessions shared by the runner's threads. */
export interface ConnectionPool {
  /** Borrows a session, runs `fn`, returns the session. */
  withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T>;
  /** Cancels every running statement (used on Ctrl-C). */
  cancelAll(): Promise<void>;
  /** Closes every session. */
  close(): Promise<void>;
}

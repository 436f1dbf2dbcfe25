import { basename, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { Adapter, ConnectionPool } from '../../core/adapter/adapter.js';
import { StrataEnvironmentError } from '../../core/diagnostics/environment-error.js';
import { SessionPool } from '../session-pool.js';
import { zodProblems } from '../config-problems.js';
import { DuckDbSession } from './duckdb-connection.js';
import { duckdbDialect } from './duckdb-dialect.js';
import { openDatabase } from './duckdb-instances.js';
import { acquireDuckDbRunLock } from './duckdb-run-lock.js';

/** A DuckDB output in profiles.yml (dbt-duckdb's keys). */
const duckdbProfileSchema = z.strictObject({
  type: z.literal('duckdb'),
  path: z.string().default(':memory:'),
  schema: z.string().default('main'),
  database: z.string().optional(),
  threads: z.number().int().positive().default(1),
  extensions: z.array(z.string().regex(/^\w+$/, 'must be an extension name such as httpfs')).default([]),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** Where external models write when they name no `location` (dbt-duckdb's key; relative to the project). */
  external_root: z.string().default('.'),
});

type DuckDbConfig = z.infer<typeof duckdbProfileSchema>;

/** Embedded DuckDB: the default target, no server needed. */
export const duckdbAdapter: Adapter = {
  name: 'duckdb',
  // DuckDB cannot rename a table that foreign keys point at, so contracts' foreign keys are not created.
  capabilities: { transactionalDdl: true, replaceViewAnyShape: true, concurrentConnections: true, foreignKeys: false, grants: false },
  dialect: duckdbDialect,
  parseConfig(raw, projectDir) {
    const parsed = duckdbProfileSchema.safeParse(raw);
    if (!parsed.success) return { problems: zodProblems(parsed.error, duckdbProfileSchema, raw) };
    const config = parsed.data;
    // Relative paths are taken from the project directory, so --project-dir works from anywhere.
    if (config.path !== ':memory:' && !isAbsolute(config.path)) config.path = resolve(projectDir, config.path);
    if (!/^[a-z][a-z0-9+]*:\/\//i.test(config.external_root)) config.external_root = resolve(projectDir, config.external_root);
    const database = config.database ?? (config.path === ':memory:' ? 'memory' : basename(config.path).replace(/\.[^.]*$/, ''));
    return {
      config,
      target: { type: 'duckdb', schema: config.schema, threads: config.threads, database, external_root: config.external_root },
    };
  },
  async connect(raw, { size }): Promise<ConnectionPool> {
    const config = raw as DuckDbConfig;
    const options = Object.fromEntries(Object.entries(config.settings).map(([k, v]) => [k, String(v)]));
    const { instance, release } = await openDatabase(config.path, options);
    try {
      const setup = await instance.connect();
      try {
        for (const ext of config.extensions) {
          await setup.run(`install ${ext}; load ${ext};`).catch((err: unknown) => {
            throw new StrataEnvironmentError(
              'extension-unavailable',
              `Cannot install or load the DuckDB extension '${ext}': ${(err as Error).message}`,
            );
          });
        }
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
};

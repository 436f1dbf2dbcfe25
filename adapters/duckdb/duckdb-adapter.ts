import { mkdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { Adapter, ConnectionPool } from '../../core/adapter/adapter.js';
import type * as DuckDb from '@duckdb/node-api';
import { loadDriver } from '../load-driver.js';
import { SessionPool } from '../session-pool.js';
import { zodProblems } from '../config-problems.js';
import { DuckDbSession } from './duckdb-connection.js';
import { duckdbDialect } from './duckdb-dialect.js';

/** A DuckDB output in profiles.yml (dbt-duckdb's keys). */
const duckdbProfileSchema = z.strictObject({
  type: z.literal('duckdb'),
  path: z.string().default(':memory:'),
  schema: z.string().default('main'),
  database: z.string().optional(),
  threads: z.number().int().positive().default(1),
  extensions: z.array(z.string().regex(/^\w+$/, 'must be an extension name such as httpfs')).default([]),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
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
    if (!parsed.success) return { problems: zodProblems(parsed.error, duckdbProfileSchema) };
    const config = parsed.data;
    // Relative paths are taken from the project directory, so --project-dir works from anywhere.
    if (config.path !== ':memory:' && !isAbsolute(config.path)) config.path = resolve(projectDir, config.path);
    const database = config.database ?? (config.path === ':memory:' ? 'memory' : basename(config.path).replace(/\.[^.]*$/, ''));
    return { config, target: { type: 'duckdb', schema: config.schema, threads: config.threads, database } };
  },
  async connect(raw, { size }): Promise<ConnectionPool> {
    const config = raw as DuckDbConfig;
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    const options = Object.fromEntries(Object.entries(config.settings).map(([k, v]) => [k, String(v)]));
    const { DuckDBInstance } = loadDriver<typeof DuckDb>('@duckdb/node-api');
    const instance = await DuckDBInstance.create(config.path, options);
    const setup = await instance.connect();
    for (const ext of config.extensions) await setup.run(`install ${ext}; load ${ext};`);
    setup.closeSync();
    return new SessionPool(size, async () => new DuckDbSession(await instance.connect()), () => instance.closeSync());
  },
};

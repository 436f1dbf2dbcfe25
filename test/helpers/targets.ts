import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import type { Adapter } from '../../core/adapter/adapter.js';
import { writeFiles } from './temp-project.js';

/** A database the integration suite runs against. */
export interface TestTarget {
  /** Adapter name. */
  name: string;
  /** The adapter under test. */
  adapter: Adapter;
  /** Writes a profiles.yml for `profile` into `dir`, isolated to one test (own file or schema); returns the schema. */
  writeProfile(dir: string, profile: string, options?: { threads?: number }): Promise<string>;
  /** Runs a query against what the test built, rows as JSON-friendly values. */
  query(dir: string, sql: string): Promise<Record<string, unknown>[]>;
}

const duckdb: TestTarget = {
  name: 'duckdb',
  adapter: BUILTIN_ADAPTERS.find((a) => a.name === 'duckdb') as Adapter,
  async writeProfile(dir, profile, options = {}) {
    writeFiles(dir, { 'profiles.yml': `${profile}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: test.duckdb\n      schema: main\n      threads: ${options.threads ?? 2}\n` });
    return 'main';
  },
  async query(dir, sql) {
    const instance = await DuckDBInstance.create(join(dir, 'test.duckdb'));
    try {
      const conn = await instance.connect();
      const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
      conn.closeSync();
      return rows;
    } finally {
      instance.closeSync();
    }
  },
};

/** Targets selected by STRATA_TEST_ADAPTERS (comma-separated; default: every target). */
export const TEST_TARGETS: TestTarget[] = [duckdb].filter((t) => {
  const wanted = process.env.STRATA_TEST_ADAPTERS;
  return !wanted || wanted.split(',').includes(t.name);
});

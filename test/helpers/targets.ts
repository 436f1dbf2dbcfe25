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
  /** Runs a query against what the test built; every value as text (null stays null), so adapters compare alike. */
  query(dir: string, sql: string): Promise<Record<string, string | null>[]>;
}

const duckdb: TestTarget = {
  name: 'duckdb',
  adapter: BUILTIN_ADAPTERS.find((a) => a.name === 'duckdb') as Adapter,
  async writeProfile(dir, profile, options = {}) {
    writeFiles(dir, { 'profiles.yml': `${profile}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: test.duckdb\n      schema: main\n      threads: ${options.threads ?? 2}\n` });
    return 'main';
  },
  query: (dir, sql) => queryDuckDbFile(join(dir, 'test.duckdb'), sql),
};

/** Opens a DuckDB file, runs one query and closes it again (so the next run can open it). */
export async function queryDuckDbFile(file: string, sql: string): Promise<Record<string, string | null>[]> {
  const instance = await DuckDBInstance.create(file);
  try {
    const conn = await instance.connect();
    const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson();
    conn.closeSync();
    return rows.map(asText);
  } finally {
    instance.closeSync();
  }
}

/** Targets selected by STRATA_TEST_ADAPTERS (comma-separated; default: every target). */
export const TEST_TARGETS: TestTarget[] = [duckdb].filter((t) => {
  const wanted = process.env.STRATA_TEST_ADAPTERS;
  return !wanted || wanted.split(',').includes(t.name);
});

/** Every value as text, so DuckDB and Postgres rows compare alike. */
export function asText(row: Record<string, unknown>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]));
}

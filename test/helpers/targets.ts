import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import type { Adapter } from '../../core/adapter/adapter.js';
import { writeFiles } from './temp-project.js';

/** A database the integration suite runs against. */
export interface TestTarget {
  /** Adapter name (the profile's `type`). */
  name: string;
  /** What test titles call it: the adapter name, or the variant of it. */
  title: string;
  /** The adapter under test. */
  adapter: Adapter;
  /** The adapters a run on this target is given: the built-in ones, with `adapter` for its type. */
  adapters: readonly Adapter[];
  /** Writes a profiles.yml for `profile` into `dir`, isolated to one test (own file or schema); returns the schema. */
  writeProfile(dir: string, profile: string, options?: { threads?: number }): Promise<string>;
  /** A profiles.yml output (indented for `outputs:`) building into `schema`; a fresh schema name when omitted. */
  output(schema?: string): { yaml: string; schema: string };
  /** A select that runs for far longer than any test, unless cancelled. */
  slowSql: string;
  /** Runs a query against what the test built; every value as text (null stays null), so adapters compare alike. */
  query(dir: string, sql: string): Promise<Record<string, string | null>[]>;
}

const adapter = (name: string) => BUILTIN_ADAPTERS.find((a) => a.name === name) as Adapter;

/** Embedded DuckDB, one file per test. */
export const duckdb: TestTarget = {
  name: 'duckdb',
  title: 'duckdb',
  adapter: adapter('duckdb'),
  adapters: BUILTIN_ADAPTERS,
  async writeProfile(dir, profile, options = {}) {
    writeFiles(dir, {
      'profiles.yml': `${profile}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: test.duckdb\n      schema: main\n      threads: ${options.threads ?? 2}\n`,
    });
    return 'main';
  },
  query: (dir, sql) => queryDuckDbFile(join(dir, 'test.duckdb'), sql),
  output: (schema = 'main') => ({
    schema,
    yaml: `      type: duckdb\n      path: test.duckdb\n      schema: ${schema}\n      threads: 2\n`,
  }),
  slowSql: 'select count(*) as n from range(1000000000000) a',
};

/** The Postgres server tests use (CI makes sure one answers). */
export const PG_URL = process.env.STRATA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema name, so tests can run in parallel on one database; it names the run (global-setup.ts drops the run's schemas). */
export function uniqueSchema(): string {
  return `strata_t_${process.env.STRATA_TEST_RUN ?? process.pid}_${randomBytes(5).toString('hex')}`;
}

/** A profiles.yml output for the test server. */
export function postgresOutput(schema: string, threads = 2): string {
  const url = new URL(PG_URL);
  const lines = [
    'type: postgres',
    `host: ${url.hostname}`,
    `port: ${url.port || 5432}`,
    `user: ${decodeURIComponent(url.username) || 'postgres'}`,
    ...(url.password ? [`password: "${decodeURIComponent(url.password)}"`] : []),
    `dbname: ${url.pathname.slice(1) || 'postgres'}`,
    `schema: ${schema}`,
    `threads: ${threads}`,
  ];
  return lines.map((l) => `      ${l}\n`).join('');
}

const postgres: TestTarget = {
  name: 'postgres',
  title: 'postgres',
  adapter: adapter('postgres'),
  adapters: BUILTIN_ADAPTERS,
  async writeProfile(dir, profile, options = {}) {
    const schema = uniqueSchema();
    writeFiles(dir, { 'profiles.yml': `${profile}:\n  target: dev\n  outputs:\n    dev:\n${postgresOutput(schema, options.threads)}` });
    return schema;
  },
  query: (_dir, sql) => queryPostgres(sql),
  output: (schema = uniqueSchema()) => ({ schema, yaml: postgresOutput(schema) }),
  slowSql: 'select 1 as n from pg_sleep(60)',
};

/** Runs one query on the test server. */
export async function queryPostgres(sql: string): Promise<Record<string, string | null>[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query(sql)).rows.map(asText);
  } finally {
    await client.end();
  }
}

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
export const TEST_TARGETS: TestTarget[] = [duckdb, postgres].filter((t) => {
  const wanted = process.env.STRATA_TEST_ADAPTERS;
  return !wanted || wanted.split(',').includes(t.name);
});

/** Every value as text, so DuckDB and Postgres rows compare alike. */
export function asText(row: Record<string, unknown>): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v)]),
  );
}

import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Ajv2020 } from 'ajv/dist/2020.js';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshnessQuery } from '../../core/plan/freshness-query.js';
import type { SourceDefinition } from '../../core/project/types.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { PG_URL, TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

const env = { HOME: EMPTY_HOME };
const sourcesSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-sources-v3.json'), 'utf8')) as object;
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(sourcesSchema);

interface SourcesJson {
  metadata: { dbt_schema_version: string };
  results: {
    unique_id: string;
    status: string;
    max_loaded_at?: string;
    snapshotted_at?: string;
    max_loaded_at_time_ago_in_s?: number;
    criteria?: { warn_after: unknown; error_after: unknown; filter: string | null };
    error?: string;
  }[];
  elapsed_time: number;
}

function readSources(file: string): SourcesJson {
  const artifact = JSON.parse(readFileSync(file, 'utf8')) as SourcesJson;
  expect(validate(artifact), JSON.stringify(validate.errors)).toBe(true);
  return artifact;
}

for (const target of TEST_TARGETS) {
  describe(`source freshness on ${target.name}`, () => {
    /** A project whose sources live in the test's own schema; `setupSql` creates and fills them. */
    async function setup(sourcesYml: (schema: string) => string, files: Record<string, string> = {}) {
      const dir = writeProject({ 'dbt_project.yml': projectYml('p'), ...files });
      const schema = await target.writeProfile(dir, 'p', { threads: 1 });
      writeFiles(dir, { 'models/sources.yml': sourcesYml(schema) });
      const strata = (...args: string[]) => cli([...args, '--project-dir', dir], env);
      const sql = async (...statements: string[]) => {
        if (target.name === 'postgres') await target.query(dir, `create schema if not exists ${schema}`);
        for (const s of statements) await target.query(dir, s);
      };
      return { dir, schema, strata, sql };
    }

    /** The first row's max_loaded_at_us, from a session whose time zone is not UTC. */
    async function queryInNewYork(dir: string, sql: string): Promise<unknown> {
      if (target.name === 'postgres') {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        try {
          await client.query("set timezone = 'America/New_York'");
          return ((await client.query(sql)).rows[0] as Record<string, unknown>).max_loaded_at_us;
        } finally {
          await client.end();
        }
      }
      const instance = await DuckDBInstance.create(join(dir, 'test.duckdb'));
      try {
        const conn = await instance.connect();
        await conn.run("set TimeZone = 'America/New_York'");
        const value = (await conn.runAndReadAll(sql)).getRowObjectsJS()[0]?.max_loaded_at_us;
        conn.closeSync();
        return value;
      } finally {
        instance.closeSync();
      }
    }

    // Each table is stamped relative to the database's own clock; naive timestamps hold UTC wall time.
    const utcNow = "(now() at time zone 'UTC')";

    it('judges each table pass, warn or error from its real load times, honours filters and loaded_at_query, and writes sources.json', async () => {
      const { dir, schema, strata, sql } = await setup(
        (s) => `version: 2
sources:
  - name: raw
    schema: ${s}
    loaded_at_field: loaded_at
    config:
      freshness:
        warn_after: {count: 12, period: hour}
        error_after: {count: 24, period: hour}
    tables:
      - name: orders
        tags: [hourly]
      - name: customers
        loaded_at_field: updated_at
      - name: payments
        freshness:
          filter: "status <> 'test'"
      - name: events
        loaded_at_query: "select max(happened_at) from {{ this }}"
        config:
          freshness:
            warn_after: {count: 1, period: day}
            error_after: null
      - name: audit
        freshness: null
      - name: unstamped
        loaded_at_field: null
  - name: reference
    schema: ${s}
    loaded_at_field: loaded_at
    tables:
      - name: lookup
`,
      );
      await sql(
        `create table ${schema}.orders (id int, loaded_at timestamptz)`,
        `insert into ${schema}.orders values (1, now() - interval '30 hours'), (2, now() - interval '1 hours')`,
        `create table ${schema}.customers (id int, updated_at timestamp)`,
        `insert into ${schema}.customers values (1, ${utcNow} - interval '13 hours')`,
        `create table ${schema}.payments (id int, status varchar, loaded_at timestamptz)`,
        `insert into ${schema}.payments values (1, 'ok', now() - interval '30 hours'), (2, 'test', now() - interval '5 minutes')`,
        `create table ${schema}.events (id int, happened_at timestamp)`,
        `insert into ${schema}.events values (1, ${utcNow} - interval '50 hours')`,
        `create table ${schema}.audit (id int)`,
        `create table ${schema}.unstamped (id int)`,
      );
      const { code, out, err } = await strata('source', 'freshness');
      expect(code, err).toBe(1);
      expect(out).toMatch(/1 of 4 START .*raw\.orders \.+ \[RUN\]/);
      expect(out).toMatch(/PASS .*raw\.orders \.+ \[PASS in \d+\.\d\ds\]/);
      expect(out).toMatch(/WARN .*raw\.customers \.+ \[WARN in /);
      expect(err).toMatch(/ERROR STALE .*raw\.payments \.+ \[ERROR STALE in /);
      expect(out).toMatch(/WARN .*raw\.events \.+ \[WARN in /);
      // A table whose freshness is switched off is not checked; one without a loaded_at_field is named.
      expect(out + err).not.toContain('raw.audit');
      // A source without freshness is not checked (its table does not even exist).
      expect(out + err).not.toContain('reference.lookup');
      expect(err).toContain('the freshness of raw.unstamped is not checked');
      expect(out).toContain('Done. PASS=1 WARN=2 ERROR STALE=1 ERROR=0 TOTAL=4');

      const artifact = readSources(join(dir, 'target', 'sources.json'));
      expect(artifact.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/sources/v3.json');
      const byId = new Map(artifact.results.map((r) => [r.unique_id.split('.').pop(), r]));
      expect([...byId.keys()].sort()).toEqual(['customers', 'events', 'orders', 'payments']);
      expect(byId.get('orders')?.status).toBe('pass');
      const hoursAgo = (name: string) => (byId.get(name)?.max_loaded_at_time_ago_in_s ?? NaN) / 3600;
      expect(hoursAgo('orders')).toBeCloseTo(1, 1);
      // A naive timestamp is read as UTC, whatever the session's zone.
      expect(hoursAgo('customers')).toBeCloseTo(13, 1);
      expect(byId.get('customers')?.status).toBe('warn');
      // The filter leaves out the fresh 'test' row.
      expect(hoursAgo('payments')).toBeCloseTo(30, 1);
      expect(byId.get('payments')?.criteria).toEqual({
        warn_after: { count: 12, period: 'hour' },
        error_after: { count: 24, period: 'hour' },
        filter: "status <> 'test'",
      });
      // loaded_at_query, with error_after switched off at the table: only a warning.
      expect(hoursAgo('events')).toBeCloseTo(50, 1);
      expect(byId.get('events')?.criteria?.error_after).toBeNull();
      expect(byId.get('orders')?.max_loaded_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);

      // Only the fresh table: exit 0; a warning alone is still a success.
      expect((await strata('source', 'freshness', '-s', 'source:raw.orders')).code).toBe(0);
      expect((await strata('source', 'freshness', '-s', 'tag:hourly')).code).toBe(0);
      expect(readSources(join(dir, 'target', 'sources.json')).results.map((r) => r.unique_id)).toEqual(['source.p.raw.orders']);
      const warnOnly = await strata(
        'source',
        'freshness',
        '-s',
        'source:raw',
        '--exclude',
        'source:raw.payments',
        '-o',
        join(dir, 'out.json'),
      );
      expect(warnOnly.code, warnOnly.err).toBe(0);
      expect(
        readSources(join(dir, 'out.json'))
          .results.map((r) => r.status)
          .sort(),
      ).toEqual(['pass', 'warn', 'warn']);
      // Under --warn-error a warning fails the command too.
      const strict = await strata('source', 'freshness', '-s', 'source:raw.customers', '--warn-error');
      expect(strict.code).toBe(1);
      expect(strict.err).toContain('LogFreshnessResult');
      // Orchestrators reading dbt's JSON logs get dbt's event names.
      const json = await strata('source', 'freshness', '-s', 'source:raw.customers', '--log-format', 'json');
      const events = json.out
        .split('\n')
        .map((l) => JSON.parse(l) as { info: { name: string; code: string; level: string }; data: Record<string, unknown> });
      expect(events.find((e) => e.info.name === 'LogFreshnessResult')).toMatchObject({
        info: { code: 'Q018', level: 'warn' },
        data: { source_name: 'raw', table_name: 'customers', status: 'warn' },
      });
      // The old spelling still works.
      expect((await strata('source', 'snapshot-freshness', '-s', 'source:raw.orders')).code).toBe(0);
    });

    it('reports a failing query as a runtime error (exit 1) and an empty table as stale', async () => {
      const { dir, schema, strata, sql } = await setup(
        (s) => `version: 2
sources:
  - name: raw
    schema: ${s}
    freshness:
      error_after: {count: 1, period: day}
    loaded_at_field: loaded_at
    tables:
      - name: missing_column
        loaded_at_field: no_such_column
      - name: empty
`,
      );
      await sql(`create table ${schema}.missing_column (id int)`, `create table ${schema}.empty (id int, loaded_at timestamptz)`);
      const { code, err } = await strata('source', 'freshness');
      expect(code).toBe(1);
      expect(err).toMatch(/ERROR .*raw\.missing_column \.+ \[ERROR in /);
      expect(err).toContain('no_such_column');
      const artifact = readSources(join(dir, 'target', 'sources.json'));
      const failed = artifact.results.find((r) => r.unique_id === 'source.p.raw.missing_column');
      expect(failed?.status).toBe('runtime error');
      expect(failed?.error).toContain('no_such_column');
      const empty = artifact.results.find((r) => r.unique_id === 'source.p.raw.empty');
      expect(empty?.status).toBe('error');
      expect(empty?.max_loaded_at).toBe('0001-01-01T00:00:00+00:00');
    });

    it('measures naive timestamps as UTC and timestamptz as instants whatever the session time zone', async () => {
      const { dir, schema, sql } = await setup((s) => `version: 2\nsources:\n  - name: raw\n    schema: ${s}\n    tables: [{name: t}]\n`);
      await sql(`create table ${schema}.t (naive timestamp, aware timestamptz)`);
      await sql(`insert into ${schema}.t values (timestamp '2024-01-01 10:00:00.123456', timestamptz '2024-01-01 10:00:00.123456+00')`);
      const source = (field: string) =>
        ({
          relation: { schema, identifier: 't' },
          loadedAtField: field,
          freshness: { warn_after: null, error_after: null, filter: null },
        }) as unknown as SourceDefinition;
      const expected = String(Date.UTC(2024, 0, 1, 10, 0, 0) * 1000 + 123456);
      for (const field of ['naive', 'aware']) {
        const value = await queryInNewYork(dir, freshnessQuery(target.adapter.dialect, source(field)));
        expect(String(value)).toBe(expected);
      }
    });

    it('source_status:fresher selects the sources loaded since the state run, and with + what reads them', async () => {
      const { dir, schema, strata, sql } = await setup(
        (s) => `version: 2
sources:
  - name: raw
    schema: ${s}
    loaded_at_field: loaded_at
    freshness:
      warn_after: {count: 12, period: hour}
    tables:
      - name: orders
      - name: customers
`,
        {
          'models/stg_orders.sql': "select * from {{ source('raw', 'orders') }}",
          'models/stg_customers.sql': "select * from {{ source('raw', 'customers') }}",
          'models/order_report.sql': "select count(*) as n from {{ ref('stg_orders') }}",
        },
      );
      await sql(
        `create table ${schema}.orders (id int, loaded_at timestamptz)`,
        `insert into ${schema}.orders values (1, now() - interval '2 hours')`,
        `create table ${schema}.customers (id int, loaded_at timestamptz)`,
        `insert into ${schema}.customers values (1, now() - interval '2 hours')`,
      );
      // The "production" run: built, freshness measured, artifacts kept.
      expect((await strata('build')).code).toBe(0);
      expect((await strata('source', 'freshness')).code).toBe(0);
      const state = join(mkdtempSync(join(tmpdir(), 'strata-state-')), 'prod');
      cpSync(join(dir, 'target'), state, { recursive: true });
      expect(existsSync(join(state, 'sources.json'))).toBe(true);

      // New orders arrive; customers stay as they were.
      await sql(`insert into ${schema}.orders values (2, now())`);
      expect((await strata('source', 'freshness')).code).toBe(0);

      const ls = await strata('ls', '-s', 'source_status:fresher+', '--state', state, '--output', 'name');
      expect(ls.code, ls.err).toBe(0);
      expect(ls.out.split('\n').sort()).toEqual(['order_report', 'raw.orders', 'stg_orders']);
      const build = await strata('build', '-s', 'source_status:fresher+', '--state', state);
      expect(build.code, build.err).toBe(0);
      const built = () =>
        (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string }[] }).results
          .map((r) => r.unique_id)
          .sort();
      expect(built()).toEqual(['model.p.order_report', 'model.p.stg_orders']);
      // Without +, only the source itself, which nothing builds.
      const run = await strata('run', '-s', 'source_status:fresher', '--state', state);
      expect(run.code).toBe(0);
      expect(built()).toEqual([]);
    });

    it('explains what source_status needs when the freshness results are missing', async () => {
      const { dir, strata } = await setup((s) => `version: 2\nsources:\n  - name: raw\n    schema: ${s}\n    tables: [{name: t}]\n`);
      expect((await strata('compile')).code).toBe(0);
      const state = join(mkdtempSync(join(tmpdir(), 'strata-state-')), 'prod');
      cpSync(join(dir, 'target'), state, { recursive: true });
      const noState = await strata('ls', '-s', 'source_status:fresher', '--state', state);
      expect(noState.code).toBe(1);
      expect(noState.err).toContain('no sources.json');
      const bad = await strata('ls', '-s', 'source_status:stale', '--state', state);
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('use source_status:fresher');
    });
  });
}

import { mkdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { duckdbAdapter } from '../../adapters/index.js';
import { freshnessQuery } from '../../core/plan/freshness-query.js';
import type { SourceDefinition } from '../../core/project/types.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { duckdb, postgresOutput, uniqueSchema } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

// Landing-zone files as sources (dbt-duckdb's `external_location`), on real files written here.

const env = { HOME: EMPTY_HOME };

/** A DuckDB project with `files`; `strata(...)` runs the CLI on it, `query` reads its database. */
async function setup(files: Record<string, string>) {
  const dir = writeProject({ 'dbt_project.yml': projectYml('p'), ...files });
  await duckdb.writeProfile(dir, 'p', { threads: 1 });
  const strata = (...args: string[]) => cli([...args, '--project-dir', dir], env);
  const query = (sql: string) => duckdb.query(dir, sql);
  return { dir, strata, query };
}

/** Writes `file` with DuckDB's COPY of `select` (Parquet by the extension). */
async function copyTo(file: string, select: string): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  await duck(`copy (${select}) to '${file}' (format parquet)`);
}

/** Runs statements on an in-memory DuckDB. */
async function duck(...statements: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const conn = await instance.connect();
    for (const s of statements) await conn.run(s);
    conn.closeSync();
  } finally {
    instance.closeSync();
  }
}

const model = (sql: string) => `${sql}\n`;

describe('file sources (DuckDB)', () => {
  it('reads CSV through a source-level meta location with {name}, a relative path resolved against the project', async () => {
    const { dir, strata, query } = await setup({
      'landing/customers.csv': 'id,name\n1,ann\n2,bob\n',
      'landing/orders.csv': 'id,customer_id,amount\n10,1,5.5\n11,2,7\n12,1,1\n',
      'models/sources.yml': `sources:
  - name: landing
    meta:
      external_location: "landing/{name}.csv"
    tables:
      - name: customers
      - name: orders
`,
      'models/revenue.sql': model(`select c.name, sum(o.amount) as revenue
from {{ source('landing', 'orders') }} o join {{ source('landing', 'customers') }} c on c.id = o.customer_id
group by c.name order by c.name`),
    });
    const run = await strata('run');
    expect(run.code, run.out + run.err).toBe(0);
    expect(await query('select name, revenue from revenue order by name')).toEqual([
      { name: 'ann', revenue: '6.5' },
      { name: 'bob', revenue: '7' },
    ]);
    const compiled = readFileSync(join(dir, 'target/compiled/p/models/revenue.sql'), 'utf8');
    expect(compiled).toContain(`from read_csv('${join(dir, 'landing/orders.csv')}') o`);
  });

  it('a table-level location overrides the source-level one; a reader call is used as written (relative paths made absolute)', async () => {
    const { dir, strata, query } = await setup({
      'landing/a.csv': 'id\n1\n',
      'landing/pipes.txt': 'id|label\n7|seven\n8|eight\n',
      'models/sources.yml': `sources:
  - name: landing
    meta:
      external_location: "landing/{name}.csv"
    tables:
      - name: a
      - name: pipes
        meta:
          external_location: "read_csv('landing/pipes.txt', delim = '|', header = true)"
`,
      'models/pipes.sql': model("select * from {{ source('landing', 'pipes') }}"),
      'models/a.sql': model("select * from {{ source('landing', 'a') }}"),
    });
    const run = await strata('run');
    expect(run.code, run.out + run.err).toBe(0);
    expect(await query('select id, label from pipes order by id')).toEqual([
      { id: '7', label: 'seven' },
      { id: '8', label: 'eight' },
    ]);
    expect(await query('select id from a')).toEqual([{ id: '1' }]);
    expect(readFileSync(join(dir, 'target/compiled/p/models/pipes.sql'), 'utf8')).toContain(
      `select * from read_csv('${join(dir, 'landing/pipes.txt')}', delim = '|', header = true)`,
    );
  });

  it("takes a location from the project file's sources: (+external_location), as dbt-duckdb reads extra config", async () => {
    const { strata, query } = await setup({
      'dbt_project.yml': projectYml(
        'p',
        `sources:
  p:
    landing:
      +external_location: "landing/{name}.txt"
      +format: csv
`,
      ),
      'landing/regions.txt': 'code,label\nN,north\nS,south\n',
      'models/sources.yml': 'sources:\n  - name: landing\n    tables:\n      - name: regions\n',
      'models/regions.sql': model("select * from {{ source('landing', 'regions') }}"),
    });
    const run = await strata('run');
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out + run.err).not.toContain('not a source config');
    expect(await query('select code, label from regions order by code')).toEqual([
      { code: 'N', label: 'north' },
      { code: 'S', label: 'south' },
    ]);
  });

  it("reads Parquet and newline-delimited JSON through dbt 1.10's config: form with {identifier}", async () => {
    const { dir, strata, query } = await setup({
      'models/sources.yml': `sources:
  - name: lake
    config:
      external_location: "lake/{identifier}.parquet"
    tables:
      - name: products
        identifier: products_v2
      - name: events
        config:
          external_location: "lake/{name}.ndjson"
`,
      'models/joined.sql': model(`select p.product, count(*) as n
from {{ source('lake', 'events') }} e join {{ source('lake', 'products') }} p using (sku)
group by p.product order by p.product`),
    });
    await copyTo(join(dir, 'lake/products_v2.parquet'), "select * from (values ('A1', 'apple'), ('B2', 'banana')) t(sku, product)");
    writeFiles(dir, { 'lake/events.ndjson': '{"sku": "A1", "at": 1}\n{"sku": "A1", "at": 2}\n{"sku": "B2", "at": 3}\n' });
    const run = await strata('run');
    expect(run.code, run.out + run.err).toBe(0);
    expect(await query('select product, n from joined order by product')).toEqual([
      { product: 'apple', n: '2' },
      { product: 'banana', n: '1' },
    ]);
    const compiled = readFileSync(join(dir, 'target/compiled/p/models/joined.sql'), 'utf8');
    expect(compiled).toContain(`read_json('${join(dir, 'lake/events.ndjson')}')`);
    expect(compiled).toContain(`read_parquet('${join(dir, 'lake/products_v2.parquet')}')`);
  });

  it('globs daily drops whose columns differ, with union_by_name and filename', async () => {
    const { strata, query } = await setup({
      'landing/sales/2026-01-01.csv': 'id,amount\n1,10\n2,20\n',
      'landing/sales/2026-01-02.csv': 'id,amount,discount\n3,30,5\n',
      'landing/sales/2026-01-03.csv': 'id,amount,discount\n4,40,0\n',
      'landing/sales/readme.md': 'not a drop\n',
      'models/sources.yml': `sources:
  - name: finance
    tables:
      - name: sales
        meta:
          external_location: "landing/sales/2026-01-*.csv"
          options: {union_by_name: true, filename: true}
`,
      'models/sales_by_day.sql': model(`select regexp_extract(filename, '(\\d{4}-\\d\\d-\\d\\d)', 1) as day, count(*) as n,
  sum(amount) as amount, sum(coalesce(discount, 0)) as discount
from {{ source('finance', 'sales') }} group by 1 order by 1`),
    });
    const run = await strata('run');
    expect(run.code, run.out + run.err).toBe(0);
    expect(await query('select * from sales_by_day order by day')).toEqual([
      { day: '2026-01-01', n: '2', amount: '30', discount: '0' },
      { day: '2026-01-02', n: '1', amount: '30', discount: '5' },
      { day: '2026-01-03', n: '1', amount: '40', discount: '0' },
    ]);
  });

  it('reads a hive-partitioned folder: every file below it, with the partition columns', async () => {
    const { dir, strata, query } = await setup({
      'models/sources.yml': `sources:
  - name: lake
    tables:
      - name: events
        config:
          external_location: "lake/events/"
          format: parquet
`,
      'models/february.sql': model("select id, year, month from {{ source('lake', 'events') }} where month = 2"),
    });
    for (const [month, ids] of [
      [1, [1, 2]],
      [2, [3, 4, 5]],
    ] as const)
      await copyTo(join(dir, `lake/events/year=2026/month=${month}/data_0.parquet`), `select unnest([${ids.join(', ')}]) as id`);
    const run = await strata('run');
    expect(run.code, run.out + run.err).toBe(0);
    expect(await query('select id, year, month from february order by id')).toEqual([
      { id: '3', year: '2026', month: '2' },
      { id: '4', year: '2026', month: '2' },
      { id: '5', year: '2026', month: '2' },
    ]);
    expect(readFileSync(join(dir, 'target/compiled/p/models/february.sql'), 'utf8')).toContain(
      `read_parquet('${join(dir, 'lake/events')}/**/*.parquet')`,
    );
  });

  it('passes read_csv options: a headerless, semicolon-separated file with named columns', async () => {
    const { strata, query } = await setup({
      'landing/rates.txt': 'EUR;1.10\nGBP;1.27\n',
      'models/sources.yml': `sources:
  - name: finance
    tables:
      - name: rates
        config:
          external_location: landing/rates.txt
          format: csv
          csv_read_options:
            delim: ";"
            header: false
            columns: {currency: VARCHAR, usd: DOUBLE}
`,
      'models/rates.sql': model("select currency, usd from {{ source('finance', 'rates') }}"),
    });
    const run = await strata('run');
    expect(run.code, run.out + run.err).toBe(0);
    expect(await query('select currency, usd from rates order by currency')).toEqual([
      { currency: 'EUR', usd: '1.1' },
      { currency: 'GBP', usd: '1.27' },
    ]);
  });

  it("runs generic tests on a file source's columns, failing on the rows the files hold", async () => {
    const { dir, strata } = await setup({
      'landing/customers.csv': 'id,name\n1,ann\n2,bob\n',
      'models/sources.yml': `sources:
  - name: landing
    meta:
      external_location: "landing/{name}.csv"
    tables:
      - name: customers
        columns:
          - name: id
            data_tests: [not_null, unique]
`,
    });
    const passing = await strata('test');
    expect(passing.code, passing.out + passing.err).toBe(0);
    expect(passing.out).toContain('PASS=2');
    writeFiles(dir, { 'landing/customers.csv': 'id,name\n1,ann\n1,bob\n,cy\n' });
    const failing = await strata('test');
    expect(failing.code).toBe(1);
    expect(failing.out).toContain('PASS=0 WARN=0 ERROR=2');
  });

  it('--empty builds a model over a file source with its columns and no rows', async () => {
    const { strata, query } = await setup({
      'landing/customers.csv': 'id,name\n1,ann\n',
      'models/sources.yml': `sources:
  - name: landing
    meta:
      external_location: "landing/{name}.csv"
    tables:
      - name: customers
`,
      'models/stg.sql': "{{ config(materialized='table') }}\nselect id, name from {{ source('landing', 'customers') }}\n",
    });
    const run = await strata('run', '--empty');
    expect(run.code, run.out + run.err).toBe(0);
    expect(await query('select count(*) as n from stg')).toEqual([{ n: '0' }]);
    expect(await query("select column_name from information_schema.columns where table_name = 'stg' order by ordinal_position")).toEqual([
      { column_name: 'id' },
      { column_name: 'name' },
    ]);
  });

  it("records the reader call as the manifest's relation_name and keeps meta and config as written (valid against dbt's schema)", async () => {
    const { dir, strata } = await setup({
      'landing/orders.csv': 'id\n1\n',
      'models/sources.yml': `sources:
  - name: landing
    meta:
      owner: finance
    config:
      external_location: "landing/{name}.csv"
    tables:
      - name: orders
        meta:
          formatter: newstyle
`,
    });
    const parsed = await strata('parse');
    expect(parsed.code, parsed.out + parsed.err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
      sources: Record<string, { relation_name: string; meta: Record<string, unknown>; config: Record<string, unknown> }>;
    };
    const source = manifest.sources['source.p.landing.orders'];
    expect(source?.relation_name).toBe(`read_csv('${join(dir, 'landing/orders.csv')}')`);
    expect(source?.meta).toEqual({ owner: 'finance', formatter: 'newstyle' });
    expect(source?.config.external_location).toBe('landing/{name}.csv');
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-manifest-v12.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(manifest), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it('reports a location it cannot read at its line: an unknown placeholder, a format it cannot tell', async () => {
    const { strata } = await setup({
      'models/sources.yml': `sources:
  - name: landing
    tables:
      - name: orders
        meta:
          external_location: "landing/{nmae}.csv"
      - name: blobs
        meta:
          external_location: "landing/blobs/*"
`,
    });
    const { code, out, err } = await strata('parse');
    expect(code).toBe(1);
    const text = out + err;
    expect(text).toContain(
      "Source 'landing.orders': external_location has no placeholder 'nmae' (it may use {name}, {identifier}, {schema}, {database}, {external_location}). Did you mean 'name'?",
    );
    expect(text).toContain('models/sources.yml:6');
    expect(text).toContain("cannot tell the file format of '");
    expect(text).toContain('add format: csv, parquet or json.');
    expect(text).toContain('models/sources.yml:9');
  });
});

describe('file sources on Postgres', () => {
  it('are an error at the line of external_location', async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'profiles.yml': `p:\n  target: dev\n  outputs:\n    dev:\n${postgresOutput(uniqueSchema())}`,
      'models/sources.yml': `sources:
  - name: landing
    tables:
      - name: orders
        meta:
          external_location: "landing/orders.csv"
`,
    });
    const { code, out, err } = await cli(['parse', '--project-dir', dir], env);
    expect(code).toBe(1);
    expect(out + err).toContain(
      "Source 'landing.orders' reads files (external_location), which only a DuckDB target can do; this target is postgres. Load the files into a table and declare that, or build on DuckDB.",
    );
    expect(out + err).toContain('models/sources.yml:6');
    expect(out + err).not.toMatch(/\n\s+at /);
  });
});

describe('freshness of file sources', () => {
  const hour = 3600;
  /** Sets a file's modification time `secondsAgo` before now, to the whole second. */
  const age = (file: string, secondsAgo: number) => {
    const t = Math.floor(Date.now() / 1000) - secondsAgo;
    utimesSync(file, t, t);
    return t;
  };

  it('takes the newest modification time of the matched files, judged by warn_after/error_after, into sources.json', async () => {
    const { dir, strata } = await setup({
      'landing/fresh/2026-01-01.csv': 'id\n1\n',
      'landing/fresh/2026-01-02.csv': 'id\n2\n',
      'landing/late/2026-01-01.csv': 'id\n1\n',
      'landing/stale/2026-01-01.csv': 'id\n1\n',
      'models/sources.yml': `sources:
  - name: drops
    config:
      external_location: "landing/{name}/*.csv"
      freshness:
        warn_after: {count: 1, period: hour}
        error_after: {count: 1, period: day}
    tables:
      - name: fresh
      - name: late
      - name: stale
      - name: missing
`,
    });
    age(join(dir, 'landing/fresh/2026-01-01.csv'), 30 * hour);
    const newest = age(join(dir, 'landing/fresh/2026-01-02.csv'), 60);
    age(join(dir, 'landing/late/2026-01-01.csv'), 3 * hour);
    age(join(dir, 'landing/stale/2026-01-01.csv'), 50 * hour);
    const { code } = await strata('source', 'freshness');
    expect(code).toBe(1);
    const artifact = JSON.parse(readFileSync(join(dir, 'target/sources.json'), 'utf8')) as {
      results: { unique_id: string; status: string; max_loaded_at: string; max_loaded_at_time_ago_in_s: number }[];
    };
    const status = Object.fromEntries(artifact.results.map((r) => [r.unique_id.split('.').at(-1), r.status]));
    expect(status).toEqual({ fresh: 'pass', late: 'warn', stale: 'error', missing: 'error' });
    const fresh = artifact.results.find((r) => r.unique_id.endsWith('.fresh'));
    expect(Date.parse(fresh?.max_loaded_at ?? '') / 1000).toBe(newest);
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-sources-v3.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(artifact), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it('lists and stats the files without reading them: read_blob projects only last_modified', async () => {
    const dir = writeProject({ 'landing/a.csv': 'id\n1\n' });
    const source = {
      sourceName: 'drops',
      name: 'a',
      relation: { schema: 'main', identifier: 'a' },
      fileLocations: [join(dir, 'landing/*.csv')],
    } as unknown as SourceDefinition;
    const instance = await DuckDBInstance.create(':memory:');
    try {
      const conn = await instance.connect();
      const plan = (await conn.runAndReadAll(`explain ${freshnessQuery(duckdbAdapter.dialect, source)}`)).getRowObjectsJson();
      const text = plan.map((r) => String(r.explain_value)).join('\n');
      const scan = text.slice(text.indexOf('READ_BLOB'));
      expect(scan).toContain('last_modified');
      expect(scan).not.toContain('content');
      conn.closeSync();
    } finally {
      instance.closeSync();
    }
  });

  it('uses the loaded_at_field through the reader when one is set', async () => {
    const { dir, strata } = await setup({
      'models/sources.yml': `sources:
  - name: drops
    tables:
      - name: orders
        meta:
          external_location: "landing/orders.csv"
        loaded_at_field: loaded_at
        freshness:
          warn_after: {count: 1, period: hour}
`,
    });
    const recent = new Date(Date.now() - 10 * 60 * 1000).toISOString().replace('T', ' ').slice(0, 19);
    writeFiles(dir, { 'landing/orders.csv': `id,loaded_at\n1,2020-01-01 00:00:00\n2,${recent}\n` });
    // The file itself is old: only the column can make it pass.
    age(join(dir, 'landing/orders.csv'), 100 * hour);
    const passing = await strata('source', 'freshness');
    expect(passing.code, passing.out + passing.err).toBe(0);
    writeFiles(dir, { 'landing/orders.csv': 'id,loaded_at\n1,2020-01-01 00:00:00\n' });
    const warned = await strata('source', 'freshness');
    const artifact = JSON.parse(readFileSync(join(dir, 'target/sources.json'), 'utf8')) as {
      results: { status: string; max_loaded_at: string }[];
    };
    expect(warned.code).toBe(0);
    expect(artifact.results[0]?.status).toBe('warn');
    expect(artifact.results[0]?.max_loaded_at).toMatch(/^2020-01-01T00:00:00/);
  });
});

describe('snapshots over landing-zone files', () => {
  const snapshots = `snapshots:
  - name: products_check
    relation: source('landing', 'products')
    config: {unique_key: id, strategy: check, check_cols: [name]}
  - name: products_ts
    relation: source('landing', 'products')
    config: {unique_key: id, strategy: timestamp, updated_at: updated_at}
`;
  const sources = `sources:
  - name: landing
    meta:
      external_location: "landing/{name}.csv"
    tables:
      - name: products
`;

  it('keep history across two daily drops: the file is replaced between two snapshot runs', async () => {
    const { dir, strata, query } = await setup({
      'models/sources.yml': sources,
      'snapshots/products.yml': snapshots,
      'landing/products.csv': 'id,name,updated_at\n1,apple,2026-01-01 06:00:00\n2,pear,2026-01-01 06:00:00\n',
    });
    const first = await strata('snapshot');
    expect(first.code, first.out + first.err).toBe(0);
    // Day two: product 1 is renamed, product 3 arrives; the drop replaces yesterday's file.
    rmSync(join(dir, 'landing/products.csv'));
    writeFiles(dir, {
      'landing/products.csv':
        'id,name,updated_at\n1,apple (organic),2026-01-02 06:00:00\n2,pear,2026-01-01 06:00:00\n3,plum,2026-01-02 06:00:00\n',
    });
    const second = await strata('snapshot');
    expect(second.code, second.out + second.err).toBe(0);

    expect(
      await query(
        'select id, name, dbt_valid_from::varchar as valid_from, dbt_valid_to::varchar as valid_to from products_ts order by id, dbt_valid_from',
      ),
    ).toEqual([
      { id: '1', name: 'apple', valid_from: '2026-01-01 06:00:00', valid_to: '2026-01-02 06:00:00' },
      { id: '1', name: 'apple (organic)', valid_from: '2026-01-02 06:00:00', valid_to: null },
      { id: '2', name: 'pear', valid_from: '2026-01-01 06:00:00', valid_to: null },
      { id: '3', name: 'plum', valid_from: '2026-01-02 06:00:00', valid_to: null },
    ]);
    const check = await query(
      'select id, name, dbt_valid_from::varchar as valid_from, dbt_valid_to::varchar as valid_to from products_check order by id, dbt_valid_from',
    );
    expect(check.map((r) => `${r.id}:${r.name}${r.valid_to === null ? ' (current)' : ''}`)).toEqual([
      '1:apple',
      '1:apple (organic) (current)',
      '2:pear (current)',
      '3:plum (current)',
    ]);
    // The renamed row was closed when its successor opened, and the new key opened in the same run.
    expect(check[0]?.valid_to).toBe(check[1]?.valid_from);
    expect(check[3]?.valid_from).toBe(check[1]?.valid_from);
    expect(check[2]?.valid_from).toBe(check[0]?.valid_from);
  });
});

import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cli, messages } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { postgresOutput, queryDuckDbFile, uniqueSchema } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

// dbt-duckdb's `materialized='external'`: a model's rows written to Parquet, CSV or JSON files,
// with a view over them so downstream refs work; written beside the destination and moved in.

const env = { HOME: EMPTY_HOME };

/** A DuckDB profile; `extra` lines go under the output (e.g. `external_root: lake`). */
function profile(extra = ''): string {
  return `p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: test.duckdb\n      schema: main\n      threads: 2\n${extra}`;
}

function setup(files: Record<string, string>, profileExtra = '') {
  const dir = writeProject({ 'dbt_project.yml': projectYml('p'), 'profiles.yml': profile(profileExtra), ...files });
  const build = async (...args: string[]) => cli(['build', '--project-dir', dir, ...args], env);
  const query = (sql: string) => queryDuckDbFile(join(dir, 'test.duckdb'), sql);
  const read = (sql: string) => queryDuckDbFile(':memory:', sql);
  return { dir, build, query, read };
}

/** Files under `folder`, relative, sorted (hidden temporaries included, so a leftover shows). */
function tree(folder: string, prefix = ''): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tree(join(folder, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

/** The message run_results records for the (only) model of the last build. */
function lastMessage(dir: string): string {
  return JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results[0].message;
}

const ORDERS = "select * from (values (1, 'eu', 10.5), (2, 'us', 20.0), (3, 'eu', 5.0)) as t(order_id, region, amount)";

describe('external models on DuckDB', () => {
  it('writes Parquet to <external_root>/<name>.parquet by default, and a downstream ref reads it', async () => {
    const { dir, build, query, read } = setup(
      {
        'models/orders.sql': `{{ config(materialized='external') }}\n${ORDERS}`,
        'models/totals.sql': "select region, sum(amount) as total from {{ ref('orders') }} group by region order by region",
      },
      '      external_root: lake\n',
    );
    const { code, out } = await build();
    expect(code, out).toBe(0);
    const file = join(dir, 'lake/orders.parquet');
    expect(existsSync(file)).toBe(true);
    expect(await read(`select order_id, region from read_parquet('${file}') order by order_id`)).toEqual([
      { order_id: '1', region: 'eu' },
      { order_id: '2', region: 'us' },
      { order_id: '3', region: 'eu' },
    ]);
    expect(await query('select region, total from main.totals')).toEqual([
      { region: 'eu', total: '15.5' },
      { region: 'us', total: '20.0' },
    ]);
    expect(await query("select table_type from information_schema.tables where table_name = 'orders'")).toEqual([{ table_type: 'VIEW' }]);
    // Nothing left beside the file.
    expect(tree(join(dir, 'lake'))).toEqual(['orders.parquet']);
    // run_results: the COPY's row count; the manifest keeps the config as written.
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    const orders = results.results.find((r: { unique_id: string }) => r.unique_id === 'model.p.orders');
    expect(orders.message).toBe('wrote external files main.orders');
    expect(orders.adapter_response).toMatchObject({ rows_affected: 3 });
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes['model.p.orders'].config.materialized).toBe('external');
  });

  it('writes CSV with a delimiter and JSON to explicit locations, read back through refs', async () => {
    const { dir, build, query, read } = setup({
      'models/orders_csv.sql': `{{ config(materialized='external', location='out/orders.csv', delimiter='|') }}\n${ORDERS}`,
      'models/orders_json.sql': `{{ config(materialized='external', format='json', location='out/orders_json') }}\n${ORDERS}`,
      'models/orders_gz.sql': `{{ config(materialized='external', location='out/orders.csv.gz') }}\n${ORDERS}`,
      'models/both.sql':
        "select c.order_id, c.region, j.amount from {{ ref('orders_csv') }} c join {{ ref('orders_json') }} j using (order_id) join {{ ref('orders_gz') }} g using (order_id) order by 1",
    });
    const { code, out } = await build();
    expect(code, out).toBe(0);
    const csv = readFileSync(join(dir, 'out/orders.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('order_id|region|amount');
    expect(
      gunzipSync(readFileSync(join(dir, 'out/orders.csv.gz')))
        .toString('utf8')
        .split('\n')[0],
    ).toBe('order_id,region,amount');
    expect(await read(`select count(*) as n from read_json('${join(dir, 'out/orders_json')}', format = 'newline_delimited')`)).toEqual([
      { n: '3' },
    ]);
    expect(await query('select order_id, region, amount from main.both')).toEqual([
      { order_id: '1', region: 'eu', amount: '10.5' },
      { order_id: '2', region: 'us', amount: '20' },
      { order_id: '3', region: 'eu', amount: '5' },
    ]);
  });

  it('partitions by column into hive folders and passes options to COPY (compression zstd)', async () => {
    const { dir, build, query, read } = setup({
      'models/orders.sql': `{{ config(materialized='external', location='lake/orders', partition_by='region', options={'compression': 'zstd', 'row_group_size': 1000}) }}\n${ORDERS}`,
      'models/eu.sql': "select order_id from {{ ref('orders') }} where region = 'eu' order by order_id",
    });
    const { code, out } = await build();
    expect(code, out).toBe(0);
    expect(tree(join(dir, 'lake/orders'))).toEqual(['region=eu/data_0.parquet', 'region=us/data_0.parquet']);
    expect(await query('select order_id from main.eu')).toEqual([{ order_id: '1' }, { order_id: '3' }]);
    const compression = await read(
      `select distinct compression from parquet_metadata('${join(dir, 'lake/orders/region=eu/data_0.parquet')}')`,
    );
    expect(compression).toEqual([{ compression: 'ZSTD' }]);
    // The manifest keeps the config as written (dbt's schema allows adapter keys).
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes['model.p.orders'].config).toMatchObject({
      materialized: 'external',
      location: 'lake/orders',
      partition_by: 'region',
      options: { compression: 'zstd', row_group_size: 1000 },
    });
  });

  it('keeps the previous files and view when the model fails while writing', async () => {
    const { dir, build, query } = setup({ 'models/orders.sql': `{{ config(materialized='external') }}\n${ORDERS}` });
    expect((await build()).code).toBe(0);
    const file = join(dir, 'orders.parquet');
    const before = readFileSync(file);
    // error() is raised only while the rows are produced, part-way through the COPY.
    writeFiles(dir, {
      'models/orders.sql':
        "{{ config(materialized='external') }}\nselect i as order_id, case when i = 500000 then error('bad row ' || i) else 'eu' end as region from range(1000000) t(i)",
    });
    const failed = await build();
    expect(failed.code).toBe(1);
    expect(messages(`${failed.out}\n${failed.err}`)).toContain('bad row 500000');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(await query('select count(*) as n from main.orders')).toEqual([{ n: '3' }]);
    expect(readdirSync(dir).filter((f) => f.includes('orders'))).toEqual(['orders.parquet']);
    writeFiles(dir, { 'models/orders.sql': `{{ config(materialized='external') }}\nselect 7 as order_id` });
    expect((await build()).code).toBe(0);
    expect(await query('select order_id from main.orders')).toEqual([{ order_id: '7' }]);
    expect(readdirSync(dir).filter((f) => f.includes('orders'))).toEqual(['orders.parquet']);
  });

  it('replaces a table of the same name, and a partitioned model rewrites its folder on the next build', async () => {
    const { dir, build, query } = setup({ 'models/orders.sql': `{{ config(materialized='table') }}\n${ORDERS}` });
    expect((await build()).code).toBe(0);
    writeFiles(dir, {
      'models/orders.sql': `{{ config(materialized='external', location='lake/orders', partition_by=['region']) }}\n${ORDERS}`,
    });
    expect((await build()).code).toBe(0);
    expect(await query("select table_type from information_schema.tables where table_name = 'orders'")).toEqual([{ table_type: 'VIEW' }]);
    writeFiles(dir, {
      'models/orders.sql': `{{ config(materialized='external', location='lake/orders', partition_by=['region']) }}\nselect 9 as order_id, 'apac' as region`,
    });
    expect((await build()).code).toBe(0);
    expect(tree(join(dir, 'lake'))).toEqual(['orders/region=apac/data_0.parquet']);
    expect(await query('select order_id, region from main.orders')).toEqual([{ order_id: '9', region: 'apac' }]);
  });
});

describe('incremental external models (incremental_strategy: append)', () => {
  const model = (day: string) =>
    `{{ config(materialized='external', location='lake/sales', partition_by='day', incremental_strategy='append') }}
select id, day::date as day from (values (1, '2026-01-01'), (2, '2026-01-01'), (3, '2026-01-02'), (4, '2026-01-03')) as t(id, day)
where day::date <= date '${day}'
{% if is_incremental() %}and day::date > (select max(day) from {{ this }}){% endif %}`;

  it('adds new files to the partition folders without rewriting the old ones; --full-refresh rewrites', async () => {
    const { dir, build, query } = setup({ 'models/sales.sql': model('2026-01-01') });
    expect((await build()).code).toBe(0);
    const first = tree(join(dir, 'lake/sales'));
    expect(first).toEqual(['day=2026-01-01/data_0.parquet']);
    const firstFile = join(dir, 'lake/sales', first[0] as string);
    const firstInode = statSync(firstFile).ino;

    writeFiles(dir, { 'models/sales.sql': model('2026-01-03') });
    const second = await build();
    expect(second.code, second.out).toBe(0);
    expect(lastMessage(dir)).toBe('appended external files main.sales');
    const files = tree(join(dir, 'lake/sales'));
    expect(files.filter((f) => f.startsWith('day=2026-01-01/'))).toEqual(['day=2026-01-01/data_0.parquet']);
    expect(files.filter((f) => f.startsWith('day=2026-01-02/'))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith('day=2026-01-03/'))).toHaveLength(1);
    expect(statSync(firstFile).ino).toBe(firstInode);
    expect(await query('select id from main.sales order by id')).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }, { id: '4' }]);

    // Nothing new: no new files.
    expect((await build()).code).toBe(0);
    expect(tree(join(dir, 'lake/sales'))).toEqual(files);

    const full = await build('--full-refresh');
    expect(full.code).toBe(0);
    expect(lastMessage(dir)).toBe('wrote external files main.sales');
    expect(tree(join(dir, 'lake/sales'))).toEqual([
      'day=2026-01-01/data_0.parquet',
      'day=2026-01-02/data_0.parquet',
      'day=2026-01-03/data_0.parquet',
    ]);
    expect(await query('select count(*) as n from main.sales')).toEqual([{ n: '4' }]);
  });

  it('builds afresh when the files were deleted by hand', async () => {
    const { dir, build, query } = setup({ 'models/sales.sql': model('2026-01-02') });
    expect((await build()).code).toBe(0);
    rmSync(join(dir, 'lake'), { recursive: true });
    writeFiles(dir, { 'models/sales.sql': model('2026-01-03') });
    const again = await build();
    expect(again.code, again.out).toBe(0);
    expect(lastMessage(dir)).toBe('wrote external files main.sales');
    expect(await query('select count(*) as n from main.sales')).toEqual([{ n: '4' }]);
  });

  it('refuses to append files whose names would replace existing ones', async () => {
    const fixed = `{{ config(materialized='external', location='lake/ev', partition_by='k', incremental_strategy='append', options={'filename_pattern': 'fixed'}) }}
select 1 as id, 'a' as k`;
    const { dir, build, query } = setup({ 'models/ev.sql': fixed });
    expect((await build()).code).toBe(0);
    expect(tree(join(dir, 'lake/ev'))).toEqual(['k=a/fixed0.parquet']);
    const again = await build();
    expect(again.code).toBe(1);
    expect(messages(`${again.out}\n${again.err}`)).toContain(
      'already exists; the new files were not moved in (a filename_pattern for appended files needs {uuid})',
    );
    expect(tree(join(dir, 'lake/ev'))).toEqual(['k=a/fixed0.parquet']);
    expect(readdirSync(join(dir, 'lake'))).toEqual(['ev']);
    expect(await query('select count(*) as n from main.ev')).toEqual([{ n: '1' }]);
  });

  it('rewrites a single-file model as its old rows plus the new ones', async () => {
    const single = (n: number) =>
      `{{ config(materialized='external', incremental_strategy='append') }}
select i as id from range(1, ${n + 1}) t(i)
{% if is_incremental() %}where i > (select max(id) from {{ this }}){% endif %}`;
    const { dir, build, query } = setup({ 'models/ids.sql': single(2) });
    expect((await build()).code).toBe(0);
    writeFiles(dir, { 'models/ids.sql': single(5) });
    expect((await build()).code).toBe(0);
    expect(await query('select id from main.ids order by id')).toEqual(['1', '2', '3', '4', '5'].map((id) => ({ id })));
    expect(readdirSync(dir).filter((f) => f.includes('ids'))).toEqual(['ids.parquet']);
  });
});

describe('external models: errors', () => {
  it('rejects an unknown format and a strategy other than append before running', async () => {
    const { build } = setup({
      'models/a.sql': "{{ config(materialized='external', format='xlsx') }}select 1 as x",
      'models/b.sql': "{{ config(materialized='external', incremental_strategy='merge', unique_key='x') }}select 1 as x",
    });
    const { code, out, err } = await build();
    expect(code).toBe(1);
    const text = messages(`${out}\n${err}`);
    expect(text).toContain("a: format 'xlsx' is not supported (supported: csv, parquet, json).");
    expect(text).toContain(
      "b: incremental_strategy 'merge' is not supported for external models; 'append' adds new files beside the existing ones.",
    );
  });

  it('is refused on Postgres with a clear message', async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'profiles.yml': `p:\n  target: dev\n  outputs:\n    dev:\n${postgresOutput(uniqueSchema())}`,
      'models/orders.sql': "{{ config(materialized='external') }}\nselect 1 as x",
    });
    const { code, out, err } = await cli(['build', '--project-dir', dir], env);
    expect(code).toBe(1);
    expect(messages(`${out}\n${err}`)).toContain(
      "orders: materialized 'external' writes files with DuckDB and is not supported on postgres; use 'table' or 'view'.",
    );
  });
});

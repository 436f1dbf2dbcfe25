import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { duckdb, TEST_TARGETS, uniqueSchema, type TestTarget } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

const env = { HOME: EMPTY_HOME };

const files = {
  'dbt_project.yml': projectYml('cl'),
  'seeds/customers.csv': 'id,name\n1,ann\n2,bob\n3,cy\n',
  'models/orders.sql': "{{ config(materialized='table') }}\nselect id, id * 10 as amount from {{ ref('customers') }}",
  'models/order_view.sql': "{{ config(materialized='view') }}\nselect * from {{ ref('orders') }} where amount > 10",
  'models/inlined.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as one",
};

/** A project with `prod` and `dev` outputs in two schemas; prod is built and its artifacts kept as the state. */
async function builtProd(target: TestTarget): Promise<{ dir: string; prod: string; dev: string }> {
  const dir = writeProject(files);
  const prod = target.name === 'duckdb' ? 'prod' : uniqueSchema();
  const dev = target.name === 'duckdb' ? 'dev' : uniqueSchema();
  writeFiles(dir, {
    'profiles.yml': `cl:\n  target: dev\n  outputs:\n    prod:\n${target.output(prod).yaml.replace(/threads: \d+/, 'threads: 1')}    dev:\n${target.output(dev).yaml.replace(/threads: \d+/, 'threads: 1')}`,
  });
  const build = await cli(['build', '--project-dir', dir, '--target', 'prod'], env);
  expect(build.code, build.err).toBe(0);
  cpSync(join(dir, 'target'), join(dir, 'prod-state'), { recursive: true });
  return { dir, prod, dev };
}

for (const target of TEST_TARGETS) {
  describe(`clone on ${target.name}`, () => {
    it("creates the selected relations in the target as views reading the state's rows; leaves existing ones alone", async () => {
      const { dir, dev } = await builtProd(target);
      const result = await cli(['clone', '--project-dir', dir, '--state', join(dir, 'prod-state')], env);
      expect(result.code, result.err).toBe(0);
      // (Rows are cut to the printer width, so only their start is certain.)
      expect(result.out.match(/\d of 3 OK cloned /g), result.out).toHaveLength(3);
      const q = (sql: string) => target.query(dir, sql);
      expect(await q(`select count(*) as n from ${dev}.customers`)).toEqual([{ n: '3' }]);
      expect(await q(`select sum(amount) as total from ${dev}.orders`)).toEqual([{ total: '60' }]);
      expect(await q(`select count(*) as n from ${dev}.order_view`)).toEqual([{ n: '2' }]);
      const kinds = await q(
        `select table_name, table_type from information_schema.tables where table_schema = '${dev}' order by table_name`,
      );
      expect(kinds).toEqual([
        { table_name: 'customers', table_type: 'VIEW' },
        { table_name: 'order_view', table_type: 'VIEW' },
        { table_name: 'orders', table_type: 'VIEW' },
      ]);
      const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as {
        results: { unique_id: string; status: string; message: string }[];
        args: { which: string };
      };
      expect(runResults.args.which).toBe('clone');
      expect(runResults.results.map((r) => r.unique_id).sort()).toEqual(['model.cl.order_view', 'model.cl.orders', 'seed.cl.customers']);
      expect(runResults.results.every((r) => r.status === 'success' && r.message === 'CREATE VIEW')).toBe(true);

      const again = await cli(['clone', '--project-dir', dir, '--state', join(dir, 'prod-state'), '-s', 'orders'], env);
      expect(again.code, again.err).toBe(0);
      expect(again.out).toContain('OK kept existing');
    });

    it('replaces a relation built in the target only with --full-refresh', async () => {
      const { dir, dev } = await builtProd(target);
      // dev builds its own orders table, with different rows.
      writeFiles(dir, { 'models/orders.sql': "{{ config(materialized='table') }}\nselect 7 as id, 7 as amount" });
      expect((await cli(['run', '--project-dir', dir, '-s', 'orders'], env)).code).toBe(0);
      const state = join(dir, 'prod-state');
      const kept = await cli(['clone', '--project-dir', dir, '--state', state, '-s', 'orders'], env);
      expect(kept.code, kept.err).toBe(0);
      expect(await target.query(dir, `select sum(amount) as total from ${dev}.orders`)).toEqual([{ total: '7' }]);
      const replaced = await cli(['clone', '--project-dir', dir, '--state', state, '-s', 'orders', '--full-refresh'], env);
      expect(replaced.code, replaced.err).toBe(0);
      expect(await target.query(dir, `select sum(amount) as total from ${dev}.orders`)).toEqual([{ total: '60' }]);
      // DBT_FULL_REFRESH says the same, as in dbt.
      expect((await cli(['run', '--project-dir', dir, '-s', 'orders'], env)).code).toBe(0);
      expect(await target.query(dir, `select sum(amount) as total from ${dev}.orders`)).toEqual([{ total: '7' }]);
      const byEnv = await cli(['clone', '--project-dir', dir, '--state', state, '-s', 'orders'], { ...env, DBT_FULL_REFRESH: 'true' });
      expect(byEnv.code, byEnv.err).toBe(0);
      expect(await target.query(dir, `select sum(amount) as total from ${dev}.orders`)).toEqual([{ total: '60' }]);
    });
  });
}

describe('clone errors and no-ops', () => {
  it('a node the state does not have is a no-op', async () => {
    const { dir, dev } = await builtProd(duckdb);
    writeFiles(dir, { 'models/fresh.sql': 'select 1 as id' });
    const result = await cli(['clone', '--project-dir', dir, '--state', join(dir, 'prod-state'), '-s', 'fresh'], env);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('OK no state for dev.fresh');
    expect(await duckdb.query(dir, `select count(*) as n from information_schema.tables where table_schema = '${dev}'`)).toEqual([
      { n: '0' },
    ]);
  });

  it("a state relation that is gone fails that node (exit 1) with the database's message", async () => {
    const { dir, prod } = await builtProd(duckdb);
    await duckdb.query(dir, `drop table ${prod}.orders`);
    const result = await cli(['clone', '--project-dir', dir, '--state', join(dir, 'prod-state'), '-s', 'orders'], env);
    expect(result.code).toBe(1);
    expect(`${result.out}\n${result.err}`).toContain('ERROR cloning dev.orders');
    const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as {
      results: { status: string; message: string }[];
    };
    expect(runResults.results[0]?.status).toBe('error');
    expect(runResults.results[0]?.message).toMatch(/cloning orders from .*orders.* failed: .*orders/i);
  });

  it('a --state folder without manifest.json is an error (exit 1)', async () => {
    const dir = writeProject(files);
    const result = await cli(['clone', '--project-dir', dir, '--state', join(dir, 'models')], env);
    expect(result.code).toBe(1);
    expect(result.err).toContain('no manifest.json there');
  });

  it('needs --state (exit 1)', async () => {
    const dir = writeProject(files);
    const result = await cli(['clone', '--project-dir', dir], env);
    expect(result.code).toBe(1);
    expect(result.err).toContain('strata clone needs --state');
  });
});

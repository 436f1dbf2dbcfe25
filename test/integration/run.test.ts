import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProject, type RunOptions } from '../../core/run/run-project.js';
import type { RunEvent } from '../../core/run/results.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { MATERIALIZATION_TARGETS } from '../helpers/non-transactional-target.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

for (const target of MATERIALIZATION_TARGETS) {
  describe(`running on ${target.title}`, () => {
    async function setup(files: Record<string, string>, threads = 2) {
      const dir = writeProject({ 'dbt_project.yml': projectYml('p'), ...files });
      const schema = await target.writeProfile(dir, 'p', { threads });
      const run = (options: Partial<RunOptions> = {}) =>
        runProject({ projectDir: dir, adapters: target.adapters, env: { HOME: EMPTY_HOME }, ...options });
      const query = (sql: string) => target.query(dir, sql.replaceAll('{schema}', schema));
      return { dir, schema, run, query };
    }
    const statusOf = (results: { uniqueId: string; status: string }[]) =>
      Object.fromEntries(results.map((r) => [r.uniqueId.split('.').pop(), r.status]));

    it('builds views, tables, ephemeral CTEs and seeds, and the rows are right', async () => {
      const { run, query } = await setup({
        'seeds/raw_orders.csv': 'id,amount,status\n1,10.5,paid\n2,20,open\n3,30,paid\n',
        'models/paid.sql': "{{ config(materialized='ephemeral') }}select * from {{ ref('raw_orders') }} where status = 'paid'",
        'models/orders_view.sql': "select id, amount from {{ ref('paid') }}",
        'models/orders_total.sql':
          "{{ config(materialized='table') }}select count(*) as n, sum(amount) as total from {{ ref('orders_view') }}",
      });
      const { summary } = await run();
      expect(summary.success).toBe(true);
      expect(statusOf(summary.results)).toEqual({ raw_orders: 'success', orders_view: 'success', orders_total: 'success' });
      expect(await query('select id, amount from {schema}.orders_view order by id')).toEqual([
        { id: '1', amount: '10.5' },
        { id: '3', amount: '30' },
      ]);
      expect(await query('select n, total from {schema}.orders_total')).toEqual([{ n: '2', total: '40.5' }]);
      const kinds = await query(
        "select table_name, table_type from information_schema.tables where table_schema = '{schema}' order by table_name",
      );
      expect(kinds).toEqual([
        { table_name: 'orders_total', table_type: 'BASE TABLE' },
        { table_name: 'orders_view', table_type: 'VIEW' },
        { table_name: 'raw_orders', table_type: 'BASE TABLE' },
      ]);
    });

    it('creates custom schemas and switches a relation between view and table', async () => {
      const { dir, run, query, schema } = await setup({ 'models/m.sql': "{{ config(schema='marts') }}select 1 as x" });
      expect((await run()).summary.success).toBe(true);
      const kind = async () =>
        (await query(`select table_type from information_schema.tables where table_schema = '${schema}_marts' and table_name = 'm'`))[0]
          ?.table_type;
      expect(await kind()).toBe('VIEW');
      writeFiles(dir, { 'models/m.sql': "{{ config(schema='marts', materialized='table') }}select 2 as x" });
      expect((await run()).summary.success).toBe(true);
      expect(await kind()).toBe('BASE TABLE');
      expect(await query(`select x from ${schema}_marts.m`)).toEqual([{ x: '2' }]);
      writeFiles(dir, { 'models/m.sql': "{{ config(schema='marts') }}select 3 as x" });
      expect((await run()).summary.success).toBe(true);
      expect(await kind()).toBe('VIEW');
      expect(await query(`select x from ${schema}_marts.m`)).toEqual([{ x: '3' }]);
    });

    it('leaves the previous table and its rows intact when a rebuild fails', async () => {
      const { dir, run, query } = await setup({ 'models/t.sql': "{{ config(materialized='table') }}select 1 as id union all select 2" });
      expect((await run()).summary.success).toBe(true);
      // Fails while the new rows are computed, after the build has started.
      writeFiles(dir, { 'models/t.sql': "{{ config(materialized='table') }}select cast('not a number' as integer) as id" });
      const { summary } = await run();
      expect(summary.success).toBe(false);
      expect(summary.results[0]?.message).toMatch(
        /Database error in model\.p\.t \(compiled SQL: target[/\\]compiled[/\\]p[/\\]models[/\\]t\.sql\)/,
      );
      expect(await query('select id from {schema}.t order by id')).toEqual([{ id: '1' }, { id: '2' }]);
      const leftovers = await query(
        "select table_name from information_schema.tables where table_schema = '{schema}' and table_name like '%strata%'",
      );
      expect(leftovers).toEqual([]);
    });

    it('skips the descendants of a failed node and runs everything else', async () => {
      const { run, query } = await setup({
        'models/bad.sql': 'select * from no_such_table',
        'models/child.sql': "select * from {{ ref('bad') }}",
        'models/grandchild.sql': "select * from {{ ref('child') }}",
        'models/fine.sql': 'select 1 as ok',
        'models/fine_child.sql': "select * from {{ ref('fine') }}",
      });
      const events: RunEvent[] = [];
      const { summary } = await run({ onEvent: (e) => events.push(e) });
      expect(summary.success).toBe(false);
      expect(statusOf(summary.results)).toEqual({
        bad: 'error',
        child: 'skipped',
        grandchild: 'skipped',
        fine: 'success',
        fine_child: 'success',
      });
      expect(await query('select ok from {schema}.fine_child')).toEqual([{ ok: '1' }]);
      const done = events.filter((e) => e.type === 'node-done');
      expect(done.map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
    });

    it('stops starting nodes after the first failure with fail-fast', async () => {
      const { run } = await setup(
        {
          'models/a_bad.sql': 'select * from no_such_table',
          'models/b_later.sql': "select * from {{ ref('a_bad') }}",
          'models/c_independent.sql': 'select 1 as x',
        },
        1,
      );
      const { summary } = await run({ failFast: true, threads: 1 });
      expect(statusOf(summary.results)).toEqual({ a_bad: 'error', b_later: 'skipped', c_independent: 'skipped' });
    });

    it('runs independent branches in parallel with the same results', async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 12; i++) files[`models/m${i}.sql`] = `{{ config(materialized='table') }}select ${i} as v`;
      files['models/total.sql'] = `select ${Array.from({ length: 12 }, (_, i) => `(select v from {{ ref('m${i}') }})`).join(' + ')} as s`;
      const { run, query } = await setup(files, 4);
      const { summary } = await run({ threads: 4 });
      expect(summary.success).toBe(true);
      expect(new Set(summary.results.map((r) => r.threadId)).size).toBeGreaterThan(1);
      expect(await query('select s from {schema}.total')).toEqual([{ s: '66' }]);
    });

    it('runs only the selection, in dependency order, and writes compiled SQL', async () => {
      const { dir, run } = await setup({
        'models/a.sql': 'select 1 as x',
        'models/b.sql': "select * from {{ ref('a') }}",
        'models/c.sql': "select * from {{ ref('b') }}",
      });
      const { summary } = await run({ select: ['+b'] });
      expect(summary.results.map((r) => r.uniqueId)).toEqual(['model.p.a', 'model.p.b']);
      expect(readFileSync(join(dir, 'target/compiled/p/models/b.sql'), 'utf8')).toContain('"a"');
      expect(existsSync(join(dir, 'target/compiled/p/models/c.sql'))).toBe(false);
    });

    it('cancels: nothing new starts once the signal is aborted', async () => {
      const { run } = await setup({ 'models/a.sql': 'select 1 as x', 'models/b.sql': "select * from {{ ref('a') }}" });
      const controller = new AbortController();
      controller.abort();
      const { summary } = await run({ signal: controller.signal });
      expect(summary.cancelled).toBe(true);
      expect(summary.success).toBe(false);
      expect(statusOf(summary.results)).toEqual({ a: 'skipped', b: 'skipped' });
    });
  });
}

for (const target of MATERIALIZATION_TARGETS) {
  describe(`cancelling on ${target.title}`, () => {
    it('cancels the running statement, leaves the old table and no temporary relations', async () => {
      const dir = writeProject({ 'dbt_project.yml': projectYml('p'), 'models/t.sql': "{{ config(materialized='table') }}select 1 as id" });
      const schema = await target.writeProfile(dir, 'p');
      const run = (signal?: AbortSignal) =>
        runProject({ projectDir: dir, adapters: target.adapters, env: { HOME: EMPTY_HOME }, ...(signal ? { signal } : {}) });
      const first = await run();
      expect(first.summary.results.map((r) => r.status)).toEqual(['success']);
      writeFiles(dir, { 'models/t.sql': `{{ config(materialized='table') }}${target.slowSql}` });
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 1500);
      const { summary } = await run(controller.signal);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(summary.cancelled).toBe(true);
      expect(summary.results.map((r) => [r.status, r.message])).toEqual([['error', expect.stringContaining('cancelled')]]);
      expect(await target.query(dir, `select id from ${schema}.t`)).toEqual([{ id: '1' }]);
      expect(
        await target.query(
          dir,
          `select table_name from information_schema.tables where table_schema = '${schema}' and table_name like '%strata%'`,
        ),
      ).toEqual([]);
      // What finished is recorded.
      const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as {
        results: { unique_id: string; status: string }[];
      };
      expect(results.results.map((r) => [r.unique_id, r.status])).toEqual([['model.p.t', 'error']]);
    });
  });
}

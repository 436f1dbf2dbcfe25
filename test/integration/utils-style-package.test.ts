import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { PG_URL, TEST_TARGETS, type TestTarget } from '../helpers/targets.js';
import { builtFixture, builtRows, installedFixture, runResults, type NodeResult, type PackageFixture } from '../helpers/package-fixture.js';
import { writeFiles } from '../helpers/temp-project.js';

/**
 * test/fixtures/utils-style: a package (utils_style) written the way dbt_utils is, with the macros
 * projects use most (union_relations, star, date_spine on generate_series, get_column_values,
 * get_relations_by_pattern, the equality and expression_is_true tests), and a project that installs
 * it with `strata deps`. The macros read the database through dbt's objects: Relations as mappings,
 * Column type tests, agate tables from run_query and statement, adapter lookups.
 */
const PROJECT = 'utils_style_project';
const FIXTURE: PackageFixture = { dir: resolve(import.meta.dirname, '../fixtures/utils-style'), project: PROJECT, package: 'utils_style' };
const installed = (target: TestTarget) => installedFixture(FIXTURE, target);

for (const target of TEST_TARGETS) {
  describe(`a dbt_utils-style package (utils_style) on ${target.name}`, () => {
    let dir = '';
    let schema = '';
    let build = { code: -1, out: '', err: '' };
    let results: Record<string, NodeResult> = {};

    beforeAll(async () => {
      ({ dir, schema, build, results } = await builtFixture(FIXTURE, target));
    }, 120_000);

    /** Rows of a query on what the build made. */
    const rows = (model: string, sql: string) => builtRows({ dir, schema, build, results }, target, `model.${PROJECT}.${model}`, sql);

    /** A test's `status failures`, by its name. */
    const outcome = (name: string, from = results) => {
      const result = from[`test.${PROJECT}.${name}`];
      return result ? `${result.status} ${result.failures}` : 'not run';
    };

    it('installs the package and builds every seed, model and test with exit code 0, four tests warning', () => {
      expect(Object.keys(results), build.err).not.toEqual([]);
      expect(
        Object.entries(results)
          .filter(([, r]) => r.status !== 'success' && r.status !== 'pass')
          .map(([id, r]) => `${id}: ${r.status}${r.status === 'warn' ? '' : `: ${r.message}`}`)
          .sort(),
      ).toEqual([
        `test.${PROJECT}.orders_core_matches_unioned: warn`,
        `test.${PROJECT}.orders_unioned_amount_at_least_10: warn`,
        `test.${PROJECT}.orders_unioned_has_channel: warn`,
        `test.${PROJECT}.orders_unioned_matches_expected_exactly: warn`,
      ]);
      expect(
        Object.keys(results)
          .filter((id) => !id.startsWith('test.'))
          .sort(),
      ).toEqual(
        [
          'model.january_2024',
          'model.months_2024',
          'model.orders_2024_star',
          'model.orders_all_years',
          'model.orders_core',
          'model.orders_unioned',
          'model.status_pivot',
          'seed.expected_orders',
          'seed.orders_2023',
          'seed.orders_2024',
        ].map((id) => id.replace('.', `.${PROJECT}.`)),
      );
      expect(build.code, `${build.err}\n${build.out}`).toBe(0);
    });

    it('union_relations: columns unioned case-insensitively in first-seen order, excluded by any case, null where missing, filtered by where', async () => {
      const unioned = await rows(
        'orders_unioned',
        'select _dbt_source_relation as src, order_id, customer_id, status, cast(amount as varchar(12)) as amount, channel from {schema}.orders_unioned order by order_id',
      );
      expect(unioned.map(({ src, ...row }) => ({ ...row, src: src?.replace(/^.*\./, '') }))).toEqual([
        { src: '"orders_2023"', order_id: '1', customer_id: '10', status: 'shipped', amount: '10.40', channel: null },
        { src: '"orders_2023"', order_id: '3', customer_id: '10', status: 'placed', amount: '5.25', channel: null },
        { src: '"orders_2024"', order_id: '4', customer_id: 'C-30', status: 'shipped', amount: '40.00', channel: 'web' },
        { src: '"orders_2024"', order_id: '5', customer_id: 'C-10', status: 'shipped', amount: '12.00', channel: 'web' },
        { src: '"orders_2024"', order_id: '6', customer_id: 'C-10', status: 'placed', amount: '8.75', channel: 'store' },
      ]);
      // dbt.string_literal(relation): the relation's full quoted name.
      expect(unioned[0]?.src).toBe(`"${target.name === 'duckdb' ? 'test' : new URL(PG_URL).pathname.slice(1)}"."${schema}"."orders_2023"`);
    });

    it('union_relations: the widest string type (is_string, string_size), text where one relation has text and another a number (api.Column.create)', async () => {
      const columns = await rows(
        'orders_unioned',
        "select column_name, data_type, character_maximum_length as size from information_schema.columns where table_schema = '{schema}' and table_name = 'orders_unioned' order by ordinal_position",
      );
      const shape = columns.map((c) => `${c.column_name} ${c.data_type}${c.size ? `(${c.size})` : ''}`);
      expect(shape).toEqual(
        target.name === 'postgres'
          ? [
              '_dbt_source_relation text',
              'order_id integer',
              'customer_id text',
              'status character varying(20)',
              'amount numeric',
              'channel character varying(10)',
            ]
          : [
              '_dbt_source_relation VARCHAR',
              'order_id INTEGER',
              'customer_id VARCHAR',
              'status VARCHAR',
              'amount DECIMAL(10,2)',
              'channel VARCHAR',
            ],
      );
    });

    it('union_relations: include by any case, column_override, no source column', async () => {
      expect(await rows('orders_core', 'select * from {schema}.orders_core order by order_id')).toEqual([
        { order_id: '1', status: 'shipped', amount: '10' },
        { order_id: '2', status: 'returned', amount: '25' },
        { order_id: '3', status: 'placed', amount: '5' },
        { order_id: '4', status: 'shipped', amount: '40' },
        { order_id: '5', status: 'shipped', amount: '12' },
        { order_id: '6', status: 'placed', amount: '9' },
      ]);
    });

    it('get_relations_by_pattern: information_schema rows (statement + load_result) become api.Relation.create relations, unioned', async () => {
      const all = await rows(
        'orders_all_years',
        'select source_relation, order_id, status, cast(_loaded_at as varchar(10)) as loaded, channel from {schema}.orders_all_years order by order_id',
      );
      expect(all.map((r) => `${r.source_relation?.replace(/^.*\./, '')} ${r.order_id} ${r.status} ${r.loaded} ${r.channel}`)).toEqual([
        '"orders_2023" 1 shipped 2024-01-02 null',
        '"orders_2023" 2 returned 2024-01-02 null',
        '"orders_2023" 3 placed 2024-01-02 null',
        '"orders_2024" 4 shipped 2024-06-01 web',
        '"orders_2024" 5 shipped 2024-06-01 web',
        '"orders_2024" 6 placed 2024-06-01 store',
      ]);
      // orders_20__ matches the two exports, not orders_2024_star.
      expect(results[`model.${PROJECT}.orders_all_years`]?.compiled_code?.match(/union all/g)).toHaveLength(1);
    });

    it('date_spine: generate_series from powers of two, the interval count asked with statement(), dbt.dateadd', async () => {
      const days = await rows(
        'january_2024',
        'select count(*) as n, cast(min(date_day) as varchar(10)) as first_day, cast(max(date_day) as varchar(10)) as last_day, count(distinct date_day) as distinct_days from {schema}.january_2024',
      );
      expect(days).toEqual([{ n: '31', first_day: '2024-01-01', last_day: '2024-01-31', distinct_days: '31' }]);
      const months = await rows(
        'months_2024',
        'select cast(cast(date_month as date) as varchar(10)) as month from {schema}.months_2024 order by date_month',
      );
      expect(months.map((m) => m.month)).toEqual(Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}-01`));
      const compiled = results[`model.${PROJECT}.january_2024`]?.compiled_code ?? '';
      expect(compiled).toContain('where generated_number <= 31');
      expect(compiled).toContain('p4.generated_number * power(2, 4)');
      expect(compiled).not.toContain('p5.');
    });

    it('get_column_values: run_query(...).columns[0].values() makes the pivot columns; max_records and where; the default for a missing relation (load_relation is none)', async () => {
      const pivot = await rows(
        'status_pivot',
        'select customer_id, cast(placed_amount as numeric(10,2)) as placed, cast(shipped_amount as numeric(10,2)) as shipped, top_channel, regions from {schema}.status_pivot order by customer_id',
      );
      expect(pivot).toEqual([
        { customer_id: '10', placed: '5.25', shipped: '10.40', top_channel: 'web', regions: 'n/a' },
        { customer_id: 'C-10', placed: '8.75', shipped: '12.00', top_channel: 'web', regions: 'n/a' },
        { customer_id: 'C-30', placed: '0.00', shipped: '40.00', top_channel: 'web', regions: 'n/a' },
      ]);
    });

    it('star: from= as a keyword, except by any case, relation_alias, prefix/suffix, quote_identifiers=False', async () => {
      const star = await rows('orders_2024_star', 'select * from {schema}.orders_2024_star order by order_id');
      expect(Object.keys(star[0] ?? {})).toEqual(['order_id', 'customer_id', 'Status', 'amount', 'src_channel_code']);
      expect(star.map((r) => `${r.order_id} ${r.customer_id} ${r.Status} ${r.src_channel_code}`)).toEqual([
        '4 C-30 shipped web',
        '5 C-10 shipped web',
        '6 C-10 placed store',
      ]);
      expect(results[`model.${PROJECT}.orders_2024_star`]?.compiled_code).toContain('o.channel as src_channel_code');
    });

    it('equality: passes on exclude_columns with precision, warns on compare_columns, and counts with its fail_calc', () => {
      expect(outcome('orders_unioned_matches_expected'), build.err).toBe('pass 0');
      // 10.40 against 10.44: one row each way.
      expect(outcome('orders_unioned_matches_expected_exactly')).toBe('warn 2');
      // order 2 only in orders_core: count(*) is 1, the fail_calc (count + |a_minus_b - b_minus_a|) 2.
      expect(outcome('orders_core_matches_unioned')).toBe('warn 2');
      const compiled = results[`test.${PROJECT}.orders_unioned_matches_expected`]?.compiled_code ?? '';
      expect(compiled).toContain('round(cast("amount" as numeric(28,6)), 1) as "amount"');
      expect(compiled).not.toContain('_dbt_source_relation');
      expect(compiled).toContain('except');
    });

    it('expression_is_true: should_store_failures() is false in a plain build, true where the test configures store_failures', async () => {
      expect(outcome('january_2024_in_january')).toBe('pass 0');
      expect(outcome('orders_unioned_has_channel')).toBe('warn 2');
      expect(results[`test.${PROJECT}.orders_unioned_has_channel`]?.compiled_code).toMatch(/select\s+1 as failing_row\s+from/);
      expect(outcome('orders_unioned_amount_at_least_10')).toBe('warn 2');
      expect(results[`test.${PROJECT}.orders_unioned_amount_at_least_10`]?.compiled_code).toMatch(/select\s+\*\s+from/);
      const stored = await target.query(
        dir,
        `select order_id, status, cast(amount as varchar(12)) as amount from ${schema}_dbt_test__audit.orders_unioned_amount_at_least_10 order by order_id`,
      );
      expect(stored).toEqual([
        { order_id: '3', status: 'placed', amount: '5.25' },
        { order_id: '6', status: 'placed', amount: '8.75' },
      ]);
    });

    it('expression_is_true: `strata test --store-failures` makes should_store_failures() true and stores every failing test', async () => {
      const run = await cli(['test', '--project-dir', dir, '-s', 'orders_unioned', '--store-failures'], { HOME: EMPTY_HOME });
      expect(run.code, run.err).toBe(0);
      const tested = runResults(dir);
      expect(outcome('orders_unioned_has_channel', tested)).toBe('warn 2');
      expect(tested[`test.${PROJECT}.orders_unioned_has_channel`]?.compiled_code).toMatch(/select\s+\*\s+from/);
      const stored = await target.query(
        dir,
        `select order_id, customer_id, channel from ${schema}_dbt_test__audit.orders_unioned_has_channel order by order_id`,
      );
      expect(stored).toEqual([
        { order_id: '1', customer_id: '10', channel: null },
        { order_id: '3', customer_id: '10', channel: null },
      ]);
    });
  });
}

describe('utils_style argument checks', () => {
  const target = TEST_TARGETS[0];

  /** Builds the fixture with `files` written over the project's; returns what the CLI printed and the results. */
  async function buildWith(files: Record<string, string>): Promise<{ code: number; err: string; results: Record<string, NodeResult> }> {
    if (!target) throw new Error('no test target');
    const { dir } = await installed(target);
    writeFiles(dir, files);
    const run = await cli(['build', '--project-dir', dir], { HOME: EMPTY_HOME });
    return { ...run, results: runResults(dir) };
  }

  it('union_relations refuses a table name given as a string: `relation is mapping` is false', async () => {
    const run = await buildWith({ 'models/by_name.sql': "{{ utils_style.union_relations(['orders_2023', ref('orders_2024')]) }}\n" });
    expect(run.code).toBe(1);
    expect(run.err).toContain('models/by_name.sql');
    expect(run.err).toContain('Macro union_relations expected a Relation but received the value: orders_2023');
  });

  it('star refuses an ephemeral model (relation.is_cte, its name stripped of api.Relation.add_ephemeral_prefix), which has no columns to read', async () => {
    const run = await buildWith({
      'models/recent_orders.sql': "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('orders_2024') }}\n",
      'models/recent_star.sql': "select {{ utils_style.star(ref('recent_orders')) }} from {{ ref('recent_orders') }}\n",
    });
    expect(run.code).toBe(1);
    expect(run.err).toContain('models/recent_star.sql');
    expect(run.err).toContain("The `star` macro reads the database's catalog, so it cannot be given the ephemeral model `recent_orders`.");
    expect(run.err).not.toContain('__dbt__cte__recent_orders');
  });

  it('equality without compare_columns or exclude_columns names the columns that differ', async () => {
    const run = await buildWith({
      'models/schema.yml':
        "version: 2\nmodels:\n  - name: orders_unioned\n    data_tests:\n      - utils_style.equality:\n          compare_model: ref('expected_orders')\n",
    });
    expect(run.code).toBe(1);
    // dbt would name it utils_style_equality_orders_unioned_ref_expected_orders_; dbt's generated names are issue #21.
    const id = Object.keys(run.results).find((key) => key.startsWith(`test.${PROJECT}.utils_style_equality_orders_unioned_`));
    const result = id ? run.results[id] : undefined;
    expect(result?.status, `${run.err}\n${Object.keys(run.results).join('\n')}`).toBe('error');
    // The generated SQL's problem is shown at the test's entry in the properties file, not at line 1.
    expect(run.err).toMatch(/models\/schema\.yml:5:\d+: error\[template-render\]/);
    expect(result?.message).toContain(
      'have different columns (_dbt_source_relation, amount, channel, customer_id, order_id, status / amount, channel, customer_id, order_id, status)',
    );
  });
});

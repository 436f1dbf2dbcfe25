import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { builtFixture, builtRows, installedFixture, type NodeResult, type PackageFixture } from '../helpers/package-fixture.js';
import { TEST_TARGETS, type TestTarget } from '../helpers/targets.js';
import { writeFiles } from '../helpers/temp-project.js';

/**
 * test/fixtures/jinja-style: a package (style_utils) written the way dbt_utils, dbt_date and
 * audit_helper are written, and a project that installs it with `strata deps` and uses every macro.
 * Each model's rows prove one Jinja construct rendered as Python's Jinja2 renders it in dbt (the
 * expected values are what check_with_jinja2.py, next to the fixture, gets from Jinja2 and Postgres).
 */
const FIXTURE: PackageFixture = {
  dir: resolve(import.meta.dirname, '../fixtures/jinja-style'),
  project: 'jinja_style',
  package: 'style_utils',
};
const installed = (target: TestTarget) => installedFixture(FIXTURE, target);

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

for (const target of TEST_TARGETS) {
  describe(`a dbt_utils-style package on ${target.name}`, () => {
    let dir = '';
    let schema = '';
    let build = { code: -1, out: '', err: '' };
    let results: Record<string, NodeResult> = {};

    beforeAll(async () => {
      ({ dir, schema, build, results } = await builtFixture(FIXTURE, target));
    }, 120_000);

    /** Rows of a query on what the build made. */
    const rows = (model: string, sql: string) =>
      builtRows(
        { dir, schema, build, results },
        target,
        model.startsWith('style_utils') ? `model.style_utils.${model}` : `model.jinja_style.${model}`,
        sql,
      );

    it('installs the package and builds every seed, model and test with exit code 0', () => {
      expect(Object.keys(results), build.err).not.toEqual([]);
      expect(
        Object.entries(results)
          .filter(([, r]) => r.status !== 'success' && r.status !== 'pass')
          .map(([id, r]) => `${id}: ${r.status}${r.status === 'warn' ? '' : `: ${r.message}`}`),
      ).toEqual(['test.jinja_style.orders_deduped_equals_stale_orders: warn']);
      expect(
        Object.keys(results)
          .filter((id) => !id.startsWith('test.'))
          .sort(),
      ).toEqual([
        'model.jinja_style.calendar',
        'model.jinja_style.column_picks',
        'model.jinja_style.interval_facts',
        'model.jinja_style.order_counts',
        'model.jinja_style.order_keys',
        'model.jinja_style.orders_deduped',
        'model.jinja_style.orders_star',
        'model.jinja_style.payments_pivot',
        'model.jinja_style.value_semantics',
        'model.style_utils.style_utils_status_map',
        'seed.jinja_style.expected_orders',
        'seed.jinja_style.raw_orders',
        'seed.jinja_style.raw_payments',
        'seed.jinja_style.stale_orders',
      ]);
      expect(build.code, `${build.err}\n${build.out}`).toBe(0);
    });

    it('deduplicate: adapter.dispatch picks the adapter variant or default__, and keep= reaches it through **kwargs', async () => {
      expect(
        await rows(
          'orders_deduped',
          'select order_id, customer_id, status, amount, cast(updated_at as varchar(10)) as updated_at, cast(_loaded_at as varchar(10)) as loaded_at from {schema}.orders_deduped order by order_id',
        ),
      ).toEqual([
        { order_id: '1', customer_id: '10', status: 'shipped', amount: '10', updated_at: '2024-01-03', loaded_at: '2024-01-05' },
        { order_id: '2', customer_id: '20', status: 'placed', amount: '25', updated_at: '2024-01-02', loaded_at: '2024-01-05' },
        { order_id: '3', customer_id: '10', status: 'returned', amount: '5', updated_at: '2024-01-02', loaded_at: '2024-01-05' },
        { order_id: '4', customer_id: '30', status: 'shipped', amount: '40', updated_at: '2024-01-04', loaded_at: '2024-01-05' },
      ]);
      // postgres__deduplicate on Postgres; default__deduplicate (row_number, columns listed by star()) on DuckDB.
      expect(results['model.jinja_style.orders_deduped']?.compiled_code).toContain(
        target.name === 'postgres' ? 'select distinct on (order_id) *' : 'where _row_number = 1',
      );
    });

    it('star: exclusions as list + list, a {col.name | lower: col} dict, a loop filter whose loop.last counts only the kept columns', async () => {
      const star = await rows('orders_star', 'select * from {schema}.orders_star order by src_order_id, src_status');
      expect(Object.keys(star[0] ?? {})).toEqual(['src_order_id', 'src_customer_id', 'src_status', 'src_updated_at']);
      expect(star.map((r) => `${r.src_order_id} ${r.src_customer_id} ${r.src_status}`)).toEqual([
        '1 10 placed',
        '1 10 shipped',
        '2 20 placed',
        '3 10 placed',
        '3 10 returned',
        '4 30 shipped',
      ]);
    });

    it('pivot: options through **kwargs, trailing commas, private _sql_literal() and style_utils._slugify()', async () => {
      expect(await rows('payments_pivot', 'select * from {schema}.payments_pivot order by order_id')).toEqual([
        {
          order_id: '1',
          amt_credit_card: '7',
          amt_gift_card: '3',
          amt_coupon: '0',
          credit_card_count: '1',
          gift_card_count: '1',
          coupon_count: '0',
        },
        {
          order_id: '2',
          amt_credit_card: '25',
          amt_gift_card: '0',
          amt_coupon: '0',
          credit_card_count: '1',
          gift_card_count: '0',
          coupon_count: '0',
        },
        {
          order_id: '3',
          amt_credit_card: '0',
          amt_gift_card: '0',
          amt_coupon: '5',
          credit_card_count: '0',
          gift_card_count: '0',
          coupon_count: '1',
        },
        {
          order_id: '4',
          amt_credit_card: '0',
          amt_gift_card: '30',
          amt_coupon: '10',
          credit_card_count: '0',
          gift_card_count: '1',
          coupon_count: '1',
        },
      ]);
    });

    it('generate_surrogate_key and concat_ws: **kwargs forwarded, varargs and kwargs received, *args at the call', async () => {
      expect(await rows('order_keys', 'select * from {schema}.order_keys order by order_id')).toEqual([
        { order_id: '1', order_key: md5('1-10'), null_key: md5('1-~'), natural_key: '1|10', status_path: 'shipped/n/a' },
        { order_id: '2', order_key: md5('2-20'), null_key: md5('2-~'), natural_key: '2|20', status_path: 'placed/n/a' },
        { order_id: '3', order_key: md5('3-10'), null_key: md5('3-~'), natural_key: '3|10', status_path: 'returned/n/a' },
        { order_id: '4', order_key: md5('4-30'), null_key: md5('4-~'), natural_key: '4|30', status_path: 'shipped/n/a' },
      ]);
      expect(md5('1-10')).toBe('dd56b78777e20754464527f860399711'); // what dbt's SQL gives on Postgres
    });

    it('date_spine: statement/load_result, {% break %} with {% set ns.x %} in a loop, 2 ** i', async () => {
      expect(await rows('calendar', 'select cast(date_day as varchar(10)) as date_day from {schema}.calendar order by date_day')).toEqual([
        { date_day: '2024-01-30' },
        { date_day: '2024-01-31' },
        { date_day: '2024-02-01' },
        { date_day: '2024-02-02' },
      ]);
      expect(await rows('interval_facts', 'select * from {schema}.interval_facts')).toEqual([
        { days_between: '31', powers_for_31: '5', powers_for_33: '6' },
      ]);
    });

    it('first_columns: {% continue %} and {% break %}, kwargs, and a column named by {% set ns.attr %}…{% endset %}', async () => {
      expect(await rows('column_picks', 'select * from {schema}.column_picks')).toEqual([
        { order_id: '2', status: 'placed', amount: '25', picked_order_id_status_amount: '3' },
      ]);
    });

    it('count_by: a multi-line string literal with .format()', async () => {
      expect(await rows('order_counts', 'select * from {schema}.order_counts order by order_status')).toEqual([
        { order_status: 'placed', n_rows: '1' },
        { order_status: 'returned', n_rows: '1' },
        { order_status: 'shipped', n_rows: '2' },
      ]);
    });

    it('renders values as Python does: True, 2.0, lists, dicts, None, //, %, empty containers false, set scoped to its loop', async () => {
      expect(await rows('value_semantics', 'select * from {schema}.value_semantics')).toEqual([
        {
          flag_raw: 'True',
          flag_text: 'True',
          list_text: "['a', 'b']",
          dict_text: "{'k': 1}",
          none_text: 'None',
          seven_halves: '3.5',
          four_halves: '2.0',
          seven_floor_halves: '3',
          minus_seven_mod_three: '2',
          concatenated_list: '[1, 2, 3]',
          lists_equal: 'True',
          empty_list: 'falsy',
          empty_dict: 'falsy',
          loop_scoped_set: 'none',
          dispatched_label: target.name === 'duckdb' ? 'duckdb' : 'default',
        },
      ]);
    });

    it("the package's own model: {k | lower: v} keys, a loop filter with loop.index, loop.length and loop.last", async () => {
      expect(await rows('style_utils_status_map', 'select * from {schema}.style_utils_status_map order by position')).toEqual([
        { status: 'placed', state: 'open', position: '1', n_states: '3' },
        { status: 'shipped', state: 'done', position: '2', n_states: '3' },
        { status: 'returned', state: 'done', position: '3', n_states: '3' },
      ]);
    });

    it('the equality generic test: {col.name: col} keys, reject("in", …), a {% set ns.attr %} block; it passes, and finds the 2 differing rows', () => {
      expect(Object.keys(results), build.err).not.toEqual([]);
      const tests = Object.values(results).filter((r) => r.unique_id.startsWith('test.'));
      expect(
        tests
          .map(
            (r) =>
              `${r.unique_id.startsWith('test.jinja_style.orders_deduped_equals_stale_orders') ? 'stale' : 'expected'} ${r.status} ${r.failures}`,
          )
          .sort(),
      ).toEqual(['expected pass 0', 'stale warn 2']);
    });
  });
}

describe('template errors in a dbt_utils-style project', () => {
  const target = TEST_TARGETS[0];

  /** Builds the fixture's package and seeds with `files` in place of the project's models; returns what the CLI printed. */
  async function buildWith(files: Record<string, string>, select: string): Promise<{ code: number; out: string; err: string }> {
    if (!target) throw new Error('no test target');
    const { dir } = await installed(target);
    rmSync(join(dir, 'models'), { recursive: true });
    writeFiles(dir, files);
    return cli(['build', '--project-dir', dir, '-s', select], { HOME: EMPTY_HOME });
  }

  it("name the model's file and line, with Jinja2's message, not JavaScript's", async () => {
    const result = await buildWith(
      { 'models/broken.sql': "{%- set cfg = {'columns': ['a']} -%}\nselect 1 as a\n  , {{ cfg.missing.upper() }} as b\n" },
      'broken',
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain('models/broken.sql:3');
    expect(result.err).toContain("'dict object' has no attribute 'missing'");
    expect(result.err).not.toContain('Cannot read properties');
    expect(result.err).not.toContain('undefined or falsey');
    expect(result.err).not.toContain(':1:1');
  });

  it("report a package macro's raise_compiler_error (built from varargs) at the model's line", async () => {
    const result = await buildWith(
      {
        'models/bad_key.sql':
          "select\n  {{ style_utils.generate_surrogate_key('order_id', 'customer_id') }} as k\nfrom {{ ref('raw_orders') }}\n",
      },
      'bad_key',
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain('models/bad_key.sql:2');
    expect(result.err).toContain('generate_surrogate_key takes one list of columns, not 2 separate arguments');
    expect(result.err).toContain('write generate_surrogate_key([order_id, customer_id])');
  });

  it('refuse a trailing comma in a macro definition, as Jinja2 does (dbt cannot parse it)', async () => {
    const result = await buildWith(
      {
        'macros/trailing_comma.sql': '{% macro two_columns(a,\n                     b,\n) %}{{ a }}, {{ b }}{% endmacro %}\n',
        'models/uses_it.sql': "select {{ two_columns('1', '2') }}",
      },
      'uses_it',
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain('macros/trailing_comma.sql:3');
    expect(result.err).toContain('error[template-syntax]');
  });
});

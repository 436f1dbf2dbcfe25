import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { runProject, type RunOptions } from '../../core/run/run-project.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

const runResultsSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-run-results-v6.json'), 'utf8')) as object;

/** Orders with one duplicate id, one NULL id, one unknown status and one unknown customer. */
const FILES = {
  'seeds/customers.csv': 'id,name\n1,Ann\n2,Bob\n',
  'seeds/orders.csv': 'id,customer_id,status,amount\n1,1,paid,10\n2,2,open,20\n2,2,paid,5\n,1,lost,7\n4,9,paid,1\n',
  'models/good_orders.sql': "select * from {{ ref('orders') }} where id is not null and id <> 2 and customer_id <> 9",
};

const props = (entries: string) => `version: 2\nmodels:\n${entries}`;

for (const target of TEST_TARGETS) {
  describe(`data tests on ${target.name}`, () => {
    async function setup(files: Record<string, string>) {
      const dir = writeProject({ 'dbt_project.yml': projectYml('p'), ...FILES, ...files });
      const schema = await target.writeProfile(dir, 'p');
      const run = async (options: Partial<RunOptions> = {}) =>
        (await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, ...options })).summary;
      /** Builds everything, then runs only the tests, so no test is skipped by another. */
      const outcome = async () => {
        await run({ resourceTypes: ['seed', 'model'] });
        const summary = await run({ resourceTypes: ['test', 'unit_test'] });
        const name = (id: string) => (id.startsWith('unit_test.') ? id.split('.').pop() : id.split('.')[2]);
        return Object.fromEntries(
          summary.results
            .filter((r) => r.uniqueId.startsWith('test.') || r.uniqueId.startsWith('unit_test.'))
            .map((r) => [
              name(r.uniqueId),
              `${r.status}${r.failures ? ` ${r.failures}` : ''}${r.status === 'error' ? ` ${r.message}` : ''}`,
            ]),
        );
      };
      return { dir, schema, run, outcome, query: (sql: string) => target.query(dir, sql.replaceAll('{schema}', schema)) };
    }

    it('each built-in test passes on good data and fails, with its count, on bad data', async () => {
      const columns = `    columns:
      - name: id
        data_tests: [unique, not_null]
      - name: status
        data_tests:
          - accepted_values: {values: [paid, open]}
      - name: customer_id
        tests:
          - relationships:
              arguments: {to: "ref('customers')", field: id}
`;
      const { outcome } = await setup({
        'models/props.yml': props(`  - name: good_orders\n${columns}`),
        'seeds/props.yml': `seeds:\n  - name: orders\n${columns}`,
      });
      expect(await outcome()).toEqual({
        unique_good_orders_id: 'pass',
        not_null_good_orders_id: 'pass',
        accepted_values_good_orders_status__paid__open: 'pass',
        relationships_good_orders_customer_id__id__ref_customers_: 'pass',
        unique_orders_id: 'fail 1',
        not_null_orders_id: 'fail 1',
        accepted_values_orders_status__paid__open: 'fail 1',
        relationships_orders_customer_id__id__ref_customers_: 'fail 1',
      });
    });

    it('applies severity, warn_if/error_if, fail_calc, where and limit', async () => {
      const { outcome } = await setup({
        'seeds/props.yml': `seeds:
  - name: orders
    columns:
      - name: status
        data_tests:
          - accepted_values: {values: [paid], config: {severity: warn}}
          - accepted_values: {name: few_bad_statuses, values: [paid], config: {warn_if: '>= 1', error_if: '> 5'}}
          - accepted_values: {name: sum_of_bad, values: [paid], config: {fail_calc: 'sum(n_records)', error_if: '> 1'}}
          - accepted_values: {name: only_known_customers, values: [paid, open], config: {where: 'customer_id <> 1'}}
      - name: id
        data_tests:
          - not_null: {name: capped, config: {limit: 1}}
`,
      });
      expect(await outcome()).toEqual({
        accepted_values_orders_status__paid: 'warn 2',
        few_bad_statuses: 'warn 2',
        sum_of_bad: 'fail 2',
        only_known_customers: 'pass',
        capped: 'fail 1',
      });
    });

    it('runs custom generic tests from tests/generic and macros, singular tests, and source tests', async () => {
      const { outcome } = await setup({
        'tests/generic/is_positive.sql':
          '{% test is_positive(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} <= 0\n{% endtest %}',
        'macros/at_most.sql':
          '{% test at_most(model, column_name, limit_value) %}select * from {{ model }} where {{ column_name }} > {{ limit_value }}{% endtest %}',
        'tests/no_big_orders.sql': "select * from {{ ref('orders') }} where amount > 15",
        'models/props.yml': `version: 2
sources:
  - name: raw
    schema: ${target.name === 'duckdb' ? 'main' : '"{{ target.schema }}"'}
    tables:
      - name: customers
        columns:
          - name: id
            data_tests: [unique]
`,
        'seeds/props.yml': `seeds:
  - name: orders
    columns:
      - name: amount
        data_tests: [is_positive, {at_most: {limit_value: 10}}]
`,
      });
      expect(await outcome()).toEqual({
        is_positive_orders_amount: 'pass',
        at_most_orders_amount__10: 'fail 1',
        no_big_orders: 'fail 1',
        source_unique_raw_customers_id: 'pass',
      });
    });

    it('stores failing rows in the audit schema and names the table', async () => {
      const { run, query, schema } = await setup({
        'seeds/props.yml':
          'seeds:\n  - name: orders\n    columns:\n      - name: id\n        data_tests:\n          - unique: {config: {store_failures: true}}\n',
      });
      const summary = await run();
      const result = summary.results.find((r) => r.uniqueId.startsWith('test.p.unique_orders_id'));
      expect(result?.status).toBe('fail');
      expect(result?.message).toContain(`failing rows stored in test.${schema}_dbt_test__audit.unique_orders_id`);
      expect(await query('select unique_field, n_records from {schema}_dbt_test__audit.unique_orders_id')).toEqual([
        { unique_field: '2', n_records: '2' },
      ]);
    });

    it('build skips what is downstream of a failing test, but not of a warning', async () => {
      const { run } = await setup({
        'models/after_orders.sql': "select * from {{ ref('orders') }}",
        'models/after_customers.sql': "select * from {{ ref('customers') }}",
        'seeds/props.yml':
          'seeds:\n  - name: orders\n    columns:\n      - name: id\n        data_tests: [unique]\n  - name: customers\n    columns:\n      - name: name\n        data_tests: [{accepted_values: {values: [Ann], config: {severity: warn}}}]\n',
      });
      const summary = await run();
      const status = Object.fromEntries(summary.results.map((r) => [r.uniqueId.split('.')[2], r.status]));
      expect(status).toMatchObject({
        orders: 'success',
        unique_orders_id: 'fail',
        after_orders: 'skipped',
        good_orders: 'skipped',
        customers: 'success',
        accepted_values_customers_name__Ann: 'warn',
        after_customers: 'success',
      });
      expect(summary.success).toBe(false);
    });

    it('disabled tests do not run; tests are selectable by model, tag, test_type and test_name', async () => {
      const { dir, outcome } = await setup({
        'seeds/props.yml':
          'seeds:\n  - name: orders\n    columns:\n      - name: id\n        data_tests:\n          - unique: {config: {enabled: false}}\n          - not_null: {config: {tags: [nightly]}}\n  - name: customers\n    columns:\n      - name: id\n        data_tests: [unique]\n',
        'models/props.yml': props(
          "  - name: good_orders\n    columns:\n      - name: id\n        data_tests: [unique]\nunit_tests:\n  - name: keeps_good\n    model: good_orders\n    given:\n      - input: ref('orders')\n        rows: [{id: 1, customer_id: 1, status: paid, amount: 1}]\n    expect:\n      rows: [{id: 1}]\n",
        ),
      });
      expect(await outcome()).toEqual({
        not_null_orders_id: 'fail 1',
        unique_customers_id: 'pass',
        unique_good_orders_id: 'pass',
        keeps_good: 'pass',
      });
      const ls = async (select: string) =>
        (
          await cli(['ls', '--project-dir', dir, '-s', select, '--resource-type', 'test', 'unit_test', '--output', 'name'], {
            HOME: EMPTY_HOME,
          })
        ).out
          .split('\n')
          .filter(Boolean)
          .sort();
      expect(await ls('customers')).toEqual(['unique_customers_id']);
      expect(await ls('good_orders')).toEqual(['keeps_good', 'unique_good_orders_id']);
      expect(await ls('tag:nightly')).toEqual(['not_null_orders_id']);
      expect(await ls('test_type:unit')).toEqual(['keeps_good']);
      expect(await ls('test_name:unique')).toEqual(['unique_customers_id', 'unique_good_orders_id']);
    });

    it("strata test runs only tests, exits 1 on a failure, and writes run_results in dbt's shape", async () => {
      const { dir } = await setup({
        'seeds/props.yml':
          'seeds:\n  - name: orders\n    columns:\n      - name: id\n        data_tests: [unique, {not_null: {config: {severity: warn}}}]\n',
      });
      expect((await cli(['seed', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
      const { code, out, err } = await cli(['test', '--project-dir', dir], { HOME: EMPTY_HOME });
      expect(code).toBe(1);
      expect(out).toMatch(/FAIL 1 unique_orders_id \.+ \[FAIL 1 in/);
      expect(out).toMatch(/WARN 1 not_null_orders_id \.+ \[WARN 1 in/);
      expect(out).toContain('Done. PASS=0 WARN=1 ERROR=1 SKIP=0 TOTAL=2');
      expect(err).toContain('Failure in test unique_orders_id (seeds/props.yml)');
      expect(err).toContain('Got 1 result, configured to fail if != 0');
      const artifact = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as {
        results: { status: string; failures: number }[];
      };
      const validate = new Ajv2020({ strict: false }).compile(runResultsSchema);
      expect(validate(artifact), JSON.stringify(validate.errors)).toBe(true);
      expect(artifact.results.map((r) => [r.status, r.failures]).sort()).toEqual([
        ['fail', 1],
        ['warn', 1],
      ]);
    });
  });

  describe(`unit tests on ${target.name}`, () => {
    const model = `{{ config(materialized='incremental', unique_key='id') }}
select o.id, c.name, o.amount * {{ var('rate', 1) }} as amount
from {{ ref('orders') }} as o
join {{ source('crm', 'customers') }} as c on c.id = o.customer_id
{% if is_incremental() %}where o.id > (select max(id) from {{ this }}){% endif %}`;
    async function setup(unitTests: string) {
      const dir = writeProject({
        'dbt_project.yml': projectYml('p'),
        'seeds/orders.csv': 'id,customer_id,status,amount\n1,1,paid,10\n',
        'models/enriched.sql': model,
        'models/props.yml': `version: 2\nsources:\n  - name: crm\n    tables: [{name: customers}]\nunit_tests:\n${unitTests}`,
      });
      await target.writeProfile(dir, 'p');
      const summary = (
        await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, resourceTypes: ['unit_test'] })
      ).summary;
      return summary.results;
    }

    it('passes with dict, csv and sql inputs, var and is_incremental overrides, and fails with a row diff', async () => {
      const results = await setup(`  - name: joins_and_scales
    model: enriched
    overrides: {vars: {rate: 2}}
    given:
      - input: ref('orders')
        rows: [{id: 1, customer_id: 7, amount: 10}, {id: 2, customer_id: 8, amount: 1.5}]
      - input: source('crm', 'customers')
        format: csv
        rows: |
          id,name
          7,Ann
          8,Bob
    expect:
      rows: [{id: 2, name: Bob, amount: 3}, {id: 1, name: Ann, amount: 20}]
  - name: incremental_only_new
    model: enriched
    overrides: {macros: {is_incremental: true}}
    given:
      - input: ref('orders')
        format: sql
        rows: select 1 as id, 7 as customer_id, 10 as amount union all select 5, 7, 10
      - input: source('crm', 'customers')
        rows: [{id: 7, name: Ann}]
      - input: this
        rows: [{id: 3}]
    expect:
      rows: [{id: 5, name: Ann}]
  - name: wrong_on_purpose
    model: enriched
    given:
      - input: ref('orders')
        rows: [{id: 1, customer_id: 7, amount: 10}]
      - input: source('crm', 'customers')
        rows: [{id: 7, name: Ann}]
    expect:
      rows: [{id: 1, name: Bea}]
`);
      const byName = Object.fromEntries(results.map((r) => [r.uniqueId.split('.').pop(), r]));
      expect(byName.joins_and_scales?.message).toBe('pass');
      expect(byName.incremental_only_new?.status).toBe('pass');
      expect(byName.wrong_on_purpose?.status).toBe('fail');
      expect(byName.wrong_on_purpose?.message).toContain("- {id: 1, name: 'Bea'}   (expected, missing)");
      expect(byName.wrong_on_purpose?.message).toContain("+ {id: '1', name: 'Ann'}   (actual, not expected)");
    });

    it('says which input is missing', async () => {
      const [result] = await setup(
        `  - name: forgot_source\n    model: enriched\n    given:\n      - input: ref('orders')\n        rows: [{id: 1}]\n    expect:\n      rows: []\n`,
      );
      expect(result?.status).toBe('error');
      expect(result?.message).toContain("gives no rows for source('crm', 'customers')");
    });
  });
}

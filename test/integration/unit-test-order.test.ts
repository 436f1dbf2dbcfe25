import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

/**
 * The unit test's input leaves out `ordered_on`: only with the real stg_orders built can the
 * fixture get that column (NULL, of its real type), so the test must run after its model's parents.
 */
const unitTest = (expected: string) => `version: 2
unit_tests:
  - name: doubles_amounts
    model: doubled
    given:
      - input: ref('stg_orders')
        rows: [{id: 1, amount: 10}]
    expect:
      rows: [${expected}]
`;

for (const target of TEST_TARGETS) {
  describe(`unit tests in build on a fresh ${target.name} database`, () => {
    async function setup(expected: string, { seed = 'id,amount,ordered_on\n1,10,2024-01-05\n', models = '' } = {}) {
      const dir = writeProject({
        'dbt_project.yml': projectYml('p'),
        'seeds/raw_orders.csv': seed,
        'models/stg_orders.sql': "select id, amount, cast(ordered_on as date) as ordered_on from {{ ref('raw_orders') }}",
        'models/doubled.sql': "{{ config(materialized='table') }}select id, amount * 2 as doubled, ordered_on from {{ ref('stg_orders') }}",
        'models/props.yml': unitTest(expected) + models,
      });
      const schema = await target.writeProfile(dir, 'p', { threads: 4 });
      const build = await cli(['build', '--project-dir', dir], { HOME: EMPTY_HOME });
      const results = (
        JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }
      ).results;
      const tables = async () =>
        (
          await target.query(dir, `select table_name from information_schema.tables where table_schema = '${schema}' order by table_name`)
        ).map((r) => r.table_name);
      return { build, results, tables };
    }

    it("runs a model's unit tests after the model's parents and before the model", async () => {
      const { build, results, tables } = await setup('{id: 1, doubled: 20}');
      expect(build.err).toBe('');
      expect(build.code).toBe(0);
      expect(results.map((r) => [r.unique_id, r.status])).toEqual([
        ['seed.p.raw_orders', 'success'],
        ['model.p.stg_orders', 'success'],
        ['unit_test.p.doubled.doubles_amounts', 'pass'],
        ['model.p.doubled', 'success'],
      ]);
      expect(await tables()).toEqual(['doubled', 'raw_orders', 'stg_orders']);
    });

    it('skips the model when its unit test fails, and exits with 1', async () => {
      const { build, results, tables } = await setup('{id: 1, doubled: 21}');
      expect(build.code).toBe(1);
      expect(build.err).toContain('Failure in unit test doubles_amounts (models/props.yml)');
      expect(Object.fromEntries(results.map((r) => [r.unique_id, r.status]))).toEqual({
        'seed.p.raw_orders': 'success',
        'model.p.stg_orders': 'success',
        'unit_test.p.doubled.doubles_amounts': 'fail',
        'model.p.doubled': 'skipped',
      });
      expect(await tables()).toEqual(['raw_orders', 'stg_orders']);
    });

    it("skips a model's unit tests, as the model, when a data test of its parent fails", async () => {
      const { build, results } = await setup('{id: 1, doubled: 20}', {
        seed: 'id,amount,ordered_on\n1,10,\n',
        models: 'models:\n  - name: stg_orders\n    columns:\n      - name: ordered_on\n        data_tests: [not_null]\n',
      });
      expect(build.code).toBe(1);
      const status = Object.fromEntries(results.map((r) => [r.unique_id.split('.').slice(0, 3).join('.'), r.status]));
      expect(status).toEqual({
        'seed.p.raw_orders': 'success',
        'model.p.stg_orders': 'success',
        'test.p.not_null_stg_orders_ordered_on': 'fail',
        'unit_test.p.doubled': 'skipped',
        'model.p.doubled': 'skipped',
      });
    });
  });
}

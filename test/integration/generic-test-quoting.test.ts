import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { runProject, type RunOptions } from '../../core/run/run-project.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

/**
 * Column names that need quoting, in generic tests: with `quote: true` the test's `column_name`
 * is the quoted name (dbt's parser quotes it with the adapter), so the built-in and package tests
 * work on them; without it the name goes in as written (it may be an expression, as in dbt), and a
 * name shaped like an injection fails in the database without running what it smuggles in.
 */
const MODEL = `select * from (values
  (1, 'x', 10, 'p'),
  (2, 'y', 20, 'q')
  {%- if var('bad', false) %}, (2, 'z', 30, null), (null, 'x', 99, 'r'){% endif %}
) as t("semi;colon", "a""b", "Mixed Case", "select")`;

const PARENT = 'select * from (values (10), (20), (30)) as t(id)';

/** A package's generic test, which gets `column_name` the same way. */
const PACKAGE_TEST = '{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}';

const quotedProps = `version: 2
models:
  - name: weird
    columns:
      - name: semi;colon
        quote: true
        data_tests: [not_null, unique, util.positive]
      - name: a"b
        quote: true
        data_tests:
          - accepted_values: {values: [x, y]}
      - name: Mixed Case
        quote: true
        data_tests:
          - unique
          - relationships: {to: "ref('parent')", field: id}
      - name: select
        quote: true
        data_tests: [not_null]
`;

for (const target of TEST_TARGETS) {
  describe(`generic tests on columns that need quoting, on ${target.name}`, () => {
    async function setup(files: Record<string, string>) {
      const dir = writeProject({
        'dbt_project.yml': projectYml('p'),
        'models/weird.sql': MODEL,
        'models/parent.sql': PARENT,
        'strata_packages/util/dbt_project.yml': 'name: util\n',
        'strata_packages/util/macros/positive.sql': PACKAGE_TEST,
        ...files,
      });
      const schema = await target.writeProfile(dir, 'p');
      const run = async (options: Partial<RunOptions> = {}) =>
        (await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, command: 'build', ...options }))
          .summary;
      const tests = async (options: Partial<RunOptions> = {}) => {
        const summary = await run(options);
        return Object.fromEntries(
          summary.results
            .filter((r) => r.uniqueId.startsWith('test.'))
            .map((r) => [r.uniqueId.split('.')[2], `${r.status}${r.failures ? ` ${r.failures}` : ''}`]),
        );
      };
      return { dir, schema, run, tests };
    }

    it('quotes column_name with quote: true, so every test passes on good data and fails on bad', async () => {
      const { dir, tests } = await setup({ 'models/props.yml': quotedProps });
      const names = {
        not_null: 'not_null_weird__semi_colon_',
        unique: 'unique_weird__semi_colon_',
        positive: 'util_positive_weird__semi_colon_',
        accepted: 'accepted_values_weird__a_b___x__y',
        uniqueMixed: 'unique_weird__Mixed_Case_',
        relationships: 'relationships_weird__Mixed_Case___id__ref_parent_',
        select: 'not_null_weird__select_',
      };
      expect(await tests()).toEqual(Object.fromEntries(Object.values(names).map((n) => [n, 'pass'])));
      expect(await tests({ vars: { bad: true } })).toEqual({
        [names.not_null]: 'fail 1',
        [names.unique]: 'fail 1',
        [names.positive]: 'pass',
        [names.accepted]: 'fail 1',
        [names.uniqueMixed]: 'pass',
        [names.relationships]: 'fail 1',
        [names.select]: 'fail 1',
      });
      // As in dbt, the manifest has the quoted column_name and the column's quote.
      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
        nodes: Record<string, { column_name?: string; columns?: Record<string, { quote: boolean | null }> }>;
      };
      const test = Object.entries(manifest.nodes).find(([id]) => id.startsWith(`test.p.${names.accepted}.`))?.[1];
      expect(test?.column_name).toBe('"a""b"');
      expect(manifest.nodes['model.p.weird']?.columns?.['a"b']?.quote).toBe(true);
    });

    it('leaves column_name as written without quote: true, so an expression works and a name that needs quoting fails in the database', async () => {
      const { tests } = await setup({
        'models/props.yml': `version: 2
models:
  - name: weird
    columns:
      - name: semi;colon
        data_tests: [not_null]
      - name: Mixed Case
        data_tests: [not_null]
      - name: lower('a') || 'b'
        data_tests: [not_null]
`,
      });
      expect(await tests()).toEqual({
        not_null_weird_semi_colon: 'error',
        not_null_weird_Mixed_Case: 'error',
        not_null_weird_lower_a_b_: 'pass',
      });
    });

    it('never runs a statement smuggled in by a column name', async () => {
      const { dir, schema, run } = await setup({});
      const canary = `${schema}.canary`;
      // Pasted unquoted twice into the not_null query, this name makes three valid statements: the
      // test's (closed early), a drop, and a select that swallows the rest into a string.
      const payload = `1) q; drop table ${canary}; select ('`;
      writeFiles(dir, {
        'models/weird.sql': `{{ config(pre_hook="create table if not exists ${canary} (x int)") }}select 1 as "${payload.replaceAll('"', '""')}"`,
        'models/props.yml': `version: 2\nmodels:\n  - name: weird\n    columns:\n      - name: ${JSON.stringify(payload)}\n        data_tests: [{not_null: {config: {store_failures: true}}}]\n`,
      });
      const summary = await run({ select: ['weird'] });
      const test = summary.results.find((r) => r.uniqueId.startsWith('test.'));
      expect([summary.results.find((r) => r.uniqueId === 'model.p.weird')?.status, test?.status]).toEqual(['success', 'error']);
      expect(test?.message).toMatch(/multiple (commands|statements)/i);
      // The canary is still there: the drop never ran, neither in the count nor in the stored failures.
      expect(await target.query(dir, `select count(*) as n from ${canary}`)).toEqual([{ n: '0' }]);
    });
  });
}

import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS, queryDuckDbFile } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

/**
 * The CI flags (docs/ci-flags.md): warn-error, indirect selection, store-failures from the
 * environment, target-path, profile, partial parsing, resource types, and usage errors.
 */

/** customers ← orders ← payments; a relationships test on each edge; one test that warns (id 2 is not accepted). */
const FILES = {
  'models/customers.sql': 'select 1 as id union all select 2 as id',
  'models/orders.sql': "select id, id as customer_id from {{ ref('customers') }}",
  'models/payments.sql': "select id as order_id from {{ ref('orders') }}",
  'models/props.yml': `version: 2
models:
  - name: customers
    columns:
      - name: id
        data_tests: [unique]
  - name: orders
    columns:
      - name: id
        data_tests:
          - not_null
          - accepted_values:
              values: [1]
              config: {severity: warn}
      - name: customer_id
        data_tests:
          - relationships: {to: "ref('customers')", field: id}
  - name: payments
    columns:
      - name: order_id
        data_tests:
          - relationships: {to: "ref('orders')", field: id}
`,
};

const ENV = { HOME: EMPTY_HOME, PATH: process.env.PATH ?? '' };

/** What run_results.json under `targetDir` says, by node name. */
function results(targetDir: string): Record<string, string> {
  const file = JSON.parse(readFileSync(join(targetDir, 'run_results.json'), 'utf8')) as {
    results: { unique_id: string; status: string }[];
  };
  return Object.fromEntries(file.results.map((r) => [r.unique_id.split('.')[2] as string, r.status]));
}

for (const target of TEST_TARGETS) {
  describe(`CI flags on ${target.name}`, () => {
    async function setup(extraProject = '', files: Record<string, string> = {}) {
      const dir = writeProject({ 'dbt_project.yml': projectYml('p', extraProject), ...FILES, ...files });
      const schema = await target.writeProfile(dir, 'p', { threads: 1 });
      const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => cli([...argv, '--project-dir', dir], { ...ENV, ...env });
      return { dir, schema, run };
    }

    it('--indirect-selection: eager, cautious, buildable and empty choose the tests dbt does', async () => {
      const { run } = await setup();
      const listed = async (mode: string) => {
        const out = await run(['ls', '-s', 'orders', '--output', 'name', '--indirect-selection', mode]);
        expect(out.code, out.err).toBe(0);
        return out.out.split('\n').filter(Boolean).sort();
      };
      const ordersOwn = ['accepted_values_orders_id__1', 'not_null_orders_id'];
      const toCustomers = 'relationships_orders_customer_id__id__ref_customers_';
      const fromPayments = 'relationships_payments_order_id__id__ref_orders_';
      expect(await listed('eager')).toEqual(['orders', ...ordersOwn, toCustomers, fromPayments].sort());
      // Every parent selected: only the tests of orders alone.
      expect(await listed('cautious')).toEqual(['orders', ...ordersOwn].sort());
      // Parents selected or upstream of the selection: customers is upstream, payments is not.
      expect(await listed('buildable')).toEqual(['orders', ...ordersOwn, toCustomers].sort());
      expect(await listed('empty')).toEqual(['orders']);
      // Both ends selected: cautious takes the relationships test between them.
      const both = await run(['ls', '-s', 'orders', 'customers', '--output', 'name', '--indirect-selection', 'cautious']);
      expect(both.out.split('\n')).toContain(toCustomers);
      expect(both.out.split('\n')).not.toContain(fromPayments);
      // As dbt: an excluded node takes its tests with it (eager: every test that touches it).
      const excluded = await run(['ls', '--exclude', 'orders', '--output', 'name']);
      expect(excluded.out.split('\n').sort()).toEqual(['customers', 'payments', 'unique_customers_id']);
      // The environment variable, and the project's flags block; the command line wins over both.
      const fromEnv = await run(['ls', '-s', 'orders', '--output', 'name'], { DBT_INDIRECT_SELECTION: 'empty' });
      expect(fromEnv.out.split('\n').filter(Boolean)).toEqual(['orders']);
      const overridden = await run(['ls', '-s', 'orders', '--output', 'name', '--indirect-selection', 'eager'], {
        DBT_INDIRECT_SELECTION: 'empty',
      });
      expect(overridden.out.split('\n')).toContain(fromPayments);
    });

    it('DBT_PROJECT_DIR names the project and DBT_FULL_REFRESH rebuilds incremental models, as the flags do', async () => {
      const { dir, schema } = await setup('', {
        'models/events.sql':
          "{{ config(materialized='incremental') }}select {{ var('n', 1) }} as n{% if is_incremental() %} where {{ var('n', 1) }} > (select max(n) from {{ this }}){% endif %}",
      });
      const inDir = (argv: string[], env: NodeJS.ProcessEnv = {}) => cli(argv, { ...ENV, DBT_PROJECT_DIR: dir, ...env });
      expect((await inDir(['run', '-s', 'events'])).code).toBe(0);
      expect((await inDir(['run', '-s', 'events', '--vars', '{n: 2}'])).code).toBe(0);
      const rows = () => target.query(dir, `select n from ${schema}.events order by n`);
      expect((await rows()).map((r) => r.n)).toEqual(['1', '2']);
      const refreshed = await inDir(['run', '-s', 'events', '--vars', '{n: 3}'], { DBT_FULL_REFRESH: 'true' });
      expect(refreshed.code, refreshed.err).toBe(0);
      expect((await rows()).map((r) => r.n)).toEqual(['3']);
      // The flag wins over the environment: another folder on the command line is what is read.
      const elsewhere = await inDir(['ls', '--project-dir', join(dir, 'no-such-folder')]);
      expect(elsewhere.code).not.toBe(0);
    });

    it('--indirect-selection decides which tests build runs', async () => {
      const { dir, run } = await setup();
      expect((await run(['run', '-s', 'customers'])).code).toBe(0);
      const built = await run(['build', '-s', 'orders', '--indirect-selection', 'cautious']);
      expect(built.code, built.err).toBe(0);
      expect(Object.keys(results(join(dir, 'target'))).sort()).toEqual(['accepted_values_orders_id__1', 'not_null_orders_id', 'orders']);
    });

    it('--warn-error fails a build whose test warns; warn-error-options chooses by warning name', async () => {
      const { dir, run } = await setup();
      const plain = await run(['build']);
      expect(plain.code, plain.err).toBe(0);
      expect(results(join(dir, 'target')).accepted_values_orders_id__1).toBe('warn');
      const strict = await run(['build', '--warn-error']);
      expect(strict.code).toBe(1);
      expect(results(join(dir, 'target')).accepted_values_orders_id__1).toBe('fail');
      // The node downstream of the failed test is skipped, as a failing test skips in dbt.
      expect(results(join(dir, 'target')).payments).toBe('skipped');
      const other = await run(['build', '--warn-error-options', '{"error": ["NoNodesForSelectionCriteria"]}']);
      expect(other.code, other.err).toBe(0);
      const named = await run(['build', '--warn-error-options', 'error: [LogTestResult]']);
      expect(named.code).toBe(1);
      const kept = await run(['build', '--warn-error-options', '{"error": "all", "warn": ["LogTestResult"]}']);
      expect(kept.code, kept.err).toBe(0);
      const fromEnv = await run(['build'], { DBT_WARN_ERROR: 'true' });
      expect(fromEnv.code).toBe(1);
    });

    it('store failures from DBT_STORE_FAILURES writes the audit table', async () => {
      const { schema, run, dir } = await setup();
      expect((await run(['run'])).code).toBe(0);
      const tested = await run(['test', '-s', 'orders', '--indirect-selection', 'cautious'], { DBT_STORE_FAILURES: 'true' });
      expect(tested.code, tested.err).toBe(0);
      const rows = await target.query(dir, `select value_field from ${schema}_dbt_test__audit.accepted_values_orders_id__1`);
      expect(rows).toEqual([{ value_field: '2' }]);
    });

    it('--target-path and DBT_TARGET_PATH move the artifacts; the project file target-path loses to them', async () => {
      const { dir, run } = await setup('target-path: from_file\n');
      const built = await run(['build', '--target-path', 'ci_out']);
      expect(built.code, built.err).toBe(0);
      expect(results(join(dir, 'ci_out')).orders).toBe('success');
      expect(existsSync(join(dir, 'ci_out', 'manifest.json'))).toBe(true);
      expect(existsSync(join(dir, 'from_file', 'run_results.json'))).toBe(false);
      const fromEnv = await run(['run', '-s', 'customers'], { DBT_TARGET_PATH: 'env_out' });
      expect(fromEnv.code, fromEnv.err).toBe(0);
      expect(Object.keys(results(join(dir, 'env_out')))).toEqual(['customers']);
      expect((await run(['run', '-s', 'customers'])).code).toBe(0);
      expect(existsSync(join(dir, 'from_file', 'run_results.json'))).toBe(true);
    });

    it('--profile (and DBT_PROFILE) picks another profile than the project names', async () => {
      const { dir, run } = await setup("profile: 'p'\n");
      const other = target.output();
      writeFiles(dir, {
        'profiles.yml': `${readFileSync(join(dir, 'profiles.yml'), 'utf8')}other:\n  target: dev\n  outputs:\n    dev:\n${other.yaml.replace('test.duckdb', 'other.duckdb')}`,
      });
      const built = await run(['run', '-s', 'customers', '--profile', 'other']);
      expect(built.code, built.err).toBe(0);
      const query = (sql: string) => (target.name === 'duckdb' ? queryFile(dir, 'other.duckdb', sql) : target.query(dir, sql));
      expect(await query(`select count(*) as n from ${other.schema}.customers`)).toEqual([{ n: '2' }]);
      const missing = await run(['run', '--profile', 'nope']);
      expect(missing.code).toBe(1);
      expect(missing.err).toContain("Could not find profile named 'nope' (named by --profile)");
      const fromEnv = await run(['run', '-s', 'customers'], { DBT_PROFILE: 'nope' });
      expect(fromEnv.code).toBe(1);
    });

    it('build --resource-type and --exclude-resource-type narrow what runs; an unknown type is a usage error', async () => {
      const { dir, run } = await setup();
      expect((await run(['build', '--resource-type', 'model'])).code).toBe(0);
      expect(Object.keys(results(join(dir, 'target'))).sort()).toEqual(['customers', 'orders', 'payments']);
      expect((await run(['build', '--exclude-resource-type', 'model'])).code).toBe(0);
      expect(Object.keys(results(join(dir, 'target')))).not.toContain('orders');
      expect(Object.keys(results(join(dir, 'target')))).toContain('not_null_orders_id');
      expect((await run(['build', '-s', 'customers'], { DBT_EXCLUDE_RESOURCE_TYPES: 'test' })).code).toBe(0);
      expect(Object.keys(results(join(dir, 'target')))).toEqual(['customers']);
      const bad = await run(['build', '--resource-type', 'modle']);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain("'modle' is not a resource type");
      expect(bad.err).toContain("Did you mean 'model'?");
    });
  });
}

function queryFile(dir: string, file: string, sql: string) {
  return queryDuckDbFile(join(dir, file), sql);
}

describe('CI flags on the built-in DuckDB target', () => {
  const setup = (extraProject = '') => {
    const dir = writeProject({ 'dbt_project.yml': projectYml('p', extraProject), ...FILES });
    return { dir, run: (argv: string[], env: NodeJS.ProcessEnv = {}) => cli([...argv, '--project-dir', dir], { ...ENV, ...env }) };
  };

  it('promotes a selection that matches nothing to an error, or silences it', async () => {
    const { dir, run } = setup();
    const warned = await run(['ls', '-s', 'nothing']);
    expect(warned.code).toBe(0);
    expect(warned.out).toContain('warning[selector-no-match]');
    const promoted = await run(['ls', '-s', 'nothing', '--warn-error']);
    expect(promoted.code).toBe(1);
    expect(promoted.err).toContain('error[selector-no-match]');
    expect(promoted.err).toContain('NoNodesForSelectionCriteria');
    const silenced = await run([
      'ls',
      '-s',
      'nothing',
      '--warn-error-options',
      '{"error": "all", "silence": ["NoNodesForSelectionCriteria"]}',
    ]);
    expect(silenced.code).toBe(0);
    expect(`${silenced.out}${silenced.err}`).not.toContain('selector-no-match');
    // dbt's older keys: include / exclude.
    const excluded = await run(['ls', '-s', 'nothing', '--warn-error-options', '{include: all, exclude: [NoNodesForSelectionCriteria]}']);
    expect(excluded.code).toBe(0);
    const fromEnv = await run(['ls', '-s', 'nothing'], { DBT_WARN_ERROR_OPTIONS: '{"error": ["NoNodesForSelectionCriteria"]}' });
    expect(fromEnv.code).toBe(1);
    // dbt's global spelling, before the command.
    const global = await cli(['--warn-error', 'ls', '-s', 'nothing', '--project-dir', dir], ENV);
    expect(global.code).toBe(1);
    expect(global.err).toContain('error[selector-no-match]');
  });

  it('reads warn_error and partial_parse from the project flags block; the command line wins', async () => {
    const { dir, run } = setup('flags:\n  warn_error: true\n  partial_parse: false\n');
    const promoted = await run(['ls', '-s', 'nothing']);
    expect(promoted.code).toBe(1);
    expect(promoted.err).toContain('error[selector-no-match]');
    expect(existsSync(join(dir, 'target', 'partial_parse.json'))).toBe(false);
    const relaxed = await run(['ls', '-s', 'nothing', '--warn-error-options', '{"error": []}']);
    expect(relaxed.code, relaxed.err).toBe(0);
    const relaxedByEnv = await run(['ls', '-s', 'nothing'], { DBT_WARN_ERROR: 'false' });
    expect(relaxedByEnv.code).toBe(0);
    expect((await run(['ls', '--partial-parse'])).code).toBe(0);
    expect(existsSync(join(dir, 'target', 'partial_parse.json'))).toBe(true);
  });

  it('fail-fast from -x before or after the command, DBT_FAIL_FAST, or flags: fail_fast; the command line wins', async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('ff'),
      'models/a_bad.sql': 'select * from missing_table',
      'models/b_ok.sql': 'select 1 as x',
    });
    const second = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      expect((await cli([...argv, '--threads', '1', '--project-dir', dir], { ...ENV, ...env })).code).toBe(1);
      return results(join(dir, 'target')).b_ok;
    };
    expect(await second(['run'])).toBe('success');
    expect(await second(['run', '-x'])).toBe('skipped');
    expect(await second(['-x', 'run'])).toBe('skipped');
    expect(await second(['run'], { DBT_FAIL_FAST: 'true' })).toBe('skipped');
    writeFiles(dir, { 'dbt_project.yml': projectYml('ff', 'flags:\n  fail_fast: true\n') });
    expect(await second(['run'])).toBe('skipped');
    expect(await second(['run'], { DBT_FAIL_FAST: 'false' })).toBe('success');
  });

  it('--no-partial-parse neither reads nor writes the parse cache', async () => {
    const { dir, run } = setup();
    expect((await run(['ls', '--no-partial-parse'])).code).toBe(0);
    expect(existsSync(join(dir, 'target', 'partial_parse.json'))).toBe(false);
    expect((await run(['ls'], { DBT_PARTIAL_PARSE: 'false' })).code).toBe(0);
    expect(existsSync(join(dir, 'target', 'partial_parse.json'))).toBe(false);
    expect((await run(['ls'])).code).toBe(0);
    expect(existsSync(join(dir, 'target', 'partial_parse.json'))).toBe(true);
  });

  it('--no-partial-parse makes compile compile in full', async () => {
    // A re-compile (the second compile, nothing changed) records itself in compile_state.patch.json.
    const secondCompile = async (argv: string[], env: NodeJS.ProcessEnv = {}, extraProject = '') => {
      const { dir, run } = setup(extraProject);
      // Files written this instant are "racily clean" and always compiled in full: date them back.
      const past = new Date(Date.now() - 60_000);
      for (const file of Object.keys(FILES)) utimesSync(join(dir, file), past, past);
      utimesSync(join(dir, 'dbt_project.yml'), past, past);
      expect((await run(['compile'])).code).toBe(0);
      expect((await run(['compile', ...argv], env)).code).toBe(0);
      return existsSync(join(dir, 'target', 'compile_state.patch.json')) ? 're-compiled' : 'compiled in full';
    };
    expect(await secondCompile([])).toBe('re-compiled');
    expect(await secondCompile(['--no-partial-parse'])).toBe('compiled in full');
    expect(await secondCompile([], { DBT_PARTIAL_PARSE: 'false' })).toBe('compiled in full');
    expect(await secondCompile([], {}, 'flags:\n  partial_parse: false\n')).toBe('compiled in full');
  });

  it('rejects bad warn-error settings with a suggestion', async () => {
    const { run } = setup();
    const typo = await run(['ls', '--warn-error-options', '{"error": ["NoNodesForSelectionCriterias"]}']);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("'NoNodesForSelectionCriterias' is not a warning name");
    expect(typo.err).toContain("Did you mean 'NoNodesForSelectionCriteria'?");
    const key = await run(['ls', '--warn-error-options', '{"erorr": "all"}']);
    expect(key.code).toBe(2);
    expect(key.err).toContain("unknown key 'erorr'");
    const both = await run(['ls', '--warn-error', '--warn-error-options', '{"error": "all"}']);
    expect(both.code).toBe(1);
    expect(both.err).toContain('cannot be used together');
    const badEnv = await run(['ls'], { DBT_WARN_ERROR_OPTIONS: '{"silence": ["Nope"]}' });
    expect(badEnv.code).toBe(1);
    expect(badEnv.err).toContain("'Nope' is not a warning name");
    const badFlags = setup('flags:\n  indirect_selection: eagre\n');
    const flagged = await badFlags.run(['ls']);
    expect(flagged.code).toBe(1);
    expect(flagged.err).toMatch(/dbt_project\.yml:\d+:\d+: error\[invalid-flag\]: flags\.indirect_selection/);
  });

  it('an unknown option is one line with a suggestion and exit 2, not the whole help', async () => {
    const { run } = setup();
    const typo = await run(['build', '--full-refesh']);
    expect(typo.code).toBe(2);
    expect(typo.err.split('\n')).toEqual([
      "error: unknown option '--full-refesh' (did you mean --full-refresh?)",
      "Run 'strata build --help' for the options.",
    ]);
    expect(typo.out).toBe('');
    const mode = await run(['ls', '--indirect-selection', 'cautius']);
    expect(mode.code).toBe(2);
    expect(mode.err).toContain("Did you mean 'cautious'?");
    const command = await cli(['buidl'], ENV);
    expect(command.code).toBe(2);
    expect(command.err).toContain('(did you mean build?)');
    expect(command.err).not.toContain('Usage:');
  });
});

import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { runProject } from '../../core/run/run-project.js';
import { cli, messages } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

/** A package as dbt packages are written: its own project file, macros (with adapter variants), a generic test and a model. */
const packageFiles = {
  'dbt_project.yml': 'name: util_pkg\nversion: "1.0"\nconfig-version: 2\nvars:\n  multiplier: 3\n',
  'macros/numbers.sql': `
{% macro double(column) %}({{ column }} * 2){% endmacro %}
{% macro greet() %}{{ return(adapter.dispatch('greet', 'util_pkg')()) }}{% endmacro %}
{% macro default__greet() %}'hello from the package'{% endmacro %}
{% macro tripled(column) %}({{ column }} * {{ var('multiplier') }}){% endmacro %}
`,
  'macros/tests.sql': `{% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}`,
  'models/pkg_numbers.sql': 'select 1 as n union all select 2 as n',
  'models/pkg_schema.yml':
    'models:\n  - name: pkg_numbers\n    columns:\n      - name: n\n        data_tests: [not_null, util_pkg.is_positive]\n',
};

function rootProject(extraProjectYml = ''): Record<string, string> {
  return {
    'dbt_project.yml': projectYml('shop', `models:\n  util_pkg:\n    +materialized: table\n${extraProjectYml}`),
    'packages.yml': 'packages:\n  - local: ../util_pkg\n',
    'models/uses_package.sql': `select n, {{ util_pkg.double('n') }} as doubled, {{ tripled('n') }} as tripled, {{ util_pkg.greet() }} as greeting
from {{ ref('util_pkg', 'pkg_numbers') }}
union all
select n, {{ double('n') }}, {{ tripled('n') }}, {{ greet() }} from {{ ref('pkg_numbers') }} where n = 2`,
  };
}

/** A root project next to its package, installed with `strata deps`. */
async function installed(files: Record<string, string>): Promise<string> {
  const parent = writeProject(Object.fromEntries(Object.entries(packageFiles).map(([k, v]) => [`util_pkg/${k}`, v])));
  const dir = join(parent, 'shop');
  writeFiles(dir, files);
  const deps = await cli(['deps', '--project-dir', dir], { HOME: EMPTY_HOME });
  expect(deps.code, deps.err).toBe(0);
  expect(messages(deps.out)).toBe(
    'Installed util_pkg (local ../util_pkg)\nInstalled 1 package into strata_packages/ and wrote package-lock.yml.',
  );
  return dir;
}

for (const target of TEST_TARGETS) {
  describe(`packages on ${target.name}`, () => {
    it('installs a local package and builds its models, macros and tests with the project', async () => {
      const dir = await installed(rootProject());
      expect(existsSync(join(dir, 'strata_packages/util_pkg/macros/numbers.sql'))).toBe(true);
      const schema = await target.writeProfile(dir, 'shop');
      const { summary } = await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, command: 'build' });
      expect(summary.results.map((r) => `${r.uniqueId.replace(/\.[0-9a-f]{10}$/, '')} ${r.status}`).sort()).toEqual([
        'model.shop.uses_package success',
        'model.util_pkg.pkg_numbers success',
        'test.util_pkg.not_null_pkg_numbers_n pass',
        'test.util_pkg.util_pkg_is_positive_pkg_numbers_n pass',
      ]);
      const q = (sql: string) => target.query(dir, sql.replaceAll('{schema}', schema));
      expect(await q('select * from {schema}.uses_package order by n')).toEqual([
        { n: '1', doubled: '2', tripled: '3', greeting: 'hello from the package' },
        { n: '2', doubled: '4', tripled: '6', greeting: 'hello from the package' },
        { n: '2', doubled: '4', tripled: '6', greeting: 'hello from the package' },
      ]);
      // The root project's `models: util_pkg: +materialized: table` configures the package's model.
      expect(
        await q("select table_type from information_schema.tables where table_name = 'pkg_numbers' and table_schema = '{schema}'"),
      ).toEqual([{ table_type: 'BASE TABLE' }]);
      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
        nodes: Record<string, { package_name: string; original_file_path: string }>;
        macros: Record<string, unknown>;
      };
      expect(manifest.nodes['model.util_pkg.pkg_numbers']).toMatchObject({
        package_name: 'util_pkg',
        original_file_path: 'models/pkg_numbers.sql',
      });
      expect(Object.keys(manifest.macros)).toContain('macro.util_pkg.double');
    });
  });
}

describe('packages', () => {
  it("let the root project override a package's dispatched macro through dispatch: search_order", async () => {
    const dir = await installed({
      ...rootProject('dispatch:\n  - macro_namespace: util_pkg\n    search_order: [shop, util_pkg]\n'),
      'macros/greet.sql': "{% macro default__greet() %}'hello from the project'{% endmacro %}",
    });
    await TEST_TARGETS[0]?.writeProfile(dir, 'shop');
    const result = await cli(['compile', '--project-dir', dir, '-s', 'uses_package'], { HOME: EMPTY_HOME });
    expect(result.code, result.err).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/shop/models/uses_package.sql'), 'utf8')).toContain(
      "'hello from the project' as greeting",
    );
  });

  it('say which hub could not be reached, without a stack trace', async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('shop'),
      'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n',
    });
    const result = await cli(['deps', '--project-dir', dir], { HOME: EMPTY_HOME, DBT_PACKAGE_HUB_URL: 'http://127.0.0.1:9/' });
    expect(result.code).toBe(1);
    expect(result.err).toContain('http://127.0.0.1:9/');
    expect(result.err).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'package-lock.yml'))).toBe(false);
  });

  it('stop with the way out when a listed package is not installed', async () => {
    const parent = writeProject(Object.fromEntries(Object.entries(packageFiles).map(([k, v]) => [`util_pkg/${k}`, v])));
    const dir = join(parent, 'shop');
    writeFiles(dir, rootProject());
    const result = await cli(['compile', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "packages.yml:2:5: error[invalid-dependency]: Package 'util_pkg' is listed in packages.yml but not installed in strata_packages/: run 'strata deps'.",
    );
  });

  it("use a dbt project's dbt_packages/ (left by dbt deps) when there is no strata_packages/", async () => {
    const dir = await installed(rootProject());
    renameSync(join(dir, 'strata_packages'), join(dir, 'dbt_packages'));
    const result = await cli(['compile', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(result.code, result.err).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/shop/models/uses_package.sql'), 'utf8')).toContain('(n * 2) as doubled');
  });
});

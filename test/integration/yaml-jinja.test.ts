import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { writeProject } from '../helpers/temp-project.js';

// Jinja in dbt_project.yml and properties files, rendered as dbt renders it (natively: a lone
// `{{ expression }}` keeps its type), on a real project built on each database.

const PROJECT = `name: yj
profile: yj
models:
  yj:
    +materialized: "{{ 'table' if target.type == 'postgres' else 'view' }}"
    optional:
      +enabled: "{{ var('load_optional', false) }}"
seeds:
  yj:
    codes:
      +column_types:
        code: "{{ 'varchar(10)' if target.type == 'duckdb' else 'character varying(10)' }}"
vars:
  types: ['placed', 'shipped']
`;

const PROPERTIES = `version: 2
models:
  - name: orders
    columns:
      - name: id
        data_tests:
          - relationships:
              to: "{{ ref('contracted') }}"
              field: id
              config:
                where: "id = {{ var('checked_id', 1) }}"
      - name: status
        data_tests:
          - accepted_values:
              values: "{{ var('types') }}"
  - name: contracted
    config:
      materialized: table
      contract: {enforced: true}
    columns:
      - name: id
        data_type: integer
      - name: label
        data_type: "{{ 'text' if target.type == 'postgres' else 'varchar' }}"
`;

for (const target of TEST_TARGETS) {
  describe(`Jinja in YAML on ${target.name}`, () => {
    async function setup() {
      const dir = writeProject({
        'dbt_project.yml': PROJECT,
        'models/schema.yml': PROPERTIES,
        'models/orders.sql': "select 1 as id, 'placed' as status union all select 2, 'shipped'",
        'models/contracted.sql': "select 1 as id, 'x' as label",
        'models/optional/extra.sql': 'select 1 as x',
        'seeds/codes.csv': 'code,label\n007,seven\n',
      });
      const schema = await target.writeProfile(dir, 'yj');
      const strata = (...args: string[]) => cli([...args, '--project-dir', dir], { HOME: EMPTY_HOME });
      const query = (sql: string) => target.query(dir, sql.replaceAll('{schema}', schema));
      const kind = async (table: string) =>
        (await query(`select table_type from information_schema.tables where table_schema = '{schema}' and table_name = '${table}'`))[0]
          ?.table_type ?? 'missing';
      return { strata, query, kind };
    }

    it('builds what the rendered configs say: materialized by target.type, enabled by a CLI var, seed and contract types', async () => {
      const { strata, query, kind } = await setup();
      const build = await strata('build');
      expect(build.code, build.out + build.err).toBe(0);
      expect(await kind('orders')).toBe(target.name === 'postgres' ? 'BASE TABLE' : 'VIEW');
      expect(await kind('extra')).toBe('missing');
      expect(await query('select code, label from {schema}.codes')).toEqual([{ code: '007', label: 'seven' }]);
      const seedType = (
        await query(
          "select data_type from information_schema.columns where table_schema = '{schema}' and table_name = 'codes' and column_name = 'code'",
        )
      )[0]?.data_type?.toLowerCase();
      expect(seedType).toMatch(/^(character varying|varchar)/);
      const labelType = (
        await query(
          "select data_type from information_schema.columns where table_schema = '{schema}' and table_name = 'contracted' and column_name = 'label'",
        )
      )[0]?.data_type?.toLowerCase();
      expect(labelType).toBe(target.name === 'postgres' ? 'text' : 'varchar');

      const enabled = await strata('run', '--vars', '{load_optional: true}', '-s', 'extra');
      expect(enabled.code, enabled.out + enabled.err).toBe(0);
      expect(await query('select x from {schema}.extra')).toEqual([{ x: '1' }]);
    });

    it("renders a var's Jinja when var() reads it, in the asking model's context (dbt's get_rendered_var); a default stays as given", async () => {
      const dir = writeProject({
        'dbt_project.yml':
          'name: yv\nprofile: yv\nvars:\n  suffix: "{{ target.type }}_{{ this.name }}"\n  start: "{{ env_var(\'YV_START\', \'2024-01-01\') }}"\n',
        'models/m.sql':
          "select '{{ var('suffix') }}' as suffix, '{{ var('start') }}' as start, '{{ var('cli') }}' as cli, '{{ var('absent', '{' ~ '{ kept }}') }}' as absent",
      });
      const schema = await target.writeProfile(dir, 'yv');
      const run = await cli(['run', '--project-dir', dir, '--vars', "{cli: '{{ project_name }}!'}"], {
        HOME: EMPTY_HOME,
        YV_START: '2025-02-03',
      });
      expect(run.code, run.out + run.err).toBe(0);
      expect(await target.query(dir, `select suffix, start, cli, absent from ${schema}.m`)).toEqual([
        { suffix: `${target.name}_m`, start: '2025-02-03', cli: 'yv!', absent: '{{ kept }}' },
      ]);
    });

    it('passes accepted_values with values: "{{ var(\'types\') }}" as a list, and fails when the var leaves a status out', async () => {
      const { strata } = await setup();
      expect((await strata('build')).code).toBe(0);
      const passing = await strata('test', '-s', 'orders');
      expect(passing.code, passing.out + passing.err).toBe(0);
      expect(passing.out).toContain('PASS=2');
      const failing = await strata('test', '-s', 'orders', '--vars', '{types: [placed]}');
      expect(failing.code).toBe(1);
      expect(failing.out).toMatch(/FAIL 1 accepted_values_orders_status/);
      // The relationships test's `to: "{{ ref('contracted') }}"` is a relation; id 2 is not in it.
      const missing = await strata('test', '-s', 'orders', '--vars', '{checked_id: 2}');
      expect(missing.out).toMatch(/FAIL 1 relationships_orders_id/);
    });
  });
}

import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME, load, userErrors } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

const env = { HOME: EMPTY_HOME };
const manifestSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-manifest-v12.json'), 'utf8')) as object;

const FILES = {
  'dbt_project.yml': projectYml('p'),
  'seeds/orders.csv': 'id,customer_id,amount,ordered_at\n1,7,10,2024-01-05\n',
  'models/stg_orders.sql': "select * from {{ ref('orders') }}",
  'models/totals.sql':
    "select customer_id, sum(amount) as total, max(ordered_at) as last_order from {{ ref('stg_orders') }} group by customer_id",
  // Fixture files are found anywhere under tests/fixtures/, by name.
  'tests/fixtures/orders/two_orders.csv': 'id,customer_id,amount\n1,7,10\n2,7,5\n',
  'tests/fixtures/expected_totals.sql': 'select 7 as customer_id, 15 as total\n',
  'tests/fixtures/one_order.sql': 'select 1 as id, 7 as customer_id, 3 as amount, cast(null as date) as ordered_at;\n',
  'models/props.yml': `version: 2
unit_tests:
  - name: totals_from_fixtures
    model: totals
    given:
      - input: ref('stg_orders')
        format: csv
        fixture: two_orders
    expect:
      format: sql
      fixture: expected_totals
  - name: totals_from_sql_fixture
    model: totals
    given:
      - input: ref('stg_orders')
        format: sql
        fixture: one_order
    expect:
      rows: [{customer_id: 7, total: 3}]
  # A seed given without rows or fixture: dbt reads the seed's own file.
  - name: stg_orders_from_the_seed
    model: stg_orders
    given:
      - input: ref('orders')
    expect:
      rows: [{id: 1, amount: 10}]
`,
};

for (const target of TEST_TARGETS) {
  describe(`unit test fixture files on ${target.name}`, () => {
    it('reads given and expected rows from tests/fixtures/, and a changed fixture is state:modified', async () => {
      const dir = writeProject(FILES);
      await target.writeProfile(dir, 'p');
      const strata = (...args: string[]) => cli([...args, '--project-dir', dir], env);
      const built = await strata('build');
      expect(built.err).toBe('');
      expect(built.out).toContain('PASS totals_from_fixtures');
      expect(built.out).toContain('PASS totals_from_sql_fixture');
      expect(built.out).toContain('PASS stg_orders_from_the_seed');
      expect(built.code).toBe(0);

      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
        unit_tests: Record<
          string,
          {
            given: { fixture: string | null; format: string; rows: unknown }[];
            expect: { fixture: string | null; rows: unknown };
            checksum: string | null;
          }
        >;
      };
      const validate = new Ajv2020({ strict: false, logger: false }).compile(manifestSchema);
      expect(validate(manifest), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
      const entry = manifest.unit_tests['unit_test.p.totals.totals_from_fixtures'];
      expect(entry?.given).toEqual([
        {
          input: "ref('stg_orders')",
          format: 'csv',
          fixture: 'two_orders',
          rows: [
            { id: '1', customer_id: '7', amount: '10' },
            { id: '2', customer_id: '7', amount: '5' },
          ],
        },
      ]);
      expect(entry?.expect).toEqual({ format: 'sql', fixture: 'expected_totals', rows: 'select 7 as customer_id, 15 as total\n' });
      expect(entry?.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(manifest.unit_tests['unit_test.p.stg_orders.stg_orders_from_the_seed']?.given).toEqual([
        {
          input: "ref('orders')",
          format: 'csv',
          fixture: null,
          rows: [{ id: '1', customer_id: '7', amount: '10', ordered_at: '2024-01-05' }],
        },
      ]);

      const state = join(mkdtempSync(join(tmpdir(), 'strata-state-')), 'state');
      cpSync(join(dir, 'target'), state, { recursive: true });
      const modified = async () =>
        (await strata('ls', '-s', 'state:modified', '--state', state, '--output', 'name')).out
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('warning'));
      expect(await modified()).toEqual([]);
      // Only the fixture file changes: the unit test is modified, and now fails (total 16).
      writeFiles(dir, { 'tests/fixtures/orders/two_orders.csv': 'id,customer_id,amount\n1,7,10\n2,7,6\n' });
      expect(await modified()).toEqual(['totals_from_fixtures']);
      const rerun = await strata('build', '-s', 'state:modified', '--state', state);
      expect(rerun.code).toBe(1);
      expect(rerun.err).toContain("+ {customer_id: '7', total: '16'}   (actual, not expected)");
    });
  });
}

describe('unit test fixture files', () => {
  const project = (given: string) =>
    writeProject({
      ...FILES,
      'models/props.yml': `version: 2\nunit_tests:\n  - name: t\n    model: totals\n    given:\n      - input: ref('stg_orders')\n${given}    expect:\n      rows: []\n`,
    });

  it('a missing fixture is an error naming the fixture, at the line of the unit test that names it', () => {
    const errors = userErrors(() => load(project('        format: csv\n        fixture: no_such_rows\n')));
    expect(errors.map((e) => [e.code, e.message, e.at?.file, e.at?.line])).toEqual([
      ['invalid-unit-test', "Unit test 't': fixture file 'no_such_rows.csv' not found in tests/fixtures/.", 'models/props.yml', 8],
    ]);
  });

  it('suggests the other format when only that file exists, and needs format csv or sql', () => {
    const wrongFormat = userErrors(() => load(project('        format: sql\n        fixture: two_orders\n')));
    expect(wrongFormat[0]?.message).toBe(
      "Unit test 't': fixture file 'two_orders.sql' not found in tests/fixtures/. (tests/fixtures/orders/two_orders.csv exists: use format: csv)",
    );
    const dict = userErrors(() => load(project('        fixture: two_orders\n')));
    expect(dict[0]?.message).toBe(
      "Unit test 't': fixture 'two_orders' needs 'format: csv' or 'format: sql' (a fixture file holds CSV or SQL).",
    );
  });

  it('an input other than a seed needs rows or a fixture, at the line of the input', () => {
    const errors = userErrors(() => load(project('')));
    expect(errors.map((e) => [e.code, e.message, e.at?.file, e.at?.line])).toEqual([
      [
        'invalid-unit-test',
        "Unit test 't': input ref('stg_orders') gives neither 'rows' nor 'fixture', and only a seed's rows can be left out. Add rows (rows: [] for none) or a fixture.",
        'models/props.yml',
        6,
      ],
    ]);
  });

  it('reports malformed CSV in a fixture file at its line', () => {
    const dir = project('        format: csv\n        fixture: two_orders\n');
    writeFiles(dir, { 'tests/fixtures/orders/two_orders.csv': 'id,customer_id\n1,7\n2,7,5\n' });
    const [error] = userErrors(() => load(dir));
    expect([error?.code, error?.at?.file, error?.at?.line]).toEqual(['invalid-unit-test', 'tests/fixtures/orders/two_orders.csv', 3]);
  });
});

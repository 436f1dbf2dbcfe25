import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { buildGraph } from '../../core/graph/build-graph.js';
import { runProject } from '../../core/run/run-project.js';
import { EMPTY_HOME, load, userErrors } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

const GROUPS = 'groups:\n  - {name: finance, owner: {name: Fin, email: fin@example.com}}\n  - {name: sales, owner: {name: Sales}}\n';

describe('groups and access', () => {
  it('lets a private model be used only inside its group', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/props.yml': `${GROUPS}models:\n  - {name: secret, access: private, group: finance}\n  - {name: same_group, group: finance}\n  - {name: other_group, group: sales}\n  - {name: no_group}\n`,
      'models/secret.sql': 'select 1 as x',
      'models/same_group.sql': "select * from {{ ref('secret') }}",
      'models/other_group.sql': "select * from {{ ref('secret') }}",
      'models/no_group.sql': "select *\nfrom {{ ref('secret') }}",
    });
    const errors = userErrors(() => buildGraph(load(dir)));
    expect(errors.map((e) => [e.code, e.at?.file, e.at?.line])).toEqual([
      ['access-violation', 'models/no_group.sql', 2],
      ['access-violation', 'models/other_group.sql', 1],
    ]);
    expect(errors[1]?.message).toBe(
      "other_group cannot ref secret: secret is private to group 'finance' (access: private), and other_group is in group 'sales'. Make secret protected or public, or move other_group into the group.",
    );
  });

  it('requires groups to exist and private models to have one', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/props.yml': `${GROUPS}models:\n  - {name: a, group: finanse}\n  - {name: b, access: private}\n`,
      'models/a.sql': 'select 1',
      'models/b.sql': 'select 1',
    });
    expect(userErrors(() => load(dir)).map((e) => e.message)).toEqual([
      "a is in group 'finanse', which is not defined under 'groups:'. Did you mean 'finance'?",
      "b is private, but private models must belong to a group (set 'group:').",
    ]);
  });

  it('allows only public models across projects, and names unknown projects and models', () => {
    const upstream = mkdtempSync(join(tmpdir(), 'strata-up-'));
    const node = (name: string, access: string) => ({
      resource_type: 'model',
      name,
      package_name: 'platform',
      schema: 'platform',
      alias: name,
      access,
    });
    writeFileSync(
      join(upstream, 'manifest.json'),
      JSON.stringify({
        nodes: { 'model.platform.customers': node('customers', 'public'), 'model.platform.raw_stuff': node('raw_stuff', 'protected') },
      }),
    );
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'dependencies.yml': `projects:\n  - name: platform\n    manifest: ${join(upstream, 'manifest.json')}\n`,
      'models/ok.sql': "select * from {{ ref('platform', 'customers') }}",
      'models/not_public.sql': "select * from {{ ref('platform', 'raw_stuff') }}",
      'models/typo.sql': "select * from {{ ref('platform', 'customer') }}",
      'models/no_project.sql': "select * from {{ ref('platfrom', 'customers') }}",
    });
    const errors = userErrors(() => buildGraph(load(dir)));
    expect(errors.map((e) => e.message)).toEqual([
      "no_project refers to ref('platfrom', 'customers'), but no project named 'platfrom' is listed in dependencies.yml. Did you mean 'platform'?",
      "not_public cannot ref platform.raw_stuff: it is protected in project 'platform', and only public models can be used from another project.",
      "typo refers to ref('platform', 'customer'), which project 'platform' does not publish. Did you mean 'customers'?",
    ]);
  });
});

describe('unenforceable constraints', () => {
  it('warns that DuckDB does not create foreign keys, instead of dropping them silently', async () => {
    const { prepareProject } = await import('../../core/compile/compile-project.js');
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/parent.sql': 'select 1 as id',
      'models/child.sql': "select 1 as parent_id from {{ ref('parent') }}",
      'models/props.yml':
        "models:\n  - name: child\n    config: {materialized: table, contract: {enforced: true}}\n    columns:\n      - {name: parent_id, data_type: integer, constraints: [{type: foreign_key, to: ref('parent'), to_columns: [id]}]}\n",
    });
    const { warnings } = prepareProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME } });
    expect(warnings.map((w) => [w.code, w.message])).toEqual([
      [
        'unenforced-constraint',
        'child: foreign_key constraints are not created on duckdb (it cannot swap in a table that foreign keys point at); test the relationship with a relationships test instead.',
      ],
    ]);
  });
});

describe('model versions', () => {
  it('gives each version its own relation; unpinned refs get the latest; include/exclude columns', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/orders_v1.sql': 'select 1 as id, 2 as old_col',
      'models/orders_v2.sql': 'select 1 as id, 3 as new_col',
      'models/latest_user.sql': "select * from {{ ref('orders') }}",
      'models/pinned_user.sql': "select * from {{ ref('orders', v=1) }} join {{ ref('orders', version=2) }} using (id)",
      'models/props.yml':
        'models:\n  - name: orders\n    latest_version: 2\n    columns: [{name: id}, {name: old_col}, {name: new_col}]\n    versions:\n      - v: 1\n        deprecation_date: 2025-01-01\n        columns: [{include: all, exclude: [new_col]}]\n      - v: 2\n        columns: [{include: all, exclude: [old_col]}]\n',
    });
    const project = load(dir);
    const dag = buildGraph(project);
    const v1 = project.nodes.get('model.p.orders.v1');
    expect(v1?.relation.identifier).toBe('orders_v1');
    expect(Object.keys(v1?.columns ?? {})).toEqual(['id', 'old_col']);
    expect(Object.keys(project.nodes.get('model.p.orders.v2')?.columns ?? {})).toEqual(['id', 'new_col']);
    expect(dag.graph.predecessors('model.p.latest_user')).toEqual(['model.p.orders.v2']);
    expect((dag.graph.predecessors('model.p.pinned_user') as string[]).sort()).toEqual(['model.p.orders.v1', 'model.p.orders.v2']);
    // dbt's DeprecatedReference and DeprecatedModel events, in dbt's words.
    expect(dag.warnings.map((w) => [w.code, w.message])).toEqual([
      [
        'deprecated-ref',
        "While compiling 'pinned_user': Found a reference to orders.v1, which was deprecated on '2025-01-01'. A new version of 'orders' is available. Migrate now: {{ ref('p', 'orders', v='2') }}.",
      ],
      ['deprecated-model', 'Model orders.v1 has passed its deprecation date of 2025-01-01. This model should be disabled or removed.'],
    ]);
  });
});

for (const target of TEST_TARGETS) {
  describe(`contracts on ${target.name}`, () => {
    const contract = (columns: string) =>
      `models:\n  - name: m\n    config: {materialized: table, contract: {enforced: true}}\n    columns:\n${columns}`;
    async function setup(sql: string, columns: string) {
      const dir = writeProject({ 'dbt_project.yml': projectYml('p'), 'models/m.sql': sql, 'models/props.yml': contract(columns) });
      const schema = await target.writeProfile(dir, 'p');
      const run = async () =>
        (await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME } })).summary.results[0];
      return { dir, run, query: (sql: string) => target.query(dir, sql.replaceAll('{schema}', schema)) };
    }

    it('lists every column that differs from the contract', async () => {
      const { run } = await setup(
        "select 1 as id, 'x' as label, 2 as extra",
        '      - {name: id, data_type: integer}\n      - {name: label, data_type: integer}\n      - {name: missing, data_type: date}\n',
      );
      const result = await run();
      expect(result?.status).toBe('error');
      expect(result?.message).toContain('m does not match its contract:');
      expect(result?.message).toMatch(/column 'label' is (VARCHAR|text) but the contract says integer/);
      expect(result?.message).toContain("column 'missing' (date) is in the contract but not returned by the SQL");
      expect(result?.message).toMatch(/column 'extra' \((INTEGER|integer)\) is returned by the SQL but not in the contract/);
    });

    it('builds with the declared types and enforces constraints, keeping the old rows when one is violated', async () => {
      const columns =
        "      - {name: id, data_type: bigint, constraints: [{type: not_null}, {type: primary_key}]}\n      - {name: amount, data_type: 'numeric(10,2)', constraints: [{type: check, expression: 'amount >= 0'}]}\n";
      const { dir, run, query } = await setup('select cast(1 as bigint) as id, 2.5 as amount union all select 2, 4.0', columns);
      expect((await run())?.message).toMatch(/^created table/);
      const types = await query(
        "select column_name, data_type from information_schema.columns where table_schema = '{schema}' and table_name = 'm' order by ordinal_position",
      );
      expect(types.map((t) => t.data_type?.toLowerCase())).toEqual(['bigint', target.name === 'duckdb' ? 'decimal(10,2)' : 'numeric']);
      for (const bad of [
        'select cast(null as bigint) as id, 1.0 as amount',
        'select cast(1 as bigint) as id, 1.0 as amount union all select 1, 2.0',
        'select cast(1 as bigint) as id, -5.0 as amount',
      ]) {
        writeFiles(dir, { 'models/m.sql': bad });
        const result = await run();
        expect(result?.status, bad).toBe('error');
        expect(result?.message, bad).toMatch(/Database error/);
        expect(await query('select id, amount from {schema}.m order by id')).toEqual([
          { id: '1', amount: '2.50' },
          { id: '2', amount: '4.00' },
        ]);
      }
      // A rebuild that keeps to the contract works again (constraint names do not collide).
      writeFiles(dir, { 'models/m.sql': 'select cast(3 as bigint) as id, 1.0 as amount' });
      expect((await run())?.status).toBe('success');
    });
  });
}

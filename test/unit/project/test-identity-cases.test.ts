import { describe, expect, it } from 'vitest';
import { duckdbAdapter } from '../../../adapters/duckdb/duckdb-adapter.js';
import { Compiler } from '../../../core/compile/compiler.js';
import { buildGraph } from '../../../core/graph/build-graph.js';
import { testMetadata, type TestMetadata } from '../../../core/project/test-identity.js';
import { dbtTestIdentities, type IdentityCase } from '../../differential/test-identity-oracle.js';
import { load } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

/**
 * Generic tests beyond jaffle_shop's: each one's dbt name and `test_metadata` written out by hand
 * from dbt's parser rules, its unique id hashed by Python (dbt's formula), against the test node
 * Strata builds from the same declaration.
 */

const files = {
  'dbt_project.yml': projectYml('p'),
  'models/orders.sql': 'select 1 as id, 2 as amount, 3 as "Weird Col", 4 as a, 5 as b, 6 as c, 7 as d',
  'models/dim_v1.sql': 'select 1 as id',
  'models/dim_v2.sql': 'select 1 as id',
  'macros/tests.sql': `
{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}
{% test has_rows(model) %}select 1 where (select count(*) from {{ model }}) = 0{% endtest %}
{% test expression_is_true(model, expression) %}select * from {{ model }} where not ({{ expression }}){% endtest %}
{% test typed(model, column_name, n, ratio, flag, nothing, opts) %}select 1 where false{% endtest %}
`,
  'models/schema.yml': `
version: 2
models:
  - name: orders
    data_tests:
      - has_rows
      - p.expression_is_true:
          expression: "amount >= 0 and a <> 'it''s'"
    columns:
      - name: id
        data_tests:
          - unique:
              name: orders_id_is_unique
          - not_null:
              where: "amount > 1"
              severity: warn
              tags: [nightly]
              config:
                limit: 5
                meta: {owner: me}
      - name: amount
        data_tests:
          - p.positive
      - name: Weird Col
        quote: true
        data_tests:
          - not_null
      - name: a
        data_tests:
          - typed:
              n: 3
              ratio: 0.25
              flag: true
              nothing: null
              opts: {b: [1, "x"], a: {c: "it's"}, d: "a rather long text"}
      - name: b
        data_tests:
          - accepted_values:
              arguments:
                values: ["x", 'say "y"']
              config:
                where: "b > 0"
      - name: c
        data_tests:
          - test_name: accepted_values
            values: [1, 2]
            config: {severity: warn}
  - name: dim
    latest_version: 2
    columns:
      - name: id
        data_tests: [unique]
    versions:
      - v: 1
      - v: 2
sources:
  - name: erp
    tables:
      - name: sales
        columns:
          - name: id
            data_tests: [not_null, p.positive]
`,
};

const where = (target: string) => `{{ get_where_subquery(${target}) }}`;
const orders = where("ref('orders')");
const sales = where("source('erp', 'sales')");

/** Each test as dbt names it: test type and target (for the name), the custom name if any, and its metadata. */
const expected: (Omit<IdentityCase, 'args'> & { full: string })[] = [
  {
    id: 'model-level, no arguments',
    full: 'has_rows_orders_',
    test_type: 'has_rows',
    target: 'orders',
    metadata: { name: 'has_rows', kwargs: { model: orders }, namespace: null },
  },
  {
    id: 'namespaced, model-level',
    full: 'p_expression_is_true_orders_amount_0_and_a_it_s_',
    test_type: 'p_expression_is_true',
    target: 'orders',
    metadata: { name: 'expression_is_true', kwargs: { expression: "amount >= 0 and a <> 'it''s'", model: orders }, namespace: 'p' },
  },
  {
    id: 'custom name',
    full: 'orders_id_is_unique',
    name: 'orders_id_is_unique',
    test_type: 'unique',
    target: 'orders',
    metadata: { name: 'unique', kwargs: { column_name: 'id', model: orders }, namespace: null },
  },
  {
    id: 'configs left out of the arguments',
    full: 'not_null_orders_id',
    test_type: 'not_null',
    target: 'orders',
    metadata: { name: 'not_null', kwargs: { column_name: 'id', model: orders }, namespace: null },
  },
  {
    id: 'namespaced, on a column',
    full: 'p_positive_orders_amount',
    test_type: 'p_positive',
    target: 'orders',
    metadata: { name: 'positive', kwargs: { column_name: 'amount', model: orders }, namespace: 'p' },
  },
  {
    id: 'quoted column',
    full: 'not_null_orders__Weird_Col_',
    test_type: 'not_null',
    target: 'orders',
    metadata: { name: 'not_null', kwargs: { column_name: '"Weird Col"', model: orders }, namespace: null },
  },
  {
    id: 'arguments of every type',
    full: 'typed_orders_a__True__3__None___1_x____c_it_s___a_rather_long_text__0_25',
    test_type: 'typed',
    target: 'orders',
    metadata: {
      name: 'typed',
      kwargs: {
        n: 3,
        ratio: 0.25,
        flag: true,
        nothing: null,
        opts: { b: [1, 'x'], a: { c: "it's" }, d: 'a rather long text' },
        column_name: 'a',
        model: orders,
      },
      namespace: null,
    },
  },
  {
    id: 'arguments under arguments:',
    full: 'accepted_values_orders_b__x__say_y_',
    test_type: 'accepted_values',
    target: 'orders',
    metadata: { name: 'accepted_values', kwargs: { values: ['x', 'say "y"'], column_name: 'b', model: orders }, namespace: null },
  },
  {
    id: 'test_name: form',
    full: 'accepted_values_orders_c__1__2',
    test_type: 'accepted_values',
    target: 'orders',
    metadata: { name: 'accepted_values', kwargs: { values: [1, 2], column_name: 'c', model: orders }, namespace: null },
  },
  ...[1, 2].map((v) => ({
    id: `version ${v}`,
    full: `unique_dim_v${v}_id`,
    test_type: 'unique',
    target: `dim_v${v}`,
    metadata: {
      name: 'unique',
      kwargs: { column_name: 'id', model: where(`ref('dim', version='${v}')`) },
      namespace: null,
    } as TestMetadata,
  })),
  {
    id: 'source',
    full: 'source_not_null_erp_sales_id',
    test_type: 'source_not_null',
    target: 'erp_sales',
    metadata: { name: 'not_null', kwargs: { column_name: 'id', model: sales }, namespace: null },
  },
  {
    id: 'namespaced, on a source',
    full: 'p_source_positive_erp_sales_id',
    test_type: 'p_source_positive',
    target: 'erp_sales',
    metadata: { name: 'positive', kwargs: { column_name: 'id', model: sales }, namespace: 'p' },
  },
];

describe("generic tests get dbt's names and unique ids", () => {
  const dbt = dbtTestIdentities(expected.map((e) => ({ ...e, args: e.metadata.kwargs })));
  const project = load(writeProject(files));
  const tests = [...project.nodes.values()].filter((n) => n.resourceType === 'test');

  it('builds exactly the declared tests', () => {
    expect(tests.map((t) => t.name).sort()).toEqual(expected.map((e) => e.full).sort());
  });

  it.each(expected.map((e) => [e.id, e] as const))('%s', (id, e) => {
    const want = dbt.get(id);
    // The names written out above are dbt's rules applied by hand; Python's agree.
    expect(want?.full === e.full || e.name !== undefined).toBe(true);
    const node = tests.find((t) => t.name === e.full);
    expect(node?.uniqueId).toBe(`test.p.${e.full}.${want?.hash}`);
    expect(node?.test && testMetadata(node.test)).toEqual(e.metadata);
    const alias = e.name ?? want?.short;
    expect(node?.relation.identifier).toBe(alias);
    expect(node?.path).toBe(`${alias}.sql`);
  });

  it("tests each version of a versioned model (its model argument pins the version, as dbt's does)", () => {
    const compiler = new Compiler(project, buildGraph(project), duckdbAdapter.dialect);
    for (const v of [1, 2]) {
      const node = tests.find((t) => t.name === `unique_dim_v${v}_id`);
      expect(compiler.compile(node?.uniqueId ?? '').compiledSql).toContain(`"main"."dim_v${v}"`);
    }
  });

  it('keeps configs given beside the arguments as configs', () => {
    const node = tests.find((t) => t.name === 'not_null_orders_id');
    expect(node?.config).toMatchObject({ where: 'amount > 1', severity: 'warn', limit: 5, meta: { owner: 'me' } });
    expect(node?.config.tags).toContain('nightly');
  });

  it('gives a long name a short alias and file, and keeps a configured alias', () => {
    const typed = tests.find((t) => t.name.startsWith('typed_'));
    expect(typed?.relation.identifier).toMatch(/^typed_orders_[0-9a-f]{32}$/);
    const aliased = load(
      writeProject({
        ...files,
        'models/schema.yml': files['models/schema.yml'].replace(
          '              ratio: 0.25',
          '              ratio: 0.25\n              alias: my_alias',
        ),
      }),
    );
    const node = [...aliased.nodes.values()].find((t) => t.name.startsWith('typed_'));
    expect(node?.relation.identifier).toBe('my_alias');
    expect(node?.uniqueId).toBe(typed?.uniqueId);
  });

  it('names a singular test after its file, trailing underscore and all, with no hash', () => {
    const singular = load(writeProject({ ...files, 'tests/sub/assert_orders_ok_.sql': "select * from {{ ref('orders') }} where false" }));
    const node = singular.nodes.get('test.p.assert_orders_ok_');
    expect(node).toMatchObject({ name: 'assert_orders_ok_', path: 'sub/assert_orders_ok_.sql', fqn: ['p', 'sub', 'assert_orders_ok_'] });
    expect(node?.originalFilePath).toBe('tests/sub/assert_orders_ok_.sql');
  });
});

import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../core/graph/build-graph.js';
import { selectNodes } from '../../../core/graph/select.js';
import { load, userErrors } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

describe('dependency graph', () => {
  it('orders nodes parents first', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/c.sql': "select * from {{ ref('b') }} join {{ ref('a') }} on true",
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/a.sql': 'select 1 as x',
    });
    const order = buildGraph(load(dir)).order;
    expect(order.indexOf('model.p.a')).toBeLessThan(order.indexOf('model.p.b'));
    expect(order.indexOf('model.p.b')).toBeLessThan(order.indexOf('model.p.c'));
  });

  it('reports unknown refs and sources with the closest name and the line of the call', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/src.yml': 'sources:\n  - name: erp\n    tables: [{name: sales}]\n',
      'models/orders.sql': 'select 1 as x',
      'models/report.sql': "select *\nfrom {{ ref('ordrs') }}\njoin {{ source('erp', 'sale') }} on true",
    });
    const project = load(dir);
    expect(userErrors(() => buildGraph(project)).map((d) => [d.code, d.at?.line, d.message])).toEqual([
      ['unknown-ref', 2, "report refers to ref('ordrs'), which does not exist. Did you mean 'orders'?"],
      ['unknown-source', 3, "report uses source('erp', 'sale'), which is not declared under 'sources:'. Did you mean 'erp.sales'?"],
    ]);
  });

  it('names the whole chain of a cycle', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/a.sql': "select * from {{ ref('c') }}",
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/c.sql': "select 1\nfrom {{ ref('b') }}",
      'models/ok.sql': 'select 1',
    });
    const [error] = userErrors(() => buildGraph(load(dir)));
    expect(error?.code).toBe('dependency-cycle');
    expect(error?.message).toBe('Dependency cycle (each node refs the next): a → c → b → a.');
    expect(error?.at).toMatchObject({ file: 'models/a.sql', line: 1 });
  });

  it('reports a ref to a disabled model', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/a.sql': '{{ config(enabled=false) }}select 1',
      'models/b.sql': "select * from {{ ref('a') }}",
    });
    expect(userErrors(() => buildGraph(load(dir)))[0]?.code).toBe('disabled-ref');
  });
});

describe('selection', () => {
  const dir = writeProject({
    'dbt_project.yml': projectYml('p', 'models:\n  p:\n    marts:\n      +tags: [finance]\n'),
    'models/staging/stg_a.sql': 'select 1 as x',
    'models/staging/stg_b.sql': 'select 1 as x',
    'models/int/joined.sql': "select * from {{ ref('stg_a') }} join {{ ref('stg_b') }} on true",
    'models/marts/report.sql': "select * from {{ ref('joined') }}",
    'models/marts/other.sql': "select * from {{ ref('stg_b') }}",
  });
  const project = load(dir);
  const dag = buildGraph(project);
  const names = (select: string[], exclude: string[] = []) =>
    selectNodes(project, dag, { select, exclude })
      .nodes.map((id) => id.split('.').pop())
      .sort();

  it('selects by name, folder, path, tag and fqn wildcard', () => {
    expect(names(['joined'])).toEqual(['joined']);
    expect(names(['staging'])).toEqual(['stg_a', 'stg_b']);
    expect(names(['models/marts'])).toEqual(['other', 'report']);
    expect(names(['path:models/int/joined.sql'])).toEqual(['joined']);
    expect(names(['tag:finance'])).toEqual(['other', 'report']);
    expect(names(['p.staging.*'])).toEqual(['stg_a', 'stg_b']);
    expect(names(['config.materialized:view', '--placeholder'].slice(0, 1))).toHaveLength(5);
  });

  it('applies +model, model+, depth limits and @', () => {
    expect(names(['+joined'])).toEqual(['joined', 'stg_a', 'stg_b']);
    expect(names(['stg_b+'])).toEqual(['joined', 'other', 'report', 'stg_b']);
    expect(names(['stg_b+1'])).toEqual(['joined', 'other', 'stg_b']);
    expect(names(['1+report'])).toEqual(['joined', 'report']);
    expect(names(['@stg_a'])).toEqual(['joined', 'report', 'stg_a', 'stg_b']);
  });

  it('unions space-separated terms, intersects commas and honours --exclude', () => {
    expect(names(['stg_a other'])).toEqual(['other', 'stg_a']);
    expect(names(['stg_b+,tag:finance'])).toEqual(['other', 'report']);
    expect(names(['staging+'], ['report'])).toEqual(['joined', 'other', 'stg_a', 'stg_b']);
  });

  it('warns when a selector matches nothing', () => {
    const selection = selectNodes(project, dag, { select: ['nope', 'stg_a'] });
    expect(selection.nodes).toEqual(['model.p.stg_a']);
    expect(selection.warnings.map((w) => w.message)).toEqual(["The selector 'nope' does not match any node."]);
  });
});

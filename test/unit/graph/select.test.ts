import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duckdbAdapter } from '../../../adapters/duckdb/duckdb-adapter.js';
import { manifestArtifact } from '../../../core/artifacts/manifest.js';
import { newInvocation } from '../../../core/artifacts/run-results.js';
import { buildGraph } from '../../../core/graph/build-graph.js';
import { selectNodes, type SelectionOptions } from '../../../core/graph/select.js';
import { loadState } from '../../../core/graph/state.js';
import { load, userErrors } from '../../helpers/load.js';
import { projectYml, writeFiles, writeProject } from '../../helpers/temp-project.js';

const FILES = {
  'dbt_project.yml': projectYml('shop', 'models:\n  shop:\n    marts:\n      +tags: [finance]\n      +group: finance\n'),
  'macros/cents.sql': '{% macro cents(c) %}({{ c }} * 100){% endmacro %}',
  'seeds/raw_orders.csv': 'id,amount\n1,2\n',
  'models/src.yml': 'sources:\n  - name: erp\n    tables: [{name: customers}, {name: invoices}]\n',
  'models/staging/stg_orders.sql': "select id, {{ cents('amount') }} as cents from {{ ref('raw_orders') }}",
  'models/staging/stg_customers.sql': "select * from {{ source('erp', 'customers') }}",
  'models/marts/orders.sql':
    "{{ config(materialized='table', access='public') }}select * from {{ ref('stg_orders') }} join {{ ref('stg_customers') }} on true",
  'models/marts/props.yml':
    'groups:\n  - name: finance\n    owner: {name: Finance team}\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        data_tests: [unique]\n',
  'tests/orders_positive.sql': "select * from {{ ref('orders') }} where cents < 0",
};

function setup(extra: Record<string, string> = {}) {
  const dir = writeProject({ ...FILES, ...extra });
  const select = (options: SelectionOptions) => {
    const project = load(dir);
    return selectNodes(project, buildGraph(project), options)
      .nodes.map((id) => id.split('.')[2])
      .sort();
  };
  return { dir, select };
}

describe('selection methods', () => {
  const { select } = setup();

  it('fqn, tag, path, file, package, resource_type, config, access and group', () => {
    expect(select({ select: ['staging'] })).toEqual(['stg_customers', 'stg_orders']);
    expect(select({ select: ['shop.staging.stg_*'] })).toEqual(['stg_customers', 'stg_orders']);
    expect(select({ select: ['tag:finance'], exclude: ['resource_type:test'] })).toEqual(['orders']);
    expect(select({ select: ['path:models/staging/stg_orders.sql'] })).toEqual(['stg_orders']);
    expect(select({ select: ['file:orders.sql'] })).toEqual(['orders', 'orders_positive', 'unique_orders_id']);
    expect(select({ select: ['package:shop,resource_type:seed'] })).toEqual(['raw_orders']);
    expect(select({ select: ['config.materialized:table'] })).toEqual(['orders', 'orders_positive', 'unique_orders_id']);
    expect(select({ select: ['access:public'], exclude: ['resource_type:test'] })).toEqual(['orders']);
    expect(select({ select: ['group:finance'], exclude: ['resource_type:test'] })).toEqual(['orders']);
  });

  it('source: selects a source, and with + what reads it', () => {
    expect(select({ select: ['source:erp.customers+'] })).toEqual(['orders', 'orders_positive', 'stg_customers', 'unique_orders_id']);
    expect(select({ select: ['source:erp+'] })).toContain('stg_customers');
  });

  it('graph operators with depths, and tests by type and name', () => {
    expect(select({ select: ['2+orders'], exclude: ['resource_type:test'] })).toEqual([
      'orders',
      'raw_orders',
      'stg_customers',
      'stg_orders',
    ]);
    expect(select({ select: ['raw_orders+1'] })).toEqual(['raw_orders', 'stg_orders']);
    expect(select({ select: ['test_type:singular'] })).toEqual(['orders_positive']);
    expect(select({ select: ['test_type:generic'] })).toEqual(['unique_orders_id']);
    expect(select({ select: ['test_name:unique'] })).toEqual(['unique_orders_id']);
  });

  it('rejects unknown methods and state: without --state', () => {
    expect(userErrors(() => select({ select: ['colour:red'] }))[0]?.message).toContain("Unknown selector method 'colour'");
    expect(userErrors(() => select({ select: ['state:modified'] }))[0]?.message).toContain('pass --state');
  });

  it('suggests the method meant, and does not also warn that the term matched nothing', () => {
    const found = userErrors(() => select({ select: ['tags:finance'] }));
    expect(found.map((d) => d.code)).toEqual(['invalid-selector']);
    expect(found[0]?.message).toContain("Did you mean 'tag'?");
  });
});

describe('state and result selection', () => {
  it('finds new and modified nodes by body, configs, relation and macros, ignoring whitespace', () => {
    const { dir, select } = setup();
    const stateDir = mkdtempSync(join(tmpdir(), 'strata-state-'));
    const project = load(dir);
    const manifest = manifestArtifact({ project, dag: buildGraph(project), dialect: duckdbAdapter.dialect, invocation: newInvocation({}) });
    writeFiles(stateDir, {
      'manifest.json': JSON.stringify(manifest),
      'run_results.json': JSON.stringify({
        results: [
          { unique_id: 'model.shop.orders', status: 'error' },
          { unique_id: 'model.shop.stg_orders', status: 'success' },
        ],
      }),
    });
    const state = loadState(stateDir);
    expect(select({ select: ['state:modified'], state })).toEqual([]);
    expect(select({ select: ['result:error'], state, exclude: ['resource_type:test'] })).toEqual(['orders']);
    writeFiles(dir, {
      'models/staging/stg_customers.sql': "select *\n   from {{ source('erp', 'customers') }}\n",
      'models/staging/new_one.sql': 'select 1 as x',
      'macros/cents.sql': '{% macro cents(c) %}({{ c }} * 100.0){% endmacro %}',
      'models/marts/orders.sql':
        "{{ config(materialized='view', access='public', alias='orders_v') }}select * from {{ ref('stg_orders') }} join {{ ref('stg_customers') }} on true",
    });
    expect(select({ select: ['state:new'], state })).toEqual(['new_one']);
    expect(select({ select: ['state:modified'], state, exclude: ['resource_type:test'] })).toEqual(['new_one', 'orders', 'stg_orders']);
    // As dbt, every sub-selector but .macros picks a node the state lacks.
    expect(select({ select: ['state:modified.macros'], state })).toEqual(['stg_orders']);
    expect(select({ select: ['state:modified.configs'], state, exclude: ['resource_type:test'] })).toEqual(['new_one', 'orders']);
    expect(select({ select: ['state:modified.relation'], state, exclude: ['resource_type:test'] })).toEqual(['new_one', 'orders']);
    // The config() call is part of the file, so the body changed too; stg_customers only gained whitespace.
    expect(select({ select: ['state:modified.body'], state, exclude: ['resource_type:test'] })).toEqual(['new_one', 'orders']);
    // dbt 1.6+: old is what the state has; unmodified is old and not modified.
    expect(select({ select: ['state:old'], state, exclude: ['resource_type:test'] })).toEqual([
      'orders',
      'raw_orders',
      'stg_customers',
      'stg_orders',
    ]);
    expect(select({ select: ['state:unmodified'], state, exclude: ['resource_type:test'] })).toEqual(['raw_orders', 'stg_customers']);
  });
});

describe("state against dbt's legacy analysis fqns", () => {
  it("reads dbt's [project, 'analysis', …] fqn of an analysis as the same place, and a real move as a move", () => {
    const { dir, select } = setup({ 'analyses/reports/top.sql': "select * from {{ ref('orders') }}" });
    const project = load(dir);
    const manifest = manifestArtifact({ project, dag: buildGraph(project), dialect: duckdbAdapter.dialect, invocation: newInvocation({}) });
    const nodes = manifest.nodes as Record<string, { fqn: string[] }>;
    const entry = nodes['analysis.shop.top'] as { fqn: string[] };
    expect(entry.fqn).toEqual(['shop', 'reports', 'top']);
    const stateDir = mkdtempSync(join(tmpdir(), 'strata-state-'));
    const writeState = (fqn: string[]) => {
      entry.fqn = fqn;
      writeFiles(stateDir, { 'manifest.json': JSON.stringify(manifest) });
      return loadState(stateDir);
    };
    // As dbt 1.10 writes it (before require_corrected_analysis_fqns).
    expect(select({ select: ['state:modified'], state: writeState(['shop', 'analysis', 'reports', 'top']) })).toEqual([]);
    expect(select({ select: ['state:modified'], state: writeState(['shop', 'analysis', 'top']) })).toEqual(['top']);
  });
});

const SELECTORS = `selectors:
  - name: staging_and_up
    definition:
      method: fqn
      value: staging
      children: true
  - name: finance_without_tests
    definition:
      union:
        - tag: finance
        - 'path:models/staging/stg_orders.sql'
        - exclude:
            - method: resource_type
              value: test
  - name: both
    definition:
      intersection:
        - method: tag
          value: finance
        - method: resource_type
          value: model
  - name: upstream_of_orders
    default: true
    definition:
      method: fqn
      value: orders
      parents: true
      parents_depth: 1
  - name: broken
    definition:
      union:
        - tag: finance
        - method: colour
          value: red
`;

describe('selectors.yml', () => {
  const { select } = setup({ 'selectors.yml': SELECTORS });

  it('evaluates methods, children/parents with depth, union, intersection and exclude', () => {
    expect(select({ selector: 'staging_and_up' })).toEqual([
      'orders',
      'orders_positive',
      'stg_customers',
      'stg_orders',
      'unique_orders_id',
    ]);
    expect(select({ selector: 'finance_without_tests' })).toEqual(['orders', 'stg_orders']);
    expect(select({ selector: 'both' })).toEqual(['orders', 'orders_positive', 'unique_orders_id']);
  });

  it('applies the default selector when nothing is selected, and reports unknown names', () => {
    expect(select({})).toEqual(['orders', 'orders_positive', 'stg_customers', 'stg_orders', 'unique_orders_id']);
    expect(userErrors(() => select({ selector: 'nope' }))[0]?.message).toContain("No selector named 'nope'");
  });

  it('reports a definition it cannot evaluate at its line in selectors.yml', () => {
    const [error] = userErrors(() => select({ selector: 'broken' }));
    expect(error?.message).toContain("'colour'");
    expect(error?.at?.file).toBe('selectors.yml');
    expect(error?.at?.line).toBe(SELECTORS.split('\n').findIndex((l) => l.includes('method: colour')) + 1);
  });
});

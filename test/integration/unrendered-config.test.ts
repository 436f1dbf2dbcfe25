import { cpSync, existsSync, mkdtempSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStateFiles } from '../../core/compile/compile-state.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { writeFiles, writeProject } from '../helpers/temp-project.js';

// dbt writes, as a node's unrendered_config, the configs the user set: the project file's levels on
// the node's path as written (`+` dropped, Jinja not rendered), then the properties entry's config,
// then the config() call's arguments, each key replacing the one before (no tag or meta merging).
const SCHEMA_JINJA = "{{ 'x' if target.name == 'prod' else 'y' }}";

const PROJECT = `name: shop
config-version: 2
models:
  +tags: base
  shop:
    +materialized: view
    marts:
      +materialized: table
      +schema: "${SCHEMA_JINJA}"
      +meta: {owner: a}
    staging:
      enabled: true
  pkg:
    +materialized: ephemeral
seeds:
  shop:
    +quote_columns: false
data_tests:
  shop:
    +severity: warn
`;

const PROPERTIES = `version: 2
models:
  - name: orders
    docs: {show: false}
    config:
      meta: {team: b}
    columns:
      - name: id
        data_tests:
          - unique
          - not_null:
              config:
                where: "id > {{ 0 }}"
  - name: dim
    latest_version: 2
    config:
      materialized: table
    versions:
      - v: 1
        config:
          alias: dim_old
      - v: 2
`;

interface ManifestNode {
  unrendered_config: Record<string, unknown>;
  config: Record<string, unknown>;
  test_metadata?: { name: string };
}

async function parsedNodes(dir: string): Promise<Record<string, ManifestNode>> {
  const { code, out } = await cli(['parse', '--project-dir', dir], { HOME: EMPTY_HOME });
  expect(code, out).toBe(0);
  return (JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, ManifestNode> }).nodes;
}

function testNamed(nodes: Record<string, ManifestNode>, name: string): ManifestNode {
  const found = Object.values(nodes).find((n) => n.test_metadata?.name === name);
  if (!found) throw new Error(`no ${name} test`);
  return found;
}

describe('unrendered_config in manifest.json', () => {
  const dir = writeProject({
    'dbt_project.yml': PROJECT,
    'models/marts/orders.sql': "{{ config(materialized='incremental', unique_key='id', pre_hook='select 1') }}\nselect 1 as id",
    'models/marts/customers.sql': 'select 1 as id',
    'models/staging/stg.sql': 'select 1 as id',
    'models/dim_v1.sql': 'select 1 as id',
    'models/dim_v2.sql': 'select 2 as id',
    'models/schema.yml': PROPERTIES,
    'seeds/raw.csv': 'id\n1\n',
    'dbt_packages/pkg/dbt_project.yml': 'name: pkg\nmodels:\n  pkg:\n    +materialized: table\n    +tags: own\n',
    'dbt_packages/pkg/models/p.sql': 'select 1 as id',
  });

  it('keeps project-file values as written, Jinja included, layered under properties and config()', async () => {
    const nodes = await parsedNodes(dir);
    expect(nodes['model.shop.orders']?.unrendered_config).toEqual({
      tags: 'base',
      materialized: 'incremental',
      schema: SCHEMA_JINJA,
      // Replaced by the properties file's meta, not merged with it; top-level docs moves into config.
      meta: { team: 'b' },
      docs: { show: false },
      unique_key: 'id',
      'pre-hook': 'select 1',
    });
    // The rendered config has the rendered schema and the merged meta.
    expect(nodes['model.shop.orders']?.config).toMatchObject({ schema: 'y', meta: { owner: 'a', team: 'b' } });
    expect(nodes['model.shop.customers']?.unrendered_config).toEqual({
      tags: 'base',
      materialized: 'table',
      schema: SCHEMA_JINJA,
      meta: { owner: 'a' },
    });
    // A bare (no '+') scalar key is a config, as in dbt's project config search.
    expect(nodes['model.shop.stg']?.unrendered_config).toEqual({ tags: 'base', materialized: 'view', enabled: true });
    expect(nodes['seed.shop.raw']?.unrendered_config).toEqual({ quote_columns: false });
  });

  it("merges a version's config over the model's", async () => {
    const nodes = await parsedNodes(dir);
    expect(nodes['model.shop.dim.v1']?.unrendered_config).toEqual({ tags: 'base', materialized: 'table', alias: 'dim_old' });
    expect(nodes['model.shop.dim.v2']?.unrendered_config).toEqual({ tags: 'base', materialized: 'table' });
  });

  it("gives a data test the project file's test configs and its entry's configs (rendered, as dbt's test builder passes them)", async () => {
    const nodes = await parsedNodes(dir);
    expect(testNamed(nodes, 'unique').unrendered_config).toEqual({ severity: 'warn' });
    expect(testNamed(nodes, 'not_null').unrendered_config).toEqual({ severity: 'warn', where: 'id > 0' });
  });

  it("layers the root project's levels over a package's own", async () => {
    const nodes = await parsedNodes(dir);
    expect(nodes['model.pkg.p']?.unrendered_config).toEqual({ materialized: 'ephemeral', tags: 'base' });
  });

  it('matches what dbt 1.10 wrote for jaffle_shop: project-file materialized only, and the alias of a long test name', async () => {
    const shop = writeProject({
      'dbt_project.yml':
        'name: jaffle\nconfig-version: 2\nmodels:\n  jaffle:\n    +materialized: table\n    staging:\n      +materialized: view\n',
      'models/staging/stg_orders.sql': "select 1 as order_id, 'placed' as status",
      'models/orders.sql': "select * from {{ ref('stg_orders') }}",
      'models/schema.yml': `version: 2
models:
  - name: orders
    columns:
      - name: status
        data_tests:
          - accepted_values:
              values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']
`,
      'seeds/raw_orders.csv': 'id\n1\n',
    });
    const nodes = await parsedNodes(shop);
    expect(nodes['model.jaffle.orders']?.unrendered_config).toEqual({ materialized: 'table' });
    expect(nodes['model.jaffle.stg_orders']?.unrendered_config).toEqual({ materialized: 'view' });
    expect(nodes['seed.jaffle.raw_orders']?.unrendered_config).toEqual({});
    const accepted = testNamed(nodes, 'accepted_values');
    expect(accepted.unrendered_config).toEqual({ alias: 'accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758' });
  });

  it("equals, node by node, the unrendered_config of the bakery fixture's dbt-shaped v12 manifest", async () => {
    const fixtures = join(import.meta.dirname, '../fixtures/dbt-manifests');
    const bakery = mkdtempSync(join(tmpdir(), 'strata-bakery-'));
    cpSync(join(fixtures, 'bakery'), bakery, { recursive: true });
    const expected = (JSON.parse(readFileSync(join(fixtures, 'v12/manifest.json'), 'utf8')) as { nodes: Record<string, ManifestNode> })
      .nodes;
    const nodes = await parsedNodes(bakery);
    expect(Object.keys(nodes).sort()).toEqual(Object.keys(expected).sort());
    for (const [id, node] of Object.entries(nodes)) expect([id, node.unrendered_config]).toEqual([id, expected[id]?.unrendered_config]);
  });

  it('survives a re-compile of a changed model byte for byte', async () => {
    const again = writeProject({ 'dbt_project.yml': PROJECT, 'models/marts/orders.sql': "{{ config(unique_key='id') }}\nselect 1 as id" });
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(again, 'dbt_project.yml'), old, old);
    utimesSync(join(again, 'models/marts/orders.sql'), old, old);
    const env = { HOME: EMPTY_HOME };
    const entry = (): string =>
      JSON.stringify(
        (JSON.parse(readFileSync(join(again, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, ManifestNode> }).nodes[
          'model.shop.orders'
        ]?.unrendered_config,
      );
    expect((await cli(['compile', '--project-dir', again], env)).code).toBe(0);
    const cold = entry();
    expect(JSON.parse(cold)).toEqual({ tags: 'base', materialized: 'table', schema: SCHEMA_JINJA, meta: { owner: 'a' }, unique_key: 'id' });
    writeFiles(again, { 'models/marts/orders.sql': "{{ config(unique_key='id') }}\nselect 2 as id" });
    const edited = new Date(Date.now() - 30_000);
    utimesSync(join(again, 'models/marts/orders.sql'), edited, edited);
    expect((await cli(['compile', '--project-dir', again], env)).code).toBe(0);
    // The re-compile patched the model's entry from the last compile's state (no full parse).
    expect(existsSync(compileStateFiles(again).patch)).toBe(true);
    expect(entry()).toBe(cold);
  });
});

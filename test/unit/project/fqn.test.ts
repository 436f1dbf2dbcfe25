import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../core/graph/build-graph.js';
import { selectNodes } from '../../../core/graph/select.js';
import { load } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

const SNAPSHOT_CONFIG = "{{ config(unique_key='id', strategy='check', check_cols='all') }}";
const snapshotBlock = (name: string) => `{% snapshot ${name} %}${SNAPSHOT_CONFIG}select * from {{ ref('orders') }}{% endsnapshot %}`;

/** A project whose fqns have every shape dbt gives them: folders, a snapshot's file, a source's properties file. */
const FILES = {
  'dbt_project.yml': projectYml(
    'proj',
    [
      'snapshots:',
      '  proj:',
      '    sub:',
      '      +target_schema: snaps_sub',
      '      history:',
      '        +tags: [by_file]',
      '      # keyed by the snapshot name below its folder: dbt reads no such level (the file comes first)',
      '      orders_snap:',
      '        +tags: [by_name]',
      '',
    ].join('\n'),
  ),
  'models/orders.sql': 'select 1 as id',
  'models/src.yml': 'sources:\n  - name: erp\n    tables: [{name: invoices}]\n',
  'models/staging/plant/plant.yml': 'sources:\n  - name: plant\n    tables: [{name: ovens}]\n',
  'snapshots/sub/history.sql': `${snapshotBlock('orders_snap')}\n${snapshotBlock('orders_snap_2')}`,
  'snapshots/top_snap.sql': snapshotBlock('top_snap'),
  'snapshots/sub/props.yml': [
    'snapshots:',
    '  - name: yaml_snap',
    "    relation: ref('orders')",
    '    config: {unique_key: id, strategy: check, check_cols: all}',
    '',
  ].join('\n'),
};

describe("fqns as dbt writes them (state comparison with dbt's manifests, config paths, fqn selection)", () => {
  const project = load(writeProject(FILES));
  const fqn = (id: string) => (project.nodes.get(id) ?? project.sources.get(id))?.fqn;

  it("name a snapshot block by its folders, its file's stem and its name (dbt's SnapshotParser.get_fqn)", () => {
    expect(fqn('snapshot.proj.orders_snap')).toEqual(['proj', 'sub', 'history', 'orders_snap']);
    expect(fqn('snapshot.proj.orders_snap_2')).toEqual(['proj', 'sub', 'history', 'orders_snap_2']);
    expect(fqn('snapshot.proj.top_snap')).toEqual(['proj', 'top_snap', 'top_snap']);
  });

  it("name a YAML snapshot by its properties file's folders and its name, without the file (dbt's get_fqn_prefix)", () => {
    expect(fqn('snapshot.proj.yaml_snap')).toEqual(['proj', 'sub', 'yaml_snap']);
  });

  it("name a source table by its properties file's folders below the model path, its source and itself", () => {
    expect(fqn('source.proj.plant.ovens')).toEqual(['proj', 'staging', 'plant', 'plant', 'ovens']);
    expect(fqn('source.proj.erp.invoices')).toEqual(['proj', 'erp', 'invoices']);
  });

  it("apply a folder's snapshots: config, and one keyed by the file's stem, but not one keyed by the name below the folder", () => {
    const snap = project.nodes.get('snapshot.proj.orders_snap');
    expect(snap?.relation.schema).toBe('snaps_sub');
    expect(snap?.config.tags).toEqual(['by_file']);
    expect(project.nodes.get('snapshot.proj.yaml_snap')?.config.tags).toEqual([]);
    expect(project.nodes.get('snapshot.proj.yaml_snap')?.relation.schema).toBe('snaps_sub');
    expect(project.nodes.get('snapshot.proj.top_snap')?.relation.schema).toBe('main');
    const unused = project.warnings.filter((w) => w.code === 'unused-config-path').map((w) => w.message);
    expect(unused).toEqual([expect.stringContaining("'snapshots.proj.sub.orders_snap'")]);
  });

  it('select snapshots by the fqn with the file in it, by folder and by path; sources by their source name', () => {
    const select = (...terms: string[]) => {
      const picked = selectNodes(project, buildGraph(project), { select: terms });
      return [...picked.nodes, ...picked.sources].filter((id) => !id.startsWith('model.')).sort();
    };
    expect(select('proj.sub.history.orders_snap')).toEqual(['snapshot.proj.orders_snap']);
    expect(select('sub.history')).toEqual(['snapshot.proj.orders_snap', 'snapshot.proj.orders_snap_2']);
    expect(select('sub')).toEqual(['snapshot.proj.orders_snap', 'snapshot.proj.orders_snap_2', 'snapshot.proj.yaml_snap']);
    expect(select('proj.sub.orders_snap')).toEqual([]);
    expect(select('fqn:top_snap')).toEqual(['snapshot.proj.top_snap']);
    expect(select('snapshots/sub/history.sql')).toEqual(['snapshot.proj.orders_snap', 'snapshot.proj.orders_snap_2']);
    expect(select('staging.plant')).toEqual([]);
    expect(select('source:plant')).toEqual(['source.proj.plant.ovens']);
  });
});

describe('fqns match the manifests dbt writes for the bakery fixture (test/fixtures/dbt-manifests)', () => {
  it('give every node and source the fqn dbt 1.10 gives it', () => {
    const fixtures = join(import.meta.dirname, '../../fixtures/dbt-manifests');
    const dbt = JSON.parse(readFileSync(join(fixtures, 'v12/manifest.json'), 'utf8')) as {
      nodes: Record<string, { fqn: string[] }>;
      sources: Record<string, { fqn: string[] }>;
    };
    // A copy: loading writes its parse cache under target/.
    const dir = mkdtempSync(join(tmpdir(), 'strata-bakery-'));
    cpSync(join(fixtures, 'bakery'), dir, { recursive: true });
    const project = load(dir);
    const ours = (ids: Iterable<string>, get: (id: string) => { fqn: string[] } | undefined) =>
      Object.fromEntries([...ids].map((id) => [id, get(id)?.fqn]));
    const expected = { ...ours(Object.keys(dbt.nodes), (id) => dbt.nodes[id]), ...ours(Object.keys(dbt.sources), (id) => dbt.sources[id]) };
    expect(expected['snapshot.bakery.loaves_snapshot']).toEqual(['bakery', 'loaves_snapshot', 'loaves_snapshot']);
    expect({
      ...ours(project.nodes.keys(), (id) => project.nodes.get(id)),
      ...ours(project.sources.keys(), (id) => project.sources.get(id)),
    }).toEqual(expected);
  });
});

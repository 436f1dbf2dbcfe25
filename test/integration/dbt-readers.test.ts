import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../core/graph/build-graph.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME, load } from '../helpers/load.js';
import { copyExample, projectYml, writeProject } from '../helpers/temp-project.js';

// What dbt's docs site and other readers of dbt's artifacts look up in a manifest, checked on the
// examples' manifests: the overview doc, every node's group, package resources under their
// package, contracts of upstream models.

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-manifest-v12.json'), 'utf8')) as object;
const validate = new Ajv2020({ strict: false, allErrors: true, logger: false }).compile(schema);
const env = { HOME: EMPTY_HOME };

interface Entry {
  name: string;
  resource_type: string;
  package_name: string;
  path: string;
  original_file_path: string;
  unique_id: string;
  [key: string]: unknown;
}
interface Manifest {
  nodes: Record<string, Entry & { group: string | null; contract?: { enforced: boolean }; root_path?: string; patch_path: string | null }>;
  macros: Record<string, Entry>;
  docs: Record<string, Entry & { block_contents: string }>;
  groups: Record<string, Entry & { owner: { name: string | null; email: string | null } }>;
  group_map: Record<string, string[]>;
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as Manifest;

async function strata(dir: string, ...args: string[]): Promise<string> {
  const result = await cli([...args, '--project-dir', dir], env);
  expect(result.code, result.out + result.err).toBe(0);
  return result.out;
}

/** What every manifest must hold for dbt's docs site: valid v12, dbt's overview, a group entry (with owner) for each node's group. */
function expectReadable(manifest: Manifest): void {
  expect(validate(manifest), JSON.stringify(validate.errors?.slice(0, 5), null, 1)).toBe(true);
  const overview = manifest.docs['doc.dbt.__overview__'];
  // The entry's shape as dbt 1.10 writes it (its text is Strata's own).
  expect(Object.keys(overview ?? {})).toEqual([
    'name',
    'resource_type',
    'package_name',
    'path',
    'original_file_path',
    'unique_id',
    'block_contents',
  ]);
  expect(overview).toMatchObject({
    name: '__overview__',
    resource_type: 'doc',
    package_name: 'dbt',
    path: 'overview.md',
    original_file_path: 'docs/overview.md',
    unique_id: 'doc.dbt.__overview__',
  });
  expect(overview?.block_contents).toMatch(/^### Welcome\n/);
  for (const node of Object.values(manifest.nodes)) {
    if (!node.group) continue;
    const group = manifest.groups[`group.${node.package_name}.${node.group}`];
    expect(group, `${node.unique_id}'s group`).toMatchObject({ name: node.group, resource_type: 'group', package_name: node.package_name });
    expect(group?.owner).toHaveProperty('name');
    expect(manifest.group_map[node.group]).toContain(node.unique_id);
  }
}

describe('manifests that readers of dbt artifacts read', () => {
  it("quickstart: dbt's default overview doc beside the project's docs, valid v12", async () => {
    const dir = copyExample('quickstart');
    await strata(dir, 'compile');
    const manifest = readManifest(dir);
    expectReadable(manifest);
    // The project's own docs keep their package and a path inside their docs folder, as dbt writes them.
    const own = Object.values(manifest.docs).filter((d) => d.package_name === 'quickstart');
    expect(own.length).toBeGreaterThan(0);
    for (const doc of own) {
      expect(doc.original_file_path).toBe('models/docs.md');
      expect(doc.path).toBe('docs.md');
    }
    expect(manifest.docs['doc.quickstart.__overview__']).toBeUndefined();
  });

  it("a project's own {% docs __overview__ %} is doc.<project>.__overview__, dbt's default stays beside it", async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('shop'),
      'models/m.sql': 'select 1 as id',
      'models/overview/front.md': '{% docs __overview__ %}\n# The shop\nWhat this project does.\n{% enddocs %}\n',
    });
    await strata(dir, 'compile');
    const manifest = readManifest(dir);
    expectReadable(manifest);
    expect(manifest.docs['doc.shop.__overview__']).toEqual({
      name: '__overview__',
      resource_type: 'doc',
      package_name: 'shop',
      path: 'overview/front.md',
      original_file_path: 'models/overview/front.md',
      unique_id: 'doc.shop.__overview__',
      block_contents: '# The shop\nWhat this project does.',
    });
  });

  it("jaffle_shop: a package's macros and models carry the package's name and paths inside the package", async () => {
    const dir = copyExample('jaffle_shop');
    // The example's packages.yml points at ../packages/shop_utils.
    cpSync(join(import.meta.dirname, '../../examples/packages'), join(dir, '../packages'), { recursive: true });
    await strata(dir, 'deps');
    await strata(dir, 'compile');
    const manifest = readManifest(dir);
    expectReadable(manifest);
    const macros = Object.values(manifest.macros).filter((m) => m.unique_id.startsWith('macro.shop_utils.'));
    expect(macros.map((m) => m.name).sort()).toEqual(['_quoted', 'sum_by_value', 'test_is_positive']);
    for (const m of macros) {
      expect(m.package_name).toBe('shop_utils');
      expect(m.path).toMatch(/^macros\/[a-z_]+\.sql$/);
      expect(m.original_file_path).toBe(m.path);
    }
    expect(manifest.macros['macro.jaffle_shop.cents_to_dollars']).toMatchObject({
      package_name: 'jaffle_shop',
      path: 'macros/cents_to_dollars.sql',
    });
    expect(manifest.nodes['model.shop_utils.payment_method_labels']).toMatchObject({
      package_name: 'shop_utils',
      path: 'payment_method_labels.sql',
      original_file_path: 'models/payment_method_labels.sql',
    });
  });

  it("a package's seeds, docs, groups and properties: root_path is the package's folder, patch_path, doc and group entries the package's", async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('root_proj'),
      'models/uses.sql': "select * from {{ ref('codes') }}",
      'dbt_packages/pkg/dbt_project.yml': "name: pkg\nversion: '1.0'\n",
      'dbt_packages/pkg/seeds/codes.csv': 'code\nA\n',
      'dbt_packages/pkg/models/pkg_model.sql': 'select 1 as id',
      'dbt_packages/pkg/models/props.yml':
        'groups:\n  - name: pkg_team\n    owner: {name: Package team}\nmodels:\n  - name: pkg_model\n    group: pkg_team\n    description: "{{ doc(\'pkg_doc\') }}"\n',
      'dbt_packages/pkg/models/docs.md':
        '{% docs pkg_doc %}From the package.{% enddocs %}\n{% docs __overview__ %}The package.{% enddocs %}\n',
      'models/overview.md': '{% docs __overview__ %}The project.{% enddocs %}\n',
      'dbt_packages/pkg/macros/helpers.sql': '{% macro helper() %}1{% endmacro %}\n',
    });
    await strata(dir, 'compile');
    const manifest = readManifest(dir);
    expectReadable(manifest);
    expect(manifest.nodes['seed.pkg.codes']).toMatchObject({
      package_name: 'pkg',
      path: 'codes.csv',
      original_file_path: 'seeds/codes.csv',
      root_path: join(dir, 'dbt_packages/pkg'),
    });
    expect(manifest.nodes['model.pkg.pkg_model']).toMatchObject({
      patch_path: 'pkg://models/props.yml',
      description: 'From the package.',
      group: 'pkg_team',
    });
    // A package's group is the package's (and its models may belong to it).
    expect(manifest.groups['group.pkg.pkg_team']).toMatchObject({
      package_name: 'pkg',
      original_file_path: 'models/props.yml',
      owner: { name: 'Package team', email: null },
    });
    expect(manifest.docs['doc.pkg.pkg_doc']).toMatchObject({ package_name: 'pkg', path: 'docs.md', original_file_path: 'models/docs.md' });
    // Each package may have its own overview: no clash with the project's.
    expect(manifest.docs['doc.pkg.__overview__']).toMatchObject({ package_name: 'pkg', block_contents: 'The package.' });
    expect(manifest.docs['doc.root_proj.__overview__']).toMatchObject({ package_name: 'root_proj', block_contents: 'The project.' });
    expect(manifest.macros['macro.pkg.helper']).toMatchObject({ package_name: 'pkg', path: 'macros/helpers.sql' });
  });

  it("mesh consumer: upstream models' groups (with owners) are listed, and their contracts kept", async () => {
    const mesh = copyExample('mesh');
    for (const project of ['platform', 'forecasting', 'fraud']) await strata(join(mesh, project), 'compile', '--target', 'duckdb');
    const forecasting = readManifest(join(mesh, 'forecasting'));
    expectReadable(forecasting);
    expect(forecasting.groups['group.platform.platform_team']).toMatchObject({
      name: 'platform_team',
      package_name: 'platform',
      unique_id: 'group.platform.platform_team',
      owner: { name: 'Platform data team', email: 'platform-data@example.com' },
    });
    expect(forecasting.nodes['model.platform.stg_sales']).toMatchObject({
      group: 'platform_team',
      contract: { enforced: true, alias_types: true },
    });
    const fraud = readManifest(join(mesh, 'fraud'));
    expectReadable(fraud);
    expect(Object.keys(fraud.groups).sort()).toEqual(['group.forecasting.forecasting_team', 'group.platform.platform_team']);
    expect(fraud.nodes['model.forecasting.revenue_forecast.v1']?.contract?.enforced).toBe(true);
  });

  it('publish: the published manifest keeps the groups of its public models and the overview', async () => {
    const mesh = copyExample('mesh');
    const platform = join(mesh, 'platform');
    await strata(platform, 'publish', '--target', 'duckdb');
    const published = JSON.parse(readFileSync(join(platform, 'target/publish/manifest.json'), 'utf8')) as Manifest;
    expectReadable(published);
    expect(Object.keys(published.groups)).toEqual(['group.platform.platform_team']);
    expect(Object.keys(published.docs)).toEqual(['doc.dbt.__overview__']);
  });
});

describe('deprecation warnings, worded as dbt words them', () => {
  const files = (deprecation: string) => ({
    'dbt_project.yml': projectYml('p'),
    'models/legacy.sql': 'select 1 as id',
    'models/user.sql': "select * from {{ ref('legacy') }}",
    'tests/uses_legacy.sql': "select * from {{ ref('legacy') }} where id is null",
    'models/props.yml': `models:\n  - name: legacy\n    deprecation_date: ${deprecation}\n`,
  });

  it('an unversioned model past its date: DeprecatedModel and DeprecatedReference, naming no version', () => {
    const project = load(writeProject(files('2020-01-01')));
    expect(project.nodes.get('model.p.legacy')?.deprecationDate).toBe('2020-01-01');
    const dag = buildGraph(project);
    // Only models' refs are warned about (dbt checks ModelNodes), so the singular test adds nothing.
    expect(dag.warnings.map((w) => [w.code, w.message, w.at?.file])).toEqual([
      ['deprecated-ref', "While compiling 'user': Found a reference to legacy, which was deprecated on '2020-01-01'.", 'models/user.sql'],
      [
        'deprecated-model',
        'Model legacy has passed its deprecation date of 2020-01-01. This model should be disabled or removed.',
        'models/props.yml',
      ],
    ]);
  });

  it('an unversioned model whose date is ahead: UpcomingReferenceDeprecation only', () => {
    const dag = buildGraph(load(writeProject(files('2999-01-01'))));
    expect(dag.warnings.map((w) => [w.code, w.message])).toEqual([
      ['upcoming-deprecation', "While compiling 'user': Found a reference to legacy, which is slated for deprecation on '2999-01-01'."],
    ]);
  });

  it('a ref to the latest version names the version but offers no other one', () => {
    const dag = buildGraph(
      load(
        writeProject({
          'dbt_project.yml': projectYml('p'),
          'models/orders_v1.sql': 'select 1 as id',
          'models/user.sql': "select * from {{ ref('orders') }}",
          'models/props.yml': 'models:\n  - name: orders\n    deprecation_date: 2999-06-30\n    versions:\n      - v: 1\n',
        }),
      ),
    );
    expect(dag.warnings.map((w) => w.message)).toEqual([
      "While compiling 'user': Found a reference to orders.v1, which is slated for deprecation on '2999-06-30'.",
    ]);
  });

  it('warn-error-options name them by dbt event: --warn-error-options DeprecatedModel fails the command', async () => {
    const dir = writeProject(files('2020-01-01'));
    const result = await cli(['compile', '--project-dir', dir, '--warn-error-options', '{"error": ["DeprecatedModel"]}'], env);
    expect(result.code).not.toBe(0);
    expect(result.out + result.err).toContain('Model legacy has passed its deprecation date of 2020-01-01.');
  });
});

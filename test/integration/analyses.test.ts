import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME, load, userErrors } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';
import { buildGraph } from '../../core/graph/build-graph.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-manifest-v12.json'), 'utf8')) as object;
const env = { HOME: EMPTY_HOME };

const FILES = {
  'dbt_project.yml': projectYml('p', 'analyses:\n  p:\n    reports:\n      +tags: [adhoc]\n'),
  'seeds/orders.csv': 'id,customer_id,amount\n1,7,10\n2,7,5\n3,8,1\n',
  'models/customers.sql': "select customer_id, sum(amount) as total from {{ ref('orders') }} group by customer_id",
  'analyses/reports/top_customer.sql': "select customer_id from {{ ref('customers') }} order by total desc limit 1",
  'analyses/props.yml':
    'version: 2\nanalyses:\n  - name: top_customer\n    description: Who buys the most.\n    columns:\n      - name: customer_id\n        data_tests: [unique]\n',
};

interface Manifest {
  nodes: Record<
    string,
    {
      resource_type: string;
      depends_on: { nodes: string[] };
      compiled_path: string | null;
      compiled_code?: string;
      relation_name: string | null;
      description: string;
      tags: string[];
      fqn: string[];
      unrendered_config: Record<string, unknown>;
    }
  >;
  parent_map: Record<string, string[]>;
}

for (const target of TEST_TARGETS) {
  describe(`analyses on ${target.name}`, () => {
    async function setup() {
      const dir = writeProject(FILES);
      const schemaName = await target.writeProfile(dir, 'p');
      const strata = (...args: string[]) => cli([...args, '--project-dir', dir], env);
      const manifest = () => JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as Manifest;
      return { dir, schemaName, strata, manifest };
    }

    it('compiles analyses with their refs resolved and lists them in the manifest as dbt does', async () => {
      const { dir, schemaName, strata, manifest } = await setup();
      const compiled = await strata('compile');
      expect(compiled.err).toBe('');
      expect(compiled.code).toBe(0);
      const sql = readFileSync(join(dir, 'target/compiled/p/analyses/reports/top_customer.sql'), 'utf8');
      expect(sql).toContain(`${schemaName}`);
      expect(sql).toMatch(/customers"? order by total desc limit 1/);
      const written = manifest();
      const validate = new Ajv2020({ strict: false, allErrors: true, logger: false }).compile(schema);
      expect(validate(written), JSON.stringify(validate.errors?.slice(0, 5), null, 1)).toBe(true);
      const entry = written.nodes['analysis.p.top_customer'];
      expect(entry).toMatchObject({
        resource_type: 'analysis',
        fqn: ['p', 'reports', 'top_customer'],
        description: 'Who buys the most.',
        tags: ['adhoc'],
        relation_name: null,
        depends_on: { nodes: ['model.p.customers'] },
        compiled_path: 'target/compiled/p/analyses/reports/top_customer.sql',
        // From the project file's `analyses:` tree, as its rendered config (dbt 1.10 would read `models:`).
        unrendered_config: { tags: ['adhoc'] },
      });
      expect(entry?.compiled_code).toBe(sql.trimEnd());
      expect(written.parent_map['analysis.p.top_customer']).toEqual(['model.p.customers']);
      // Tests declared on an analysis are not made (dbt ignores them too): nothing is built to test.
      expect(Object.keys(written.nodes).filter((id) => id.startsWith('test.'))).toEqual([]);
    });

    it('selects analyses (by name and resource_type) and never runs them in build', async () => {
      const { schemaName, strata, dir } = await setup();
      const only = await strata('compile', '--select', 'top_customer');
      expect(only.out).toContain('Compiled 1 node ');
      const listed = await strata('ls', '-s', 'resource_type:analysis', '--output', 'name');
      expect(listed.out).toBe('top_customer');
      const built = await strata('build');
      expect(built.code).toBe(0);
      expect(built.out).toContain('Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2');
      const tables = await target.query(
        dir,
        `select table_name from information_schema.tables where table_schema = '${schemaName}' order by table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(['customers', 'orders']);
      const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string }[] };
      expect(results.results.map((r) => r.unique_id).sort()).toEqual(['model.p.customers', 'seed.p.orders']);
      expect(existsSync(join(dir, 'target/run/p/analyses'))).toBe(false);
    });
  });
}

describe('analyses', () => {
  it("of a package take its own project file's analyses: tree, which the root project's analyses: <package>: overrides", () => {
    const dir = writeProject({
      ...FILES,
      'dbt_project.yml': projectYml('p', 'analyses:\n  pkg_a:\n    +tags: [from_root]\n    +meta: {owner: root}\n'),
      'dbt_packages/pkg_a/dbt_project.yml':
        "name: pkg_a\nversion: '1.0'\nanalyses:\n  pkg_a:\n    +tags: [own]\n    +meta: {owner: pkg, kept: true}\n",
      'dbt_packages/pkg_a/analyses/pkg_report.sql': 'select 1 as x',
    });
    const node = load(dir).nodes.get('analysis.pkg_a.pkg_report');
    expect(node?.config.tags).toEqual(['own', 'from_root']);
    expect(node?.config.meta).toEqual({ owner: 'root', kept: true });
  });

  // dbt-core's project.py: `analysis_paths = value_or(cfg.analysis_paths, ["analyses"])` (since 1.0;
  // `[]` before), so an unset key means analyses/, and an explicit `[]` means none.
  it.each([
    ['unset', '', 'analyses/a.sql', ['analysis.p.a']],
    ['as dbt init writes it', 'analysis-paths: ["analyses"]\n', 'analyses/a.sql', ['analysis.p.a']],
    ['another folder', 'analysis-paths: ["reports"]\n', 'reports/a.sql', ['analysis.p.a']],
    ['another folder, analyses/ not in it', 'analysis-paths: ["reports"]\n', 'analyses/a.sql', []],
    ['empty', 'analysis-paths: []\n', 'analyses/a.sql', []],
  ])('analysis-paths %s: files there become analysis nodes', (_, setting, file, ids) => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p', setting),
      'models/m.sql': 'select 1 as id',
      [file]: "select * from {{ ref('m') }}",
    });
    const project = load(dir);
    expect([...project.nodes.keys()].filter((id) => id.startsWith('analysis.'))).toEqual(ids);
  });

  it('cannot be ref()ed by models', () => {
    const dir = writeProject(FILES);
    writeFiles(dir, { 'models/uses_analysis.sql': "select * from {{ ref('top_customer') }}" });
    const errors = userErrors(() => buildGraph(load(dir)));
    expect(errors.map((e) => [e.code, e.message, e.at?.file])).toEqual([
      [
        'unknown-ref',
        "uses_analysis refers to ref('top_customer'), which is an analysis: analyses are compiled but never built, so nothing can ref them. Make it a model to use it.",
        'models/uses_analysis.sql',
      ],
    ]);
  });
});

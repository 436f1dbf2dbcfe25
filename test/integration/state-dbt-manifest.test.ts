import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { writeFiles } from '../helpers/temp-project.js';

// `--state` pointed at manifests dbt itself writes for the same project (dbt 1.10: v12, dbt 1.7:
// v11; test/fixtures/dbt-manifests/make-manifests.py builds them from the project's files with
// dbt's checksums, test ids and default configs). Strata must select what dbt would select.

const FIXTURES = join(import.meta.dirname, '../fixtures/dbt-manifests');
const SELECTORS = [
  'state:new',
  'state:modified',
  'state:modified.body',
  'state:modified.configs',
  'state:modified.relation',
  'state:modified.persisted_descriptions',
  'state:modified.contract',
  'state:modified.macros',
] as const;
type Selector = (typeof SELECTORS)[number];

const STG_LOAVES = 'model.bakery.stg_loaves';
const STG_OVENS = 'model.bakery.stg_ovens';
const LOAF_SALES = 'model.bakery.loaf_sales';
const LOAF_CATALOG = 'model.bakery.loaf_catalog.v1';
const RAW_LOAVES = 'seed.bakery.raw_loaves';
const NOT_NULL_STG = 'test.bakery.not_null_stg_loaves_loaf_id.74b4c785c0';

/** The bakery project in a folder of its own, edited by `files`. */
function bakery(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bakery-'));
  cpSync(join(FIXTURES, 'bakery'), dir, { recursive: true });
  writeFiles(dir, files);
  return dir;
}

function projectFile(path: string): string {
  return readFileSync(join(FIXTURES, 'bakery', path), 'utf8');
}

/** Unique ids each state selector picks (tests only when picked themselves: indirect selection off). */
async function selected(dir: string, manifest: 'v11' | 'v12'): Promise<Record<Selector, string[]>> {
  const out = {} as Record<Selector, string[]>;
  for (const selector of SELECTORS) {
    const args = ['ls', '-s', selector, '--state', join(FIXTURES, manifest), '--project-dir', dir];
    const {
      code,
      out: text,
      err,
    } = await cli([...args, '--output', 'json', '--output-keys', 'unique_id', '--indirect-selection', 'empty'], {
      HOME: EMPTY_HOME,
    });
    expect(code, err).toBe(0);
    out[selector] = text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { unique_id: string }).unique_id)
      .sort();
  }
  return out;
}

/** What dbt selects: `modified` for the kinds listed, nothing new. */
function expected(kinds: Partial<Record<Selector, string[]>>): Record<Selector, string[]> {
  const out = {} as Record<Selector, string[]>;
  for (const selector of SELECTORS) out[selector] = [...(kinds[selector] ?? [])].sort();
  out['state:modified'] = [...new Set(Object.values(kinds).flat())].sort();
  return out;
}

describe('dbt-written manifest fixtures', () => {
  it.each(['v11', 'v12'])('%s validates as dbt writes it: v12 against dbt v12 schema, ids by dbt formula', (version) => {
    const manifest = JSON.parse(readFileSync(join(FIXTURES, version, 'manifest.json'), 'utf8')) as {
      metadata: { dbt_schema_version: string };
      nodes: Record<string, unknown>;
    };
    expect(manifest.metadata.dbt_schema_version).toBe(`https://schemas.getdbt.com/dbt/manifest/${version}.json`);
    expect(Object.keys(manifest.nodes)).toContain(NOT_NULL_STG);
    if (version !== 'v12') return;
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-manifest-v12.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(manifest), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });
});

for (const manifest of ['v12', 'v11'] as const) {
  describe(`state against a dbt ${manifest === 'v12' ? '1.10 (v12)' : '1.7 (v11)'} manifest`, () => {
    it('selects nothing for the unchanged project', async () => {
      expect(await selected(bakery(), manifest)).toEqual(expected({}));
    });

    it('an edited SQL body is modified.body only', async () => {
      const dir = bakery({ 'models/staging/stg_ovens.sql': "select oven_id, heat * 2 as heat\nfrom {{ source('plant', 'ovens') }}\n" });
      expect(await selected(dir, manifest)).toEqual(expected({ 'state:modified.body': [STG_OVENS] }));
    });

    it('a config set in dbt_project.yml is modified.configs of the models it reaches', async () => {
      const dir = bakery({
        'dbt_project.yml': projectFile('dbt_project.yml').replace('    marts:\n', '    staging:\n      +materialized: table\n    marts:\n'),
      });
      expect(await selected(dir, manifest)).toEqual(expected({ 'state:modified.configs': [STG_LOAVES, STG_OVENS] }));
    });

    it('a config() argument changes the body and the configs', async () => {
      const dir = bakery({
        'models/marts/loaf_sales.sql': projectFile('models/marts/loaf_sales.sql').replace(
          "'columns': true}",
          "'columns': true}, on_schema_change='fail'",
        ),
      });
      expect(await selected(dir, manifest)).toEqual(
        expected({ 'state:modified.body': [LOAF_SALES], 'state:modified.configs': [LOAF_SALES] }),
      );
    });

    it('a schema or alias is modified.relation, not configs', async () => {
      const dir = bakery({
        'dbt_project.yml': projectFile('dbt_project.yml').replace(
          '      +materialized: table\n',
          '      +materialized: table\n      +schema: mart\n',
        ),
        'models/staging/schema.yml': projectFile('models/staging/schema.yml').replace(
          '    description: One row per loaf baked.\n',
          '    description: One row per loaf baked.\n    config:\n      alias: loaves\n',
        ),
      });
      expect(await selected(dir, manifest)).toEqual(expected({ 'state:modified.relation': [LOAF_CATALOG, LOAF_SALES, STG_LOAVES] }));
    });

    it('a description counts only where persist_docs writes it to the database', async () => {
      const dir = bakery({
        'models/marts/schema.yml': projectFile('models/marts/schema.yml').replace('Crust of the loaf.', 'How the crust turned out.'),
        'models/staging/schema.yml': projectFile('models/staging/schema.yml').replace('One row per loaf baked.', 'Every loaf.'),
      });
      expect(await selected(dir, manifest)).toEqual(expected({ 'state:modified.persisted_descriptions': [LOAF_SALES] }));
    });

    it('a column added to an enforced contract is modified.contract', async () => {
      const dir = bakery({
        'models/marts/schema.yml': projectFile('models/marts/schema.yml').replace(
          '        data_type: varchar\n',
          '        data_type: varchar\n      - name: baked_on\n        data_type: date\n',
        ),
      });
      expect(await selected(dir, manifest)).toEqual(expected({ 'state:modified.contract': [LOAF_CATALOG] }));
    });

    it('an edited macro is modified.macros of the models that call it', async () => {
      const dir = bakery({ 'macros/crust.sql': '{% macro crust(col) %}lower({{ col }}){% endmacro %}\n' });
      expect(await selected(dir, manifest)).toEqual(expected({ 'state:modified.macros': [LOAF_SALES] }));
    });

    it("a test's severity is modified.configs of that test; a seed's rows are its body", async () => {
      const dir = bakery({
        'models/staging/schema.yml': projectFile('models/staging/schema.yml').replace(
          '          - not_null\n',
          '          - not_null:\n              config:\n                severity: warn\n',
        ),
        'seeds/raw_loaves.csv': `${projectFile('seeds/raw_loaves.csv')}3,oat,2024-01-04\n`,
      });
      expect(await selected(dir, manifest)).toEqual(
        expected({ 'state:modified.configs': [NOT_NULL_STG], 'state:modified.body': [RAW_LOAVES] }),
      );
    });

    it('a new model is new, and every sub-selector but .macros picks it (as dbt)', async () => {
      // It calls an unchanged macro: .macros looks at the macros only.
      const dir = bakery({ 'models/staging/stg_flours.sql': "select {{ crust('flour') }} as flour\n" });
      const id = 'model.bakery.stg_flours';
      const picked = SELECTORS.filter((s) => s !== 'state:modified.macros').map((s) => [s, [id]]);
      expect(await selected(dir, manifest)).toEqual({ ...expected(Object.fromEntries(picked)), 'state:modified.macros': [] });
    });
  });
}

describe("Strata's manifest", () => {
  it('writes every config key of each node and source as dbt 1.10 writes it, in its order', async () => {
    const dir = bakery();
    expect((await cli(['parse', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
    type Entries = Record<string, { config: Record<string, unknown> }>;
    const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { nodes: Entries; sources: Entries };
    const strata = read(join(dir, 'target/manifest.json'));
    const dbt = read(join(FIXTURES, 'v12/manifest.json'));
    const configs = (entries: Entries) => Object.entries(entries).map(([id, e]) => [id, JSON.stringify(e.config)]);
    expect(configs(strata.nodes).sort()).toEqual(configs(dbt.nodes).sort());
    expect(configs(strata.sources)).toEqual(configs(dbt.sources));
  });
});

describe('state against manifests Strata wrote', () => {
  /** Strata's manifest of the bakery, and one as Strata wrote it before default keys: only the keys set. */
  async function strataManifests(): Promise<{ current: string; old: string }> {
    const dir = bakery();
    expect((await cli(['parse', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
    const text = readFileSync(join(dir, 'target/manifest.json'), 'utf8');
    const manifest = JSON.parse(text) as { nodes: Record<string, { config: Record<string, unknown> }> };
    const unset = (v: unknown) =>
      v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
    const defaults: Record<string, unknown> = {
      on_schema_change: 'ignore',
      on_configuration_change: 'apply',
      lookback: 1,
      docs: { show: true, node_color: null },
      contract: { enforced: false, alias_types: true },
      access: 'protected',
      delimiter: ',',
    };
    for (const node of Object.values(manifest.nodes))
      for (const [key, value] of Object.entries(node.config))
        if ((unset(value) && key !== 'tags' && key !== 'meta') || JSON.stringify(value) === JSON.stringify(defaults[key]))
          delete node.config[key];
    const current = mkdtempSync(join(tmpdir(), 'strata-state-'));
    const old = mkdtempSync(join(tmpdir(), 'strata-state-'));
    writeFileSync(join(current, 'manifest.json'), text);
    writeFileSync(join(old, 'manifest.json'), JSON.stringify(manifest));
    return { current, old };
  }

  it('selects nothing for the unchanged project, whether or not the manifest has default keys, and sees a config change', async () => {
    const { current, old } = await strataManifests();
    const ls = async (dir: string, state: string, selector: string) =>
      (
        await cli(['ls', '-s', selector, '--state', state, '--project-dir', dir, '--output', 'name', '--indirect-selection', 'empty'], {
          HOME: EMPTY_HOME,
        })
      ).out;
    const unchanged = bakery();
    for (const state of [current, old]) expect(await ls(unchanged, state, 'state:modified')).toContain('does not match any node');
    const edited = bakery({
      'dbt_project.yml': projectFile('dbt_project.yml').replace(
        '    marts:\n',
        '    staging:\n      +on_schema_change: fail\n    marts:\n',
      ),
    });
    for (const state of [current, old]) {
      const out = await ls(edited, state, 'state:modified.configs');
      expect(
        out
          .split('\n')
          .filter((l) => /^\w+$/.test(l))
          .sort(),
      ).toEqual(['stg_loaves', 'stg_ovens']);
    }
  });
});

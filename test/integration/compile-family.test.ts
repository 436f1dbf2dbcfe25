import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

// parse, show, compile --inline / -s, ls and run_results.json, on every adapter (docs/inspecting.md).

const env = { HOME: EMPTY_HOME };
const manifestSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-manifest-v12.json'), 'utf8')) as object;
const runResultsSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-run-results-v6.json'), 'utf8')) as object;

const FILES = {
  'dbt_project.yml': projectYml('p'),
  'seeds/people.csv': 'id,name,score,joined\n1,Ann,12.50,2024-01-31\n2,Bob,,2024-02-01\n3,Cy,7.25,\n',
  // Ephemeral: show and compile inline it as a CTE.
  'models/stg_people.sql':
    "{{ config(materialized='ephemeral') }}\nselect id, name, cast(score as decimal(10,2)) as score, cast(joined as date) as joined from {{ ref('people') }}",
  'models/people_view.sql': "select * from {{ ref('stg_people') }} order by id",
  'models/people_table.sql': "{{ config(materialized='table') }}\nselect id, name from {{ ref('stg_people') }}",
  'models/props.yml': [
    'version: 2',
    'sources:',
    '  - name: raw',
    '    schema: elsewhere',
    '    tables:',
    '      - name: events',
    'models:',
    '  - name: people_view',
    '    columns:',
    '      - name: id',
    '        data_tests: [unique]',
    'exposures:',
    '  - name: dashboard',
    '    type: dashboard',
    '    owner: {name: Ops}',
    "    depends_on: [ref('people_view')]",
    '',
  ].join('\n'),
};

/** The JSON object a command printed (log lines may come before it). */
function printedJson(out: string): Record<string, unknown> {
  return JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as Record<string, unknown>;
}

interface RunResults {
  args: { which: string };
  results: {
    unique_id: string;
    status: string;
    timing: { name: string; started_at: string; completed_at: string }[];
    adapter_response: { _message?: string; code?: string; rows_affected?: number };
    compiled_code: string | null;
  }[];
}

for (const target of TEST_TARGETS) {
  describe(`inspecting commands on ${target.name}`, () => {
    async function setup() {
      const dir = writeProject(FILES);
      const schema = await target.writeProfile(dir, 'p', { threads: 1 });
      const strata = (...args: string[]) => cli([...args, '--project-dir', dir], env);
      const runResults = () => JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as RunResults;
      return { dir, schema, strata, runResults };
    }

    it('parses: writes manifest.json and perf_info.json without connecting, and reports errors', async () => {
      const { dir, strata } = await setup();
      const parsed = await strata('parse');
      expect(parsed.err).toBe('');
      expect(parsed.code).toBe(0);
      expect(parsed.out).toContain('Performance info: target/perf_info.json');
      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
        nodes: Record<string, unknown>;
        exposures: Record<string, { depends_on: { nodes: string[] }; owner: { name: string } }>;
      };
      expect(Object.keys(manifest.nodes)).toContain('model.p.people_table');
      expect(manifest.exposures['exposure.p.dashboard']).toMatchObject({
        depends_on: { nodes: ['model.p.people_view'] },
        owner: { name: 'Ops' },
      });
      const validate = new Ajv2020({ strict: false, logger: false }).compile(manifestSchema);
      expect(validate(manifest), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      const perf = JSON.parse(readFileSync(join(dir, 'target/perf_info.json'), 'utf8')) as {
        load_all_elapsed: number;
        projects: unknown[];
      };
      expect(perf.load_all_elapsed).toBeGreaterThanOrEqual(0);
      expect(perf.projects).toHaveLength(1);
      if (target.name === 'duckdb') expect(existsSync(join(dir, 'test.duckdb'))).toBe(false);

      const broken = writeProject({ ...FILES, 'models/bad.sql': "select * from {{ ref('missing') }}" });
      await target.writeProfile(broken, 'p');
      const failed = await cli(['parse', '--project-dir', broken], env);
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(/models\/bad\.sql:1:\d+: error\[unknown-ref\].*missing/);
    });

    it('shows the rows of a node and of inline SQL, as a table or JSON, building nothing', async () => {
      const { strata, schema, dir } = await setup();
      expect((await strata('seed')).code).toBe(0);
      const json = await strata('show', '-s', 'people_view', '--output', 'json');
      expect(json.err).toBe('');
      expect(json.code).toBe(0);
      expect(printedJson(json.out)).toEqual({
        node: 'people_view',
        show: [
          { id: 1, name: 'Ann', score: 12.5, joined: '2024-01-31' },
          { id: 2, name: 'Bob', score: null, joined: '2024-02-01' },
          { id: 3, name: 'Cy', score: 7.25, joined: null },
        ],
      });
      const text = await strata('show', '--select', 'people_view');
      expect(text.code).toBe(0);
      expect(text.out.split('\n')).toEqual([
        "Previewing node 'people_view':",
        '| id | name | score |     joined |',
        '| -- | ---- | ----- | ---------- |',
        '|  1 | Ann  | 12.50 | 2024-01-31 |',
        '|  2 | Bob  |       | 2024-02-01 |',
        '|  3 | Cy   |  7.25 |            |',
      ]);
      // --limit: the first n rows; a negative limit is every row, 0 none.
      const rowsOf = async (...args: string[]) =>
        (printedJson((await strata('show', ...args, '--output', 'json')).out).show as unknown[]).length;
      expect(await rowsOf('-s', 'people_view', '--limit', '2')).toBe(2);
      expect(await rowsOf('-s', 'people_view', '--limit', '-1')).toBe(3);
      expect(await rowsOf('-s', 'people_view', '--limit', '0')).toBe(0);

      // Inline SQL reads an ephemeral model through its CTE; the heading and JSON have no node name.
      const inline = await strata('show', '--inline', "select count(*) as n, max(name) as last from {{ ref('stg_people') }}");
      expect(inline.code).toBe(0);
      expect(inline.out.split('\n')).toEqual(['Previewing inline node:', '| n | last |', '| - | ---- |', '| 3 | Cy   |']);
      const inlineJson = await strata('show', '--inline', "select id from {{ ref('people') }} where id = 2", '--output', 'json');
      expect(printedJson(inlineJson.out)).toEqual({ show: [{ id: 2 }] });

      // Nothing was built: the models' relations do not exist.
      const relations = await target.query(
        dir,
        `select table_name from information_schema.tables where table_schema = '${schema}' order by 1`,
      );
      expect(relations.map((r) => r.table_name)).toEqual(['people']);
    });

    it('refuses a selection of several nodes, and reports database errors', async () => {
      const { strata } = await setup();
      const several = await strata('show', '-s', 'people_view people_table');
      expect(several.code).toBe(1);
      expect(several.err).toMatch(/selects 2 nodes \(people_table, people_view\).*single node/);
      const bad = await strata('show', '--inline', 'select * from no_such_table');
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/Database error while showing inline_query: .*no_such_table/);
      const unknown = await strata('show', '--inline', "select * from {{ ref('nope') }}");
      expect(unknown.code).toBe(1);
      expect(unknown.err).toContain("ref('nope')");
    });

    it('compiles inline SQL and one selected node, printing the SQL; compile writes run_results.json', async () => {
      const { strata, schema, runResults, dir } = await setup();
      const inline = await strata('compile', '--inline', "select * from {{ ref('stg_people') }} where id > 1");
      expect(inline.code).toBe(0);
      const lines = inline.out.split('\n');
      expect(lines[0]).toBe('Compiled inline node is:');
      expect(inline.out).toMatch(/with "?__dbt__cte__stg_people"? as \(/);
      expect(inline.out).toContain(`"${schema}"."people"`);
      expect(inline.out).toMatch(/select \* from "?__dbt__cte__stg_people"? where id > 1/);
      expect(existsSync(join(dir, 'target/run_results.json'))).toBe(false);
      const inlineJson = printedJson((await strata('compile', '--inline', 'select 1 as x', '--output', 'json')).out);
      expect(inlineJson).toEqual({ compiled: 'select 1 as x' });

      const one = await strata('compile', '-s', 'people_table');
      expect(one.code).toBe(0);
      expect(one.out).toContain("Compiled node 'people_table' is:\n");
      expect(one.out).toMatch(/select id, name from "?__dbt__cte__stg_people"?/);
      const results = runResults();
      const validate = new Ajv2020({ strict: false }).compile(runResultsSchema);
      expect(validate(results), JSON.stringify(validate.errors)).toBe(true);
      expect(results.args.which).toBe('compile');
      expect(results.results.map((r) => [r.unique_id, r.status])).toEqual([['model.p.people_table', 'success']]);
      expect(results.results[0]?.timing.map((t) => t.name)).toEqual(['compile', 'execute']);
      expect(results.results[0]?.compiled_code).toMatch(/__dbt__cte__stg_people/);

      // Again after an edit, from the re-compile state: the new SQL printed (as JSON this time) and in run_results.json.
      const first = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { metadata: { invocation_id: string } };
      writeFiles(dir, {
        'models/people_table.sql': "{{ config(materialized='table') }}\nselect id, upper(name) as name from {{ ref('stg_people') }}",
      });
      const again = printedJson((await strata('compile', '-s', 'people_table', '--output', 'json')).out);
      expect(again.node).toBe('people_table');
      expect(String(again.compiled)).toMatch(/select id, upper\(name\) as name from "?__dbt__cte__stg_people"?/);
      const refreshed = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as RunResults & {
        metadata: { invocation_id: string };
      };
      expect(refreshed.metadata.invocation_id).not.toBe(first.metadata.invocation_id);
      expect(refreshed.results.map((r) => r.unique_id)).toEqual(['model.p.people_table']);
      expect(refreshed.results[0]?.compiled_code).toMatch(/upper\(name\)/);
      expect(validate(refreshed), JSON.stringify(validate.errors)).toBe(true);
    });

    it('lists sources, exposures, seeds, tests and models in every output form', async () => {
      const { strata } = await setup();
      const selectors = await strata('ls');
      expect(selectors.code).toBe(0);
      expect(selectors.out.split('\n')).toEqual([
        'exposure:p.dashboard',
        'p.people_table',
        'p.people_view',
        'p.stg_people',
        'p.people',
        'source:p.raw.events',
        'p.unique_people_view_id',
      ]);
      const names = await strata('ls', '--output', 'name', '--resource-type', 'source', 'exposure', 'seed');
      expect(names.out.split('\n')).toEqual(['dashboard', 'people', 'raw.events']);
      const paths = await strata('ls', '--output', 'path', '-s', 'source:raw', 'exposure:dashboard');
      expect(paths.out.split('\n')).toEqual(['models/props.yml', 'models/props.yml']);
      const bySource = await strata('ls', '-s', 'source:p.raw.events+', '--resource-type', 'source');
      expect(bySource.out).toBe('source:p.raw.events');

      // An exposure's parents are its depends_on; a model's children include the exposures on it.
      const upstream = await strata('ls', '-s', '+exposure:p.dashboard', '--output', 'name', '--exclude-resource-type', 'test');
      expect(upstream.out.split('\n')).toEqual(['dashboard', 'people_view', 'stg_people', 'people']);
      const downstream = await strata('ls', '-s', 'people_view+', '--resource-type', 'exposure');
      expect(downstream.out).toBe('exposure:p.dashboard');

      const json = await strata('ls', '--output', 'json', '-s', 'people_table');
      const entry = JSON.parse(json.out) as Record<string, unknown>;
      expect(Object.keys(entry).sort()).toEqual(
        ['alias', 'config', 'depends_on', 'name', 'original_file_path', 'package_name', 'resource_type', 'tags', 'unique_id'].sort(),
      );
      expect(entry).toMatchObject({ name: 'people_table', resource_type: 'model', unique_id: 'model.p.people_table' });
      const keyed = await strata('ls', '--output', 'json', '--output-keys', 'name,resource_type', '--resource-type', 'source');
      expect(JSON.parse(keyed.out)).toEqual({ name: 'events', resource_type: 'source' });
      const spaced = await strata('ls', '--output', 'json', '--output-keys', 'unique_id', 'source_name', '--resource-type', 'source');
      expect(JSON.parse(spaced.out)).toEqual({ unique_id: 'source.p.raw.events', source_name: 'raw' });

      const bogus = await strata('ls', '--resource-type', 'modle');
      expect(bogus.code).toBe(2);
      expect(bogus.err).toContain("'modle' is not a resource type");
      expect(bogus.err).toMatch(/valid: .*model.*all/);
      const allTypes = await strata('ls', '--resource-type', 'all', '--output', 'name');
      expect(allTypes.out.split('\n')).toHaveLength(7);
    });

    it("records the database's response and compile/execute timing in run_results.json", async () => {
      const { strata, runResults } = await setup();
      const built = await strata('build');
      expect(built.code).toBe(0);
      const results = runResults();
      const validate = new Ajv2020({ strict: false }).compile(runResultsSchema);
      expect(validate(results), JSON.stringify(validate.errors)).toBe(true);
      const byId = Object.fromEntries(results.results.map((r) => [r.unique_id, r]));
      const seed = byId['seed.p.people'];
      const table = byId['model.p.people_table'];
      const view = byId['model.p.people_view'];
      const test = Object.values(byId).find((r) => r.unique_id.startsWith('test.p.unique_people_view_id'));
      if (target.name === 'postgres') {
        expect(seed?.adapter_response).toEqual({ _message: 'COPY 3', code: 'COPY', rows_affected: 3 });
        expect(table?.adapter_response).toEqual({ _message: 'SELECT 3', code: 'SELECT', rows_affected: 3 });
        expect(view?.adapter_response).toEqual({ _message: 'CREATE', code: 'CREATE', rows_affected: -1 });
        expect(test?.adapter_response).toEqual({ _message: 'SELECT 1', code: 'SELECT', rows_affected: 1 });
      } else {
        expect(seed?.adapter_response).toEqual({ _message: 'OK', code: 'INSERT', rows_affected: 3 });
        expect(table?.adapter_response).toEqual({ _message: 'OK', code: 'CREATE', rows_affected: 3 });
        expect(view?.adapter_response).toMatchObject({ _message: 'OK', code: 'CREATE' });
        expect(test?.adapter_response).toEqual({ _message: 'OK', code: 'SELECT', rows_affected: 1 });
      }
      for (const r of [table, view, test]) {
        expect(r?.timing.map((t) => t.name)).toEqual(['compile', 'execute']);
        const [compile, execute] = r?.timing ?? [];
        expect(Date.parse(compile?.completed_at ?? '')).toBeLessThanOrEqual(Date.parse(execute?.started_at ?? ''));
      }
      expect(seed?.timing.map((t) => t.name)).toEqual(['execute']);
    });
  });
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testIdentity, testMetadata, type TestMetadata } from '../../../core/project/test-identity.js';
import type { TestInfo } from '../../../core/project/types.js';
import { cli } from '../../helpers/cli.js';
import { EMPTY_HOME, load } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

/** Generic tests of dbt 1.10's manifest of jaffle_shop: the fields that identify them, as dbt wrote them. */
interface ReferenceTest {
  unique_id: string;
  name: string;
  alias: string;
  fqn: string[];
  path: string;
  original_file_path: string;
  compiled_path: string;
  file_key_name: string;
  attached_node: string;
  column_name: string;
  test_metadata: TestMetadata;
}

const reference = (
  JSON.parse(readFileSync(new URL('../../fixtures/dbt-reference/tests-jaffle-shop-generic.json', import.meta.url), 'utf8')) as {
    tests: ReferenceTest[];
  }
).tests;

/** What Strata keeps of a test declared as the reference one was. */
function infoOf(ref: ReferenceTest): TestInfo {
  const { column_name: _column, model: _model, ...kwargs } = ref.test_metadata.kwargs;
  return { kind: 'generic', testName: ref.test_metadata.name, kwargs, attachedNode: ref.attached_node, columnName: ref.column_name };
}

describe("generic test identity matches dbt 1.10's manifest", () => {
  it('has the 20 reference tests, one with a relationship and three with shortened aliases', () => {
    expect(reference).toHaveLength(20);
    expect(reference.filter((t) => t.alias !== t.name)).toHaveLength(3);
  });

  it.each(reference.map((t) => [t.name, t] as const))('%s: name, alias and unique id', (_name, ref) => {
    const identity = testIdentity(infoOf(ref), 'jaffle_shop');
    expect(identity).toEqual({ full: ref.name, short: ref.alias, uniqueId: ref.unique_id });
    // The metadata dbt hashes, keys in dbt's order (arguments as declared, then column_name, then model).
    expect(JSON.stringify(testMetadata(infoOf(ref)))).toBe(JSON.stringify(ref.test_metadata));
  });

  it("gives a project declaring the reference tests dbt's nodes: ids, names, aliases, paths and fqns", () => {
    const project = load(writeProject(referenceProject()));
    const tests = [...project.nodes.values()].filter((n) => n.resourceType === 'test');
    expect(tests).toHaveLength(20);
    for (const ref of reference) {
      const node = project.nodes.get(ref.unique_id);
      expect(node, ref.unique_id).toBeDefined();
      if (!node?.test) continue;
      expect({
        name: node.name,
        alias: node.relation.identifier,
        fqn: node.fqn,
        path: node.path,
        original_file_path: node.originalFilePath,
        attached_node: node.test.attachedNode,
        column_name: node.test.columnName,
        test_metadata: testMetadata(node.test),
      }).toEqual({
        name: ref.name,
        alias: ref.alias,
        fqn: ref.fqn,
        path: ref.path,
        original_file_path: ref.original_file_path,
        attached_node: ref.attached_node,
        column_name: ref.column_name,
        test_metadata: ref.test_metadata,
      });
    }
  });
});

describe("the manifest's test entries match dbt 1.10's", () => {
  it('test_metadata, compiled_path (a file that exists), file_key_name, attached_node and column_name', async () => {
    const dir = writeProject(referenceProject());
    const { code, err } = await cli(['compile', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(code, err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
      nodes: Record<string, Record<string, unknown>>;
    };
    for (const ref of reference) {
      const entry = manifest.nodes[ref.unique_id];
      expect(entry, ref.unique_id).toBeDefined();
      const fields = ['name', 'alias', 'path', 'compiled_path', 'file_key_name', 'attached_node', 'column_name', 'test_metadata'] as const;
      expect(Object.fromEntries(fields.map((f) => [f, entry?.[f]]))).toEqual(Object.fromEntries(fields.map((f) => [f, ref[f]])));
      expect(existsSync(join(dir, ref.compiled_path)), ref.compiled_path).toBe(true);
    }
  });
});

/** A project declaring the reference tests on models of the same names, written from the fixture (arguments in dbt's order). */
function referenceProject(): Record<string, string> {
  const files: Record<string, string> = { 'dbt_project.yml': projectYml('jaffle_shop') };
  const byFile = new Map<string, Map<string, Map<string, string[]>>>();
  for (const ref of reference) {
    const model = ref.attached_node.split('.')[2] as string;
    const folder = ref.original_file_path.replace(/\/[^/]+$/, '');
    files[`${folder}/${model}.sql`] = `select 1 as ${[...new Set(reference.map((t) => t.column_name))].join(', 1 as ')}`;
    const models = byFile.get(ref.original_file_path) ?? new Map<string, Map<string, string[]>>();
    byFile.set(ref.original_file_path, models);
    const columns = models.get(model) ?? new Map<string, string[]>();
    models.set(model, columns);
    const { column_name: _c, model: _m, ...args } = ref.test_metadata.kwargs;
    const entry = Object.keys(args).length ? `${ref.test_metadata.name}: ${JSON.stringify(args)}` : ref.test_metadata.name;
    columns.set(ref.column_name, [...(columns.get(ref.column_name) ?? []), entry]);
  }
  for (const [file, models] of byFile) {
    const lines = ['version: 2', 'models:'];
    for (const [model, columns] of models) {
      lines.push(`  - name: ${model}`, '    columns:');
      for (const [column, tests] of columns)
        lines.push(`      - name: ${column}`, '        data_tests:', ...tests.map((t) => `          - ${t}`));
    }
    files[file] = lines.join('\n') + '\n';
  }
  return files;
}

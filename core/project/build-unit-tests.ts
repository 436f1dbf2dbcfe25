import { z } from 'zod';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { finalizeConfig, nodeConfigSchema } from './node-config.js';
import type { ProjectNode, UnitTestInfo, UnitTestRows } from './types.js';
import { fixtureFiles, seedRows, unitTestRows, type FixtureFolders } from './unit-test-rows.js';
import { validateYaml, type YamlFile } from './yaml-file.js';

const rowsSchema = z.union([z.array(z.record(z.string(), z.unknown())), z.string()]);

/** A `unit_tests:` entry (dbt's shape). */
export const unitTestSchema = z.strictObject({
  name: z.string(),
  model: z.string(),
  description: z.string().optional(),
  given: z
    .array(
      z.strictObject({
        input: z.string(),
        rows: rowsSchema.optional(),
        format: z.enum(['dict', 'csv', 'sql']).optional(),
        fixture: z.string().optional(),
      }),
    )
    .default([]),
  expect: z.strictObject({
    rows: rowsSchema.optional(),
    format: z.enum(['dict', 'csv', 'sql']).optional(),
    fixture: z.string().optional(),
  }),
  overrides: z
    .strictObject({
      vars: z.record(z.string(), z.unknown()).optional(),
      macros: z.record(z.string(), z.unknown()).optional(),
      env_vars: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  config: nodeConfigSchema.optional(),
  versions: z.unknown().optional(),
});

/** A unit test entry with where it was written. */
export interface UnitTestEntry {
  yaml: YamlFile;
  index: number;
  value: unknown;
}

/** Turns `unit_tests:` entries into nodes attached to the models they test; `fixture:` files are read from `fixtures`. */
export function buildUnitTests(
  entries: readonly UnitTestEntry[],
  models: ReadonlyMap<string, ProjectNode>,
  packageName: string,
  fixtures: FixtureFolders,
): { nodes: ProjectNode[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const files = fixtureFiles(fixtures);
  const nodes: ProjectNode[] = [];
  const byName = new Map([...models.values()].filter((n) => n.resourceType === 'model').map((n) => [n.name, n]));
  const seeds = new Map([...models.values()].filter((n) => n.resourceType === 'seed').map((n) => [n.name, n]));
  const refable = new Set(
    [...models.values()]
      .filter((n) => n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot')
      .map((n) => n.name),
  );
  for (const { yaml, index, value } of entries) {
    const path = ['unit_tests', index];
    const checked = validateYaml(yaml, unitTestSchema, value, path, 'unit test');
    diagnostics.push(...checked.diagnostics);
    const test = checked.data;
    if (!test) continue;
    const at = yaml.locate(path);
    const model = byName.get(test.model);
    if (!model) {
      diagnostics.push(
        diagnostic(
          'invalid-unit-test',
          `Unit test '${test.name}' is for model '${test.model}', which does not exist.${didYouMean(test.model, byName.keys())}`,
          at,
        ),
      );
      continue;
    }
    const given = new Map<string, UnitTestRows>();
    test.given.forEach((g, i) => {
      const key = inputKey(g.input);
      if (!key) {
        diagnostics.push(
          diagnostic(
            'invalid-unit-test',
            `Unit test '${test.name}': input '${g.input}' must be ref('model'), source('source', 'table') or this.`,
            yaml.locate([...path, 'given', i, 'input']),
          ),
        );
        return;
      }
      // As in dbt, an input must be something the project has, not only something the model could ref.
      const refName = key.startsWith('ref:') ? key.slice(4) : undefined;
      if (refName !== undefined && !refable.has(refName)) {
        diagnostics.push(
          diagnostic(
            'invalid-unit-test',
            `Unit test '${test.name}': input ${g.input} names no model, seed or snapshot.${didYouMean(refName, refable)}`,
            yaml.locate([...path, 'given', i, 'input']),
          ),
        );
        return;
      }
      if (g.rows === undefined && g.fixture === undefined) {
        // dbt reads a seed's own rows when its input gives none; any other input needs rows.
        const seed = key.startsWith('ref:') ? seeds.get(key.slice(4)) : undefined;
        if (seed) given.set(key, seedRows(seed, test.name, diagnostics));
        else
          diagnostics.push(
            diagnostic(
              'invalid-unit-test',
              `Unit test '${test.name}': input ${g.input} gives neither 'rows' nor 'fixture', and only a seed's rows can be left out. Add rows (rows: [] for none) or a fixture.`,
              yaml.locate([...path, 'given', i]),
            ),
          );
        return;
      }
      given.set(
        key,
        unitTestRows(
          g,
          test.name,
          yaml.locate([...path, 'given', i, ...(g.fixture === undefined ? [] : ['fixture'])]),
          files,
          fixtures.testPaths,
          diagnostics,
        ),
      );
    });
    const expectAt = yaml.locate([...path, 'expect', ...(test.expect.fixture === undefined ? [] : ['fixture'])]);
    const info: UnitTestInfo = {
      model: model.uniqueId,
      given,
      expect: unitTestRows(test.expect, test.name, expectAt, files, fixtures.testPaths, diagnostics),
      vars: test.overrides?.vars ?? {},
      macros: test.overrides?.macros ?? {},
    };
    const config = finalizeConfig(test.config ?? {}, 'unit');
    config.materialized = 'unit';
    nodes.push({
      uniqueId: `unit_test.${packageName}.${model.name}.${test.name}`,
      resourceType: 'unit_test',
      name: test.name,
      packageName,
      originalFilePath: yaml.file,
      absolutePath: yaml.file,
      path: `${test.name}.sql`,
      fqn: [packageName, ...yaml.file.split('/').slice(1, -1), model.name, test.name],
      rawCode: '',
      config,
      description: test.description ?? '',
      columns: {},
      tests: [],
      refs: [],
      sources: [],
      macros: [],
      relation: model.relation,
      unitTest: info,
    });
  }
  return { nodes, diagnostics };
}

/** `ref('x')` → `ref:x`, `source('s', 't')` → `source:s.t`, `this` → `this`. */
export function inputKey(input: string): string | undefined {
  const text = input.trim();
  if (text === 'this') return 'this';
  const ref = /^ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)$/.exec(text);
  if (ref) return `ref:${ref[2] ?? ref[1]}`;
  const source = /^source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)$/.exec(text);
  return source ? `source:${source[1]}.${source[2]}` : undefined;
}

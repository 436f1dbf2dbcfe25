import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../core/graph/build-graph.js';
import { readMacroSignature } from '../../../core/template/macro-signature.js';
import { load, userErrors } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

/** Load errors of a project with model `a` and these files. */
const errorsOf = (files: Record<string, string>) =>
  userErrors(() => load(writeProject({ 'dbt_project.yml': projectYml('p'), 'models/a.sql': 'select 1 as x', ...files })));
const columnTests = (tests: string) => ({
  'models/schema.yml': `version: 2\nmodels:\n  - name: a\n    columns:\n      - name: x\n        data_tests:\n${tests}`,
});

describe('readMacroSignature', () => {
  it('reads parameters and their defaults, with commas and brackets inside defaults', () => {
    const text =
      "{% macro m(a, b='x, y', c=f(1, [2, 3]), d={'k': ')'}) %}body{% endmacro %}\n{% test t(model, column_name, n) %}select {{ n }}{% endtest %}";
    expect(readMacroSignature(text, 'm')?.parameters).toEqual([
      { name: 'a', hasDefault: false },
      { name: 'b', hasDefault: true },
      { name: 'c', hasDefault: true },
      { name: 'd', hasDefault: true },
    ]);
    expect(readMacroSignature(text, 'test_t')).toEqual({
      parameters: [
        { name: 'model', hasDefault: false },
        { name: 'column_name', hasDefault: false },
        { name: 'n', hasDefault: false },
      ],
      body: ') %}select {{ n }}',
    });
    expect(readMacroSignature(text, 'nope')).toBeUndefined();
  });
});

describe('generic test declarations', () => {
  it('names an argument a test macro has no default for, at the test entry', () => {
    const [error, ...rest] = errorsOf({
      ...columnTests('          - at_least:\n              severity: warn\n'),
      'tests/generic/at_least.sql': '{% test at_least(model, column_name, n, strict=false) %}select 1{% endtest %}',
    });
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ code: 'invalid-test', at: { file: 'models/schema.yml', line: 7 } });
    expect(error?.message).toContain("needs the argument 'n'");
  });

  it('accepts a missing argument the macro checks with `is defined`, and one given under arguments:', () => {
    const project = load(
      writeProject({
        'dbt_project.yml': projectYml('p'),
        'models/a.sql': 'select 1 as x',
        ...columnTests('          - maybe\n          - at_least:\n              arguments: {n: 1}\n'),
        'tests/generic/t.sql':
          '{% test maybe(model, column_name, n) %}select {{ n if n is defined else 0 }}{% endtest %}\n{% test at_least(model, column_name, n) %}select 1{% endtest %}',
      }),
    );
    expect([...project.nodes.values()].filter((n) => n.resourceType === 'test')).toHaveLength(2);
  });

  it('suggests the closest generic test for an unknown one, and says column_name is missing on a model-level test', () => {
    const [unknown] = errorsOf(columnTests('          - uniqe\n'));
    expect(unknown).toMatchObject({ code: 'invalid-test', at: { line: 7 } });
    expect(unknown?.message).toContain("Did you mean 'unique'?");
    const [modelLevel] = errorsOf({ 'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    data_tests:\n      - not_null\n' });
    expect(modelLevel?.message).toContain("'column_name'");
    expect(modelLevel?.message).toContain('Declare it under a column');
  });

  it("points a test's unknown ref at the argument it is written in", () => {
    const project = load(
      writeProject({
        'dbt_project.yml': projectYml('p'),
        'models/a.sql': 'select 1 as x',
        ...columnTests(
          "          - relationships:\n              arguments:\n                field: id\n                to: ref('nope')\n",
        ),
      }),
    );
    const [error] = userErrors(() => buildGraph(project));
    expect(error).toMatchObject({ code: 'unknown-ref', at: { file: 'models/schema.yml', line: 10 } });
  });
});

describe('references checked at load', () => {
  it("checks an exposure's depends_on against models, seeds, snapshots and sources", () => {
    const exposure = (dependsOn: string) => ({
      'models/schema.yml': `version: 2\nsources:\n  - name: s\n    tables: [{name: t}]\nexposures:\n  - name: dash\n    type: dashboard\n    owner: {email: a@example.com}\n    depends_on:\n${dependsOn}`,
    });
    expect(
      load(
        writeProject({
          'dbt_project.yml': projectYml('p'),
          'models/a.sql': 'select 1 as x',
          ...exposure("      - ref('a')\n      - source('s', 't')\n"),
        }),
      ).nodes.size,
    ).toBe(1);
    const errors = errorsOf(exposure("      - ref('b')\n      - source('s', 'u')\n"));
    expect(errors.map((e) => [e.code, e.at?.line])).toEqual([
      ['unknown-ref', 10],
      ['unknown-source', 11],
    ]);
  });

  it('rejects two resources built as the same relation, not the same name in two schemas', () => {
    const [error] = errorsOf({ 'seeds/a.csv': 'x\n1\n' });
    expect(error).toMatchObject({ code: 'duplicate-node', at: { file: 'seeds/a.csv' } });
    expect(error?.message).toContain('model.p.a (models/a.sql)');
    const apart = load(
      writeProject({
        'dbt_project.yml': projectYml('p', 'seeds:\n  +schema: raw\n'),
        'models/a.sql': 'select 1 as x',
        'seeds/a.csv': 'x\n1\n',
      }),
    );
    expect(apart.nodes.size).toBe(2);
  });

  it('rejects config() with a positional argument that is not one dict', () => {
    const [error] = errorsOf({ 'models/a.sql': "{{ config('table') }}\nselect 1 as x" });
    expect(error).toMatchObject({ code: 'invalid-config', at: { file: 'models/a.sql', line: 1 } });
    expect(
      load(
        writeProject({ 'dbt_project.yml': projectYml('p'), 'models/a.sql': "{{ config({'materialized': 'table'}) }}\nselect 1 as x" }),
      ).nodes.get('model.p.a')?.config.materialized,
    ).toBe('table');
  });
});

import { describe, expect, it } from 'vitest';
import { load, userErrors } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

describe('parse pass', () => {
  it('records ref, source and config calls without a database', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/src.yml': 'sources:\n  - name: erp\n    tables: [{name: sales}]\n',
      'models/a.sql': 'select 1 as id',
      'models/b.sql':
        "{{ config(materialized='table', unique_key='id') }}\nselect *\nfrom {{ ref('a') }}\njoin {{ source('erp', 'sales') }} using (id)\n{% if is_incremental() %}where false{% endif %}",
      'models/c.sql': "select * from {{ ref('p', 'b') }} where x = {{ ref('a', v=2).identifier | length }}",
    });
    const project = load(dir);
    const b = project.nodes.get('model.p.b');
    expect(b?.refs).toEqual([{ name: 'a', at: { file: 'models/b.sql', line: 3, column: 9 } }]);
    expect(b?.sources.map((s) => [s.source, s.table, s.at.line])).toEqual([['erp', 'sales', 4]]);
    expect(b?.config).toMatchObject({ materialized: 'table', unique_key: 'id' });
    const c = project.nodes.get('model.p.c');
    expect(c?.refs.map((r) => ({ package: r.package, name: r.name, version: r.version }))).toEqual([
      { package: 'p', name: 'b', version: undefined },
      { package: undefined, name: 'a', version: 2 },
    ]);
  });

  it("calls project macros from models, and macros see the model's ref()", () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'macros/util.sql': '{% macro upstream(name) %}{{ ref(name) }}{% endmacro %}\n{% macro cents(col) %}({{ col }} * 100){% endmacro %}',
      'models/a.sql': 'select 1 as x',
      'models/b.sql': "select {{ cents('x') }} as y from {{ upstream('a') }}",
    });
    expect(
      load(dir)
        .nodes.get('model.p.b')
        ?.refs.map((r) => r.name),
    ).toEqual(['a']);
  });

  it('resolves var() with --vars and defaults, and reports a missing var at its line', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p', 'vars:\n  x: from_project\n'),
      'models/a.sql': "select '{{ var('x') }}', '{{ var('y', 'dflt') }}'\n-- {{ var('z') }}",
    });
    const [error] = userErrors(() => load(dir));
    expect(error?.code).toBe('missing-var');
    expect(error?.message).toContain("Required var 'z'");
    expect(error?.at).toMatchObject({ file: 'models/a.sql', line: 2 });
  });

  it('reports template syntax errors with file, line and column', () => {
    const dir = writeProject({ 'dbt_project.yml': projectYml('p'), 'models/a.sql': "select 1\nfrom {{ ref('x' }}" });
    const [error] = userErrors(() => load(dir));
    expect(error).toMatchObject({ code: 'template-syntax', at: { file: 'models/a.sql', line: 2 } });
  });

  it('reports duplicate macro and model names', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'macros/a.sql': '{% macro m() %}1{% endmacro %}',
      'macros/b.sql': '\n{% macro m() %}2{% endmacro %}',
      'models/one/x.sql': 'select 1',
      'models/two/x.sql': 'select 2',
    });
    expect(userErrors(() => load(dir)).map((d) => [d.code, d.at?.file, d.at?.line])).toEqual([
      ['duplicate-macro', 'macros/b.sql', 2],
      ['duplicate-node', 'models/two/x.sql', 1],
    ]);
  });
});

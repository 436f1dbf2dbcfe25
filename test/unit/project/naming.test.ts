import { describe, expect, it } from 'vitest';
import { duckdbAdapter } from '../../../adapters/duckdb/duckdb-adapter.js';
import { Compiler } from '../../../core/compile/compiler.js';
import { buildGraph } from '../../../core/graph/build-graph.js';
import { load, userErrors } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

const files = {
  'dbt_project.yml': projectYml('p'),
  'seeds/countries.csv': 'code\nde\n',
  'models/plain.sql': 'select 1 as x',
  'models/custom.sql': "{{ config(schema='marketing') }}select * from {{ ref('plain') }}, {{ ref('countries') }}",
};

describe('naming macros', () => {
  it("use the project's generate_schema_name and generate_alias_name, calling dbt's defaults where they do", () => {
    const dir = writeProject({
      ...files,
      'macros/naming.sql': `
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {%- if node.resource_type == 'seed' -%}seed_{{ node.name }}{%- else -%}{{ default__generate_alias_name(custom_alias_name, node) }}{%- endif -%}
{%- endmacro %}`,
    });
    const project = load(dir);
    const relation = (id: string) => project.nodes.get(id)?.relation;
    expect(relation('model.p.custom')).toMatchObject({ schema: 'marketing', identifier: 'custom' });
    expect(relation('model.p.plain')).toMatchObject({ schema: 'main', identifier: 'plain' });
    expect(relation('seed.p.countries')).toMatchObject({ schema: 'main', identifier: 'seed_countries' });
    const compiled = new Compiler(project, buildGraph(project), duckdbAdapter.dialect).compile('model.p.custom').compiledSql;
    expect(compiled).toContain('"strata"."main"."plain", "strata"."main"."seed_countries"');
  });

  it("give dbt's default names without an override (target schema, then _custom)", () => {
    const project = load(writeProject(files));
    expect(project.nodes.get('model.p.custom')?.relation).toMatchObject({ schema: 'main_marketing', identifier: 'custom' });
  });

  it('report an error in an override at its file', () => {
    const dir = writeProject({
      ...files,
      'macros/naming.sql':
        "{% macro generate_schema_name(custom_schema_name, node) %}{{ exceptions.raise_compiler_error('no schema for ' ~ node.name) }}{% endmacro %}",
    });
    expect(userErrors(() => load(dir))[0]).toMatchObject({
      message: expect.stringContaining('no schema for '),
      at: { file: 'macros/naming.sql' },
    });
  });
});

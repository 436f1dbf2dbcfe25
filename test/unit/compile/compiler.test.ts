import { describe, expect, it } from 'vitest';
import { duckdbAdapter } from '../../../adapters/duckdb/duckdb-adapter.js';
import { Compiler } from '../../../core/compile/compiler.js';
import { injectCtes } from '../../../core/compile/inject-ctes.js';
import { buildGraph } from '../../../core/graph/build-graph.js';
import { load, userErrors } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

function compilerFor(files: Record<string, string>) {
  const project = load(writeProject({ 'dbt_project.yml': projectYml('p'), ...files }));
  return new Compiler(project, buildGraph(project), duckdbAdapter.dialect);
}

describe('compile pass', () => {
  it('renders ref, source and this as quoted relations', () => {
    const compiler = compilerFor({
      'models/src.yml': 'sources:\n  - name: erp\n    schema: raw\n    tables: [{name: sales, identifier: SALES}]\n',
      'models/a.sql': "{{ config(schema='stg', alias='a_alias') }}select 1 as x",
      'models/b.sql': "select * from {{ ref('a') }}, {{ source('erp', 'sales') }} -- {{ this }} {{ this.schema }}.{{ this.name }}",
    });
    expect(compiler.compile('model.p.b').compiledSql).toBe(
      'select * from "strata"."main_stg"."a_alias", "strata"."raw"."SALES" -- "strata"."main"."b" main.b',
    );
  });

  it('inlines ephemeral models as CTEs, recursively and once each', () => {
    const compiler = compilerFor({
      'models/base.sql': "{{ config(materialized='ephemeral') }}select 1 as id",
      'models/left_side.sql': "{{ config(materialized='ephemeral') }}select * from {{ ref('base') }}",
      'models/right_side.sql': "{{ config(materialized='ephemeral') }}select * from {{ ref('base') }}",
      'models/final.sql': "select * from {{ ref('left_side') }} join {{ ref('right_side') }} using (id)",
    });
    expect(compiler.compile('model.p.final').compiledSql).toBe(
      [
        'with "__dbt__cte__base" as (\nselect 1 as id\n),',
        '"__dbt__cte__left_side" as (\nselect * from "__dbt__cte__base"\n),',
        '"__dbt__cte__right_side" as (\nselect * from "__dbt__cte__base"\n)',
        'select * from "__dbt__cte__left_side" join "__dbt__cte__right_side" using (id)',
      ].join('\n'),
    );
  });

  it('joins an existing WITH list instead of adding a second one', () => {
    expect(injectCtes('-- note\nWITH x as (select 1) select * from x', [{ name: 'e', sql: 'select 2' }])).toBe(
      '-- note\nWITH e as (\nselect 2\n),\nx as (select 1) select * from x',
    );
    expect(injectCtes('with recursive r as (select 1) select * from r', [{ name: 'e', sql: 'select 2' }])).toBe(
      'with recursive e as (\nselect 2\n),\nr as (select 1) select * from r',
    );
  });

  it('answers is_incremental() and config.get() from the node', () => {
    const compiler = compilerFor({
      'models/a.sql':
        "{{ config(materialized='table') }}select '{{ config.get('materialized') }}'{% if is_incremental() %} where new{% endif %}",
    });
    expect(compiler.compile('model.p.a', { isIncremental: true }).compiledSql).toBe("select 'table' where new");
    expect(compiler.compile('model.p.a').compiledSql).toBe("select 'table'");
  });

  it('reports a ref that only appears in the compile pass', () => {
    const compiler = compilerFor({
      'models/a.sql': 'select 1 as x',
      'models/b.sql': "select 1\n{% if execute %}{{ ref('a') }}{% endif %}",
    });
    const [error] = userErrors(() => compiler.compile('model.p.b'));
    expect(error?.code).toBe('unknown-ref');
    expect(error?.message).toContain('depends_on');
    expect(error?.at).toMatchObject({ file: 'models/b.sql', line: 2 });
  });
});

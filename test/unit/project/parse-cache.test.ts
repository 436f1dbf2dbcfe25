import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../core/graph/build-graph.js';
import { Compiler } from '../../../core/compile/compiler.js';
import { duckdbAdapter } from '../../../adapters/duckdb/duckdb-adapter.js';
import { EMPTY_HOME, load } from '../../helpers/load.js';
import { projectYml, writeFiles, writeProject } from '../../helpers/temp-project.js';

/** Compiled SQL of every model, and the cache's hit/miss counts, for one load. */
function compileAll(dir: string, env: NodeJS.ProcessEnv = { HOME: EMPTY_HOME }, vars: Record<string, unknown> = {}) {
  const project = load(dir, { env, vars });
  const dag = buildGraph(project);
  const compiler = new Compiler(project, dag, duckdbAdapter.dialect, { env });
  const sql = Object.fromEntries(
    dag.order.filter((id) => id.startsWith('model.')).map((id) => [id.split('.')[2], compiler.compile(id).compiledSql]),
  );
  const configs = Object.fromEntries([...project.nodes.values()].map((n) => [n.name, n.config.materialized]));
  return { sql, configs, cache: project.parseCache };
}

describe('parse cache', () => {
  const files = {
    'dbt_project.yml': projectYml('p', 'vars:\n  kind: view\n'),
    'macros/pick.sql': "{% macro pick() %}{{ ref('a') }}{% endmacro %}",
    'models/a.sql': 'select 1 as x',
    'models/b.sql': 'select 2 as x',
    'models/c.sql': "{{ config(materialized=var('kind')) }}select * from {{ pick() }}",
    'models/d.sql': "select '{{ env_var('REGION', 'eu') }}' as region, * from {{ ref('b') }}",
    'models/props.yml': 'models:\n  - name: a\n    columns:\n      - name: x\n        data_tests: [unique]\n',
  };

  it('reuses every unchanged file, and the results are the same as without the cache', () => {
    const dir = writeProject(files);
    const first = compileAll(dir);
    expect(first.cache).toEqual({ hits: 0, misses: 5 });
    const second = compileAll(dir);
    expect(second.cache).toEqual({ hits: 5, misses: 0 });
    expect(second.sql).toEqual(first.sql);
    expect(second.configs).toEqual(first.configs);
  });

  it('re-parses an edited file, and only that file', () => {
    const dir = writeProject(files);
    compileAll(dir);
    writeFiles(dir, { 'models/b.sql': "select * from {{ ref('a') }}" });
    const after = compileAll(dir);
    expect(after.cache).toEqual({ hits: 4, misses: 1 });
    expect(after.sql.b).toBe('select * from "strata"."main"."a"');
    expect(after.sql.d).toBe(`select 'eu' as region, * from "strata"."main"."b"`);
  });

  it('is discarded when a macro changes, so new dependencies are found', () => {
    const dir = writeProject(files);
    compileAll(dir);
    writeFiles(dir, { 'macros/pick.sql': "{% macro pick() %}{{ ref('b') }}{% endmacro %}" });
    const after = compileAll(dir);
    expect(after.cache.hits).toBe(0);
    expect(after.sql.c).toBe('select * from "strata"."main"."b"');
    const project = load(dir);
    expect(buildGraph(project).graph.predecessors('model.p.c')).toEqual(['model.p.b']);
  });

  it('is discarded when vars or the target change', () => {
    const dir = writeProject(files);
    compileAll(dir);
    const withVar = compileAll(dir, { HOME: EMPTY_HOME }, { kind: 'table' });
    expect(withVar.cache.hits).toBe(0);
    expect(withVar.configs.c).toBe('table');
    writeFiles(dir, { 'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: other.duckdb, schema: analytics}\n' });
    expect(compileAll(dir).cache.hits).toBe(0);
  });

  it('re-parses a file whose env var changed', () => {
    const dir = writeProject(files);
    compileAll(dir);
    const after = compileAll(dir, { HOME: EMPTY_HOME, REGION: 'us' });
    expect(after.cache).toEqual({ hits: 4, misses: 1 });
    expect(after.sql.d).toBe(`select 'us' as region, * from "strata"."main"."b"`);
  });

  it('keeps parsed properties files too: an unchanged one gives the same nodes and the same problem locations, an edited one is read again', () => {
    const dir = writeProject({
      ...files,
      'models/props.yml': 'models:\n  - name: a\n    description: first\n  - name: ghost\n    description: nobody\n',
    });
    const described = () => {
      const project = load(dir);
      const ghost = project.warnings.find((w) => w.code === 'properties-unknown-node');
      return { description: project.nodes.get('model.p.a')?.description, at: ghost?.at ? { ...ghost.at } : undefined };
    };
    const first = described();
    expect(first).toEqual({ description: 'first', at: { file: 'models/props.yml', line: 4, column: 5 } });
    expect(JSON.parse(readFileSync(join(dir, 'target/partial_parse.json'), 'utf8')).yaml['models/props.yml']).toBeDefined();
    expect(described()).toEqual(first);
    writeFiles(dir, { 'models/props.yml': 'models:\n  - name: a\n    description: second\n\n  - name: ghost\n' });
    expect(described()).toEqual({ description: 'second', at: { file: 'models/props.yml', line: 5, column: 5 } });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

const files = {
  'dbt_project.yml': projectYml('ops'),
  'models/orders.sql': 'select 1 as id union all select 2 as id',
  'macros/make_table.sql': `{% macro make_table(name, rows=3) %}
  {{ log('making ' ~ name ~ ' with ' ~ rows ~ ' rows', info=True) }}
  {% do run_query('create schema if not exists ' ~ target.schema) %}
  {% do run_query('drop table if exists ' ~ target.schema ~ '.' ~ name) %}
  {% call statement('make', fetch_result=False) %}
    create table {{ target.schema }}.{{ name }} as select n from (values {% for i in range(rows) %}({{ i + 1 }}){{ ',' if not loop.last }}{% endfor %}) as t(n)
  {% endcall %}
  {% set counted = run_query('select count(*) as n from ' ~ target.schema ~ '.' ~ name) %}
  {{ log('counted ' ~ counted.columns[0].values()[0], info=True) }}
  {{ log('not shown without info') }}
  {{ return(counted) }}
{% endmacro %}`,
  'macros/copy_orders.sql': `{% macro copy_orders() %}
  {% do run_query('create table ' ~ target.schema ~ '.orders_copy as select * from ' ~ ref('orders')) %}
  {{ log('copied ' ~ ref('orders').identifier, info=True) }}
  {{ log('models: ' ~ (graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | map(attribute='name') | list), info=True) }}
{% endmacro %}`,
  'macros/fail_after_write.sql': `{% macro fail_after_write() %}
  {% do run_query('create schema if not exists ' ~ target.schema) %}
  {% do run_query('create table ' ~ target.schema ~ '.half_done as select 1 as x') %}
  {{ exceptions.raise_compiler_error('refusing: the table is not empty') }}
{% endmacro %}`,
};

const env = { HOME: EMPTY_HOME };

/** Printed lines without the time each may start with. */
const logLines = (out: string) => out.split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d\s+/, ''));

for (const target of TEST_TARGETS) {
  describe(`run-operation on ${target.name}`, () => {
    it('calls the macro with --args as keyword arguments: its table is in the database, its info logs printed, once each', async () => {
      const dir = writeProject(files);
      const schema = await target.writeProfile(dir, 'ops', { threads: 1 });
      const result = await cli(['run-operation', 'make_table', '--project-dir', dir, '--args', '{name: made, rows: 4}'], env);
      expect(result.code, result.err).toBe(0);
      expect(logLines(result.out).filter((l) => l.includes('making') || l.includes('counted'))).toEqual([
        'making made with 4 rows',
        'counted 4',
      ]);
      expect(result.out).not.toContain('not shown without info');
      // The returned value is not printed (as dbt).
      expect(result.out).not.toContain('Table');
      expect(await target.query(dir, `select count(*) as n from ${schema}.made`)).toEqual([{ n: '4' }]);
      const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as {
        results: { unique_id: string; status: string }[];
        args: { which: string };
      };
      expect(runResults.results.map((r) => [r.unique_id, r.status])).toEqual([['macro.ops.make_table', 'success']]);
      expect(runResults.args.which).toBe('run-operation');
    });

    it('reaches ref(), graph and the package.macro spelling', async () => {
      const dir = writeProject(files);
      const schema = await target.writeProfile(dir, 'ops', { threads: 1 });
      expect((await cli(['run', '--project-dir', dir, '--threads', '1'], env)).code).toBe(0);
      const result = await cli(['run-operation', 'ops.copy_orders', '--project-dir', dir], env);
      expect(result.code, result.err).toBe(0);
      expect(result.out).toContain('copied orders');
      expect(result.out).toContain("models: ['orders']");
      expect(await target.query(dir, `select count(*) as n from ${schema}.orders_copy`)).toEqual([{ n: '2' }]);
    });

    it("fails with the macro's raised message and exit 1, recorded in run_results.json", async () => {
      const dir = writeProject(files);
      await target.writeProfile(dir, 'ops', { threads: 1 });
      const result = await cli(['run-operation', 'fail_after_write', '--project-dir', dir], env);
      expect(result.code).toBe(1);
      expect(result.err).toContain('refusing: the table is not empty');
      expect(result.err).toContain('Encountered an error while running operation fail_after_write');
      const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as {
        results: { unique_id: string; status: string; message: string }[];
      };
      expect(runResults.results[0]).toMatchObject({ unique_id: 'macro.ops.fail_after_write', status: 'error' });
      expect(runResults.results[0]?.message).toContain('refusing');
    });
  });
}

describe('run-operation with packages', () => {
  it("calls an installed package's macro as package.macro, or by its name alone", async () => {
    const dir = writeProject({
      ...files,
      'strata_packages/helpers/dbt_project.yml': 'name: helpers\n',
      'strata_packages/helpers/macros/greet.sql':
        "{% macro greet(who='world') %}{{ log('hello ' ~ who ~ ' from helpers', info=True) }}{% endmacro %}",
    });
    const qualified = await cli(['run-operation', 'helpers.greet', '--project-dir', dir, '--args', '{who: ann}'], env);
    expect(qualified.code, qualified.err).toBe(0);
    expect(logLines(qualified.out)).toContain('hello ann from helpers');
    const plain = await cli(['run-operation', 'greet', '--project-dir', dir], env);
    expect(plain.code, plain.err).toBe(0);
    expect(logLines(plain.out)).toContain('hello world from helpers');
    const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string }[] };
    expect(runResults.results[0]?.unique_id).toBe('macro.helpers.greet');
    const wrong = await cli(['run-operation', 'helpers.gret', '--project-dir', dir], env);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain("Did you mean 'helpers.greet'?");
  });
});

describe('run-operation errors', () => {
  it('names a missing macro with the closest one, exit 1', async () => {
    const dir = writeProject(files);
    const result = await cli(['run-operation', 'make_tabel', '--project-dir', dir], env);
    expect(result.code).toBe(1);
    expect(result.err).toContain("No macro named 'make_tabel'");
    expect(result.err).toContain("Did you mean 'make_table'?");
  });

  it('rejects --args that are not a mapping, exit 1', async () => {
    const dir = writeProject(files);
    const result = await cli(['run-operation', 'make_table', '--project-dir', dir, '--args', '[1, 2]'], env);
    expect(result.code).toBe(1);
    expect(result.err).toContain('--args must be a mapping');
  });

  it('passes --args values through intact: quotes, nulls, booleans, lists and mappings', async () => {
    const dir = writeProject({
      ...files,
      'macros/show_args.sql': `{% macro show_args(text, nested, flags=[]) %}
  {{ log('text=' ~ text ~ ' nested=' ~ nested ~ ' flags=' ~ flags ~ ' missing=' ~ (nested.missing is none), info=True) }}
{% endmacro %}`,
    });
    const result = await cli(
      [
        'run-operation',
        'show_args',
        '--project-dir',
        dir,
        '--args',
        String.raw`{text: 'it''s a \ test', nested: {n: 1, missing: null}, flags: [true, 'x']}`,
      ],
      env,
    );
    expect(result.code, result.err).toBe(0);
    expect(logLines(result.out)).toContain(String.raw`text=it's a \ test nested={'n': 1, 'missing': None} flags=[True, 'x'] missing=True`);
  });
});

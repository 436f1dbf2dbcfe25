import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { runProject } from '../../core/run/run-project.js';
import { StrataUserError } from '../../core/diagnostics/diagnostic.js';
import { onTemplateLog } from '../../core/template/invocation.js';
import { cli, messages } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

/**
 * dbt-style Jinja that real projects write, built on each database; each model's rows show the
 * feature worked. docs/compatibility.md lists these features; its test checks they are tested here.
 */
const files = {
  'dbt_project.yml': projectYml('p', 'vars:\n  countries: [de, fr, it]\n'),
  'macros/helpers.sql': `
{% macro cents_to_euros(column) %}({{ column }} / 100.0){% endmacro %}
{% macro first_word(text) %}{{ return(text.split(' ')[0]) }}{% endmacro %}
{% macro default__greeting() %}'hello'{% endmacro %}
{% macro duckdb__greeting() %}'hello duck'{% endmacro %}
{% macro postgres__greeting() %}'hello elephant'{% endmacro %}
{% macro wrap_select() %}select * from ({{ caller() }}) wrapped{% endmacro %}
{% macro failing() %}{{ exceptions.raise_compiler_error('failing() was called') }}{% endmacro %}
`,
  'seeds/payments.csv':
    'id,amount_cents,method,paid_at\n1,1050,card,2024-01-31 10:00:00\n2,2000,cash,2024-02-01 09:30:00\n3,300,card,2024-02-15 18:45:00\n',
  // Python string/list/dict methods, namespace(), {% do %}, loop.*, {% set %} blocks, tests.
  'models/python_methods.sql': `
{%- set ns = namespace(total=0, names=[]) -%}
{%- for c in var('countries') -%}
  {%- set ns.total = ns.total + loop.index -%}
  {%- do ns.names.append(c.upper()) -%}
{%- endfor -%}
{%- set mapping = {'a': 1, 'b': 2} -%}
{%- set captured %}  padded text  {% endset -%}
select
  '{{ ns.names | join("-") }}' as names,
  {{ ns.total }} as total,
  '{{ mapping.get("b") }}{{ mapping.get("z", "0") }}' as got,
  '{{ mapping.items() | list | length }}' as n_items,
  '{{ "a,b,c".split(",") | length }}' as n_parts,
  '{{ captured.strip().replace(" ", "_") }}' as stripped,
  '{{ "{}-{}".format("x", 1) }}' as formatted,
  '{{ "yes" if none is none and "s" is string and mapping is mapping else "no" }}' as tests,
  '{{ first_word("alpha beta") }}' as returned,
  '{{ [{"k": 1, "v": "x"}, {"k": 2, "v": "y"}] | selectattr("k", "equalto", 2) | map(attribute="v") | join }}' as selected,
  '{{ zip([1, 2], ["a", "b"]) | length }}{{ set([1, 1, 2]) | length }}{{ dict(a=3).a }}{{ list("ab") | length }}' as builtins,
  '{{ local_md5('x') }}' as md5
`,
  'models/modules_and_json.sql': `
{%- set parsed = fromjson('{"k": [1, 2, 3]}') -%}
{%- set yaml_value = fromyaml('a: 5') -%}
select
  '{{ modules.datetime.datetime(2024, 1, 31, 12, 30).strftime("%Y%m%d %H:%M") }}' as formatted_date,
  '{{ modules.datetime.date(2024, 3, 1).add(days=-1) }}' as day_before,
  '{{ modules.re.sub("[aeiou]", "", "strata") }}' as no_vowels,
  '{{ modules.re.match("([a-z]+)_([0-9]+)", "order_42").group(2) }}' as matched,
  {{ parsed.k | sum }} as json_sum,
  {{ yaml_value.a }} as yaml_a,
  '{{ tojson({"x": [1]}) }}' as as_json,
  '{{ toyaml({"a": 1}) | trim }}' as as_yaml,
  {{ 1 if invocation_id | length == 36 else 0 }} as has_invocation_id,
  {{ 1 if run_started_at.year >= 2024 else 0 }} as has_run_started_at,
  '{{ flags.WHICH }}' as which
`,
  'models/dispatched.sql': `
select
  {{ adapter.dispatch('greeting', 'p')() }} as greeting,
  {{ dbt.datediff("cast('2024-01-01' as date)", "cast('2024-03-15' as date)", 'day') }} as days_between,
  {{ dbt.date_trunc('month', "cast('2024-02-17' as date)") }} as month_start,
  {{ dbt.dateadd('day', 3, "cast('2024-01-30' as date)") }} as three_days_later,
  {{ dbt.split_part("'a-b-c'", "'-'", 2) }} as second_part,
  cast('x' as {{ dbt.type_string() }}) as typed_text,
  {{ dbt.concat(["'a'", "'b'"]) }} as concatenated,
  {{ dbt.safe_cast("'12'", dbt.type_int()) }} as cast_int,
  {{ dbt.hash("'x'") }} as hashed,
  {{ adapter.quote('id') }} as quoted
from {{ ref('payments') }}
where id = 1
`,
  'models/introspected.sql': `
{%- set methods = run_query("select distinct method from " ~ ref('payments') ~ " order by method") -%}
{%- call statement('biggest', fetch_result=True) -%}
  select max(amount_cents) as biggest from {{ ref('payments') }}
{%- endcall -%}
{%- set biggest = load_result('biggest')['data'][0][0] if execute else 0 -%}
{%- set relation = adapter.get_relation(database=this.database, schema=this.schema, identifier='payments') -%}
{%- set columns = adapter.get_columns_in_relation(relation) if relation else [] -%}
{%- set made = api.Relation.create(schema=this.schema, identifier='payments') -%}
{%- do log('introspected ' ~ methods.rows | length ~ ' methods', info=True) -%}
select
  '{{ methods.columns[0].values() | join(",") if execute else "" }}' as methods,
  {{ biggest }} as biggest,
  '{{ relation.identifier if relation else "none" }}' as found,
  '{{ columns | map(attribute="name") | join(",") }}' as column_names,
  '{{ made.identifier }}' as created,
  '{{ ref("payments").include(database=False, schema=False).render() }}|{{ this.include(database=False) }}|{{ this.incorporate(path={"identifier": "other"}).identifier }}' as relation_methods,
  {% for method in methods.columns[0].values() %}
  sum(case when method = '{{ method }}' then {{ cents_to_euros('amount_cents') }} else 0 end) as {{ method }}_euros{{ "," if not loop.last }}
  {% endfor %}
from {{ ref('payments') }}
`,
  'models/called.sql': `{% call wrap_select() %}select 7 as seven{% endcall %}`,
  'models/graph_reader.sql': `
{%- set models = [] -%}
{%- for node in graph.nodes.values() -%}{%- if node.resource_type == 'seed' -%}{%- do models.append(node.name) -%}{%- endif -%}{%- endfor -%}
select '{{ models | join(",") }}' as seeds, '{{ model.name }}' as me, '{{ model.config.materialized }}' as materialized
`,
};

for (const target of TEST_TARGETS) {
  describe(`dbt-style Jinja on ${target.name}`, () => {
    it('builds every model and each feature gives the expected rows', async () => {
      const dir = writeProject(files);
      const schema = await target.writeProfile(dir, 'p');
      const logged: string[] = [];
      onTemplateLog((m) => logged.push(m));
      try {
        const { summary } = await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, command: 'build' });
        expect(summary.results.filter((r) => r.status !== 'success').map((r) => `${r.uniqueId}: ${r.message}`)).toEqual([]);
      } finally {
        onTemplateLog(undefined);
      }
      const q = (sql: string) => target.query(dir, sql.replaceAll('{schema}', schema));
      expect(await q('select * from {schema}.python_methods')).toEqual([
        {
          names: 'DE-FR-IT',
          total: '6',
          got: '20',
          n_items: '2',
          n_parts: '3',
          stripped: 'padded_text',
          formatted: 'x-1',
          tests: 'yes',
          returned: 'alpha',
          selected: 'y',
          builtins: '2232',
          md5: '9dd4e461268c8034f5c8564e155c67a6',
        },
      ]);
      expect(await q('select * from {schema}.modules_and_json')).toEqual([
        {
          formatted_date: '20240131 12:30',
          day_before: '2024-02-29',
          no_vowels: 'strt',
          matched: '42',
          json_sum: '6',
          yaml_a: '5',
          as_json: '{"x": [1]}',
          as_yaml: 'a: 1',
          has_invocation_id: '1',
          has_run_started_at: '1',
          which: 'build',
        },
      ]);
      const [dispatched] = await q('select * from {schema}.dispatched');
      expect(dispatched).toMatchObject({
        greeting: target.name === 'duckdb' ? 'hello duck' : 'hello elephant',
        days_between: '74',
        concatenated: 'ab',
        cast_int: '12',
        hashed: '9dd4e461268c8034f5c8564e155c67a6',
        quoted: '1',
      });
      expect(String(dispatched?.month_start)).toMatch(/^2024-02-01/);
      expect(String(dispatched?.three_days_later)).toMatch(/^2024-02-02/);
      expect(dispatched).toMatchObject({ second_part: 'b', typed_text: 'x' });
      const [introspected] = await q('select * from {schema}.introspected');
      expect(introspected).toMatchObject({
        methods: 'card,cash',
        biggest: '2000',
        found: 'payments',
        column_names: 'id,amount_cents,method,paid_at',
        created: 'payments',
        relation_methods: `"payments"|"${schema}"."introspected"|other`,
      });
      expect([Number(introspected?.card_euros), Number(introspected?.cash_euros)]).toEqual([13.5, 20]);
      expect(logged).toContain('introspected 2 methods');
      expect(await q('select * from {schema}.called')).toEqual([{ seven: '7' }]);
      expect(await q('select * from {schema}.graph_reader')).toEqual([{ seeds: 'payments', me: 'graph_reader', materialized: 'view' }]);
      // `strata compile` connects when a template asks the database, and only then.
      const compiled = await cli(['compile', '--project-dir', dir, '-s', 'introspected'], { HOME: EMPTY_HOME });
      expect(compiled.code, compiled.err).toBe(0);
      expect(readFileSync(join(dir, 'target/compiled/p/models/introspected.sql'), 'utf8')).toContain("'card,cash' as methods");
    });
  });
}

describe('template errors', () => {
  it('name the model file, line and column, and the macros the error passed through', async () => {
    const dir = writeProject({ ...files, 'models/broken.sql': 'select 1 as a,\n  {{ failing() }} as b' });
    await TEST_TARGETS[0]?.writeProfile(dir, 'p');
    const failure = await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, select: ['broken'] }).catch(
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(StrataUserError);
    expect((failure as StrataUserError).diagnostics[0]).toMatchObject({
      message: 'failing() was called (in macro failing (macros/helpers.sql:8))',
      at: { file: 'models/broken.sql', line: 2, column: 6 },
    });
  });

  it('run loop filters as Jinja does: loop.last counts only the items kept', async () => {
    const dir = writeProject({
      ...files,
      'models/filtered.sql':
        'select 1 as x\n{% for n in [1, 2, 3] if n > 1 %}, {{ n }} as n{{ loop.index }}{% if loop.last %}, {{ loop.length }} as kept{% endif %}{% endfor %}',
    });
    await TEST_TARGETS[0]?.writeProfile(dir, 'p');
    const result = await cli(['compile', '--project-dir', dir, '-s', 'filtered'], { HOME: EMPTY_HOME });
    expect(result.code, result.err).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/p/models/filtered.sql'), 'utf8').trimEnd()).toBe(
      'select 1 as x\n, 2 as n1, 3 as n2, 2 as kept',
    );
  });

  it('show log(…, info=True) on the command line, once per compile', async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/chatty.sql': "{{ log('compiling ' ~ this.identifier, info=True) }}select 1 as x",
    });
    const result = await cli(['compile', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(result.code, result.err).toBe(0);
    expect(
      messages(result.out)
        .split('\n')
        .filter((l) => l === 'compiling chatty'),
    ).toHaveLength(1);
  });
});

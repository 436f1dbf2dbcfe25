import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { runProject } from '../../core/run/run-project.js';
import { TemplateEngine } from '../../core/template/engine.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

/**
 * dbt's global macros (cross-database SQL, materialization helpers), called unqualified and as
 * `dbt.…` from models built on each database; the rows show they give the same answers on both.
 */
const files = {
  'dbt_project.yml': projectYml('p'),
  'seeds/events.csv': 'id,grp,name,amount\n1,a,x,5\n2,a,y,20\n3,b,z,1\n',
  'models/strings_and_types.sql': `
select
  cast('7' as {{ type_int() }}) + cast('8' as {{ type_bigint() }}) as int_sum,
  cast('1.5' as {{ type_float() }}) as float_value,
  cast('1.25' as {{ type_numeric() }}) as numeric_value,
  cast(cast('2024-01-02 03:04:05' as {{ type_timestamp() }}) as {{ type_string() }}) as timestamp_text,
  cast('true' as {{ dbt.type_boolean() }}) as boolean_value,
  {{ safe_cast("'12'", type_int()) }} as safe_int,
  {{ dbt.cast("'13'", dbt.type_int()) }} as cast_int,
  {{ string_literal(escape_single_quotes("it's")) }} as escaped,
  {{ concat(["'a'", "'b'", "'c'"]) }} as concatenated,
  {{ hash("'x'") }} as hashed,
  {{ length("'abcd'") }} as len,
  {{ position("'c'", "'abcd'") }} as pos,
  {{ replace("'a-b'", "'-'", "'+'") }} as replaced,
  {{ right("'abcdef'", 2) }} as right_part,
  {{ split_part("'a-b-c'", "'-'", 2) }} as second_part,
  {{ dbt.split_part("'a-b-c'", "'-'", -1) }} as last_part,
  {{ cast_bool_to_text('(1 = 1)') }} as bool_text,
  case when {{ equals("'a'", "'a'") }} then 1 else 0 end as equal
`,
  'models/dates.sql': `
{%- set jan31, mar1 = "cast('2024-01-31' as date)", "cast('2024-03-01' as date)" -%}
{%- set from_ts, to_ts = "cast('2024-01-01 10:59:00' as timestamp)", "cast('2024-01-02 11:01:30' as timestamp)" -%}
select
  {{ datediff(jan31, mar1, 'day') }} as diff_day,
  {{ datediff(jan31, mar1, 'week') }} as diff_week,
  {{ dbt.datediff(mar1, jan31, 'week') }} as diff_week_back,
  {{ datediff(jan31, mar1, 'month') }} as diff_month,
  {{ datediff("cast('2023-12-31' as date)", mar1, 'quarter') }} as diff_quarter,
  {{ datediff("cast('2023-12-31' as date)", mar1, 'year') }} as diff_year,
  {{ datediff(from_ts, to_ts, 'hour') }} as diff_hour,
  {{ datediff(from_ts, to_ts, 'minute') }} as diff_minute,
  {{ datediff(from_ts, to_ts, 'second') }} as diff_second,
  cast(cast({{ dateadd('month', 1, jan31) }} as date) as {{ type_string() }}) as plus_month,
  cast(cast({{ date_trunc('month', "cast('2024-02-17' as date)") }} as date) as {{ type_string() }}) as month_start,
  cast({{ last_day("cast('2024-02-10' as date)", 'month') }} as {{ type_string() }}) as last_of_month,
  cast({{ dbt.last_day("cast('2024-02-10' as date)", 'quarter') }} as {{ type_string() }}) as last_of_quarter,
  cast({{ date(2024, 2, 29) }} as {{ type_string() }}) as leap_day,
  case when {{ current_timestamp() }} > {{ snapshot_string_as_time('2020-01-01 00:00:00') }} and {{ snapshot_get_time() }} is not null
    and {{ current_timestamp_backcompat() }} is not null and {{ current_timestamp_in_utc_backcompat() }} is not null then 1 else 0 end as has_now
`,
  'models/sets_and_arrays.sql': `
select 'except' as op, id from (select id from {{ ref('events') }} {{ except() }} select id from {{ ref('events') }} where grp = 'a') e
union all
select 'intersect' as op, id from (select id from {{ ref('events') }} {{ dbt.intersect() }} select id from {{ ref('events') }} where grp = 'b') i
`,
  'models/arrays.sql': `
select
  {{ array_construct(['1', '2']) }} as constructed,
  {{ array_append(array_construct(['1']), '2') }} as appended,
  {{ dbt.array_concat(array_construct(['1']), array_construct(['2', '3'])) }} as concatenated,
  {{ array_construct() }} as empty
`,
  'models/aggregates.sql': `
select
  grp,
  {{ listagg('name', "','", "order by name desc") }} as names_desc,
  {{ listagg('name', "'|'", "order by name", 1) }} as first_name,
  {{ dbt.listagg('name') }} as names,
  {{ any_value('grp') }} as any_grp,
  {{ bool_or('amount > 10') }} as has_big
from {{ ref('events') }}
group by grp
`,
  'models/series.sql': `
select count(*) as n, min(generated_number) as lo, max(generated_number) as hi from ({{ generate_series(10) }}) s
`,
  'models/spine.sql': `{{ date_spine('day', "cast('2024-02-27' as date)", "cast('2024-03-02' as date)") }}`,
  'models/helpers_default.sql': `
{%- set missing = load_relation(api.Relation.create(schema=this.schema, identifier='no_such_table')) -%}
{%- set existing = load_cached_relation(ref('events')) -%}
{%- set temp = make_temp_relation(this) -%}
select
  '{{ should_full_refresh() }}' as full_refresh,
  '{{ should_store_failures() }}' as store_failures,
  '{{ missing is none }}' as missing_is_none,
  '{{ existing.identifier if existing else "none" }}' as existing_name,
  '{{ should_revoke(none) }}{{ should_revoke(existing, full_refresh_mode=false) }}{{ should_revoke(existing) }}' as revoke,
  '{{ temp.identifier.startswith("helpers_default__dbt_tmp") and temp.schema is none }}' as temp_ok,
  '{{ make_intermediate_relation(this).identifier }}' as intermediate,
  '{{ make_backup_relation(this, "view").identifier }}/{{ make_backup_relation(this, "view").type }}' as backup,
  '{{ get_columns_in_query("select 1 as a, 2 as b") | join(",") }}' as query_columns
`,
  'models/helpers_configured.sql': `
{{ config(full_refresh=false, store_failures=true) }}
select '{{ should_full_refresh() }}' as full_refresh, '{{ dbt.should_store_failures() }}' as store_failures
`,
};

for (const target of TEST_TARGETS) {
  describe(`dbt's global macros on ${target.name}`, () => {
    it('build, unqualified and as dbt.…, and give the same rows on every database', async () => {
      const dir = writeProject(files);
      const schema = await target.writeProfile(dir, 'p');
      const { summary } = await runProject({
        projectDir: dir,
        adapters: BUILTIN_ADAPTERS,
        env: { HOME: EMPTY_HOME },
        command: 'build',
        fullRefresh: true,
      });
      expect(summary.results.filter((r) => r.status !== 'success').map((r) => `${r.uniqueId}: ${r.message}`)).toEqual([]);
      const q = (sql: string) => target.query(dir, sql.replaceAll('{schema}', schema));

      const [strings] = await q('select * from {schema}.strings_and_types');
      expect(strings).toMatchObject({
        int_sum: '15',
        float_value: '1.5',
        timestamp_text: '2024-01-02 03:04:05',
        boolean_value: 'true',
        safe_int: '12',
        cast_int: '13',
        escaped: "it's",
        concatenated: 'abc',
        hashed: '9dd4e461268c8034f5c8564e155c67a6',
        len: '4',
        pos: '3',
        replaced: 'a+b',
        right_part: 'ef',
        second_part: 'b',
        last_part: 'c',
        bool_text: 'true',
        equal: '1',
      });
      expect(Number(strings?.numeric_value)).toBe(1.25);

      expect(await q('select * from {schema}.dates')).toEqual([
        {
          diff_day: '30',
          diff_week: '4',
          diff_week_back: '-4',
          diff_month: '2',
          diff_quarter: '1',
          diff_year: '1',
          diff_hour: '25',
          diff_minute: '1442',
          diff_second: '86550',
          plus_month: '2024-02-29',
          month_start: '2024-02-01',
          last_of_month: '2024-02-29',
          last_of_quarter: '2024-03-31',
          leap_day: '2024-02-29',
          has_now: '1',
        },
      ]);
      expect(await q('select op, id from {schema}.sets_and_arrays order by op, id')).toEqual([
        { op: 'except', id: '3' },
        { op: 'intersect', id: '3' },
      ]);
      expect(await q('select * from {schema}.arrays')).toEqual([{ constructed: '1,2', appended: '1,2', concatenated: '1,2,3', empty: '' }]);
      expect(await q('select * from {schema}.aggregates order by grp')).toEqual([
        { grp: 'a', names_desc: 'y,x', first_name: 'x', names: expect.stringMatching(/^(x,y|y,x)$/), any_grp: 'a', has_big: 'true' },
        { grp: 'b', names_desc: 'z', first_name: 'z', names: 'z', any_grp: 'b', has_big: 'false' },
      ]);
      expect(await q('select * from {schema}.series')).toEqual([{ n: '10', lo: '1', hi: '10' }]);
      expect((await q(`select cast(cast(date_day as date) as varchar) as d from {schema}.spine order by 1`)).map((r) => r.d)).toEqual([
        '2024-02-27',
        '2024-02-28',
        '2024-02-29',
        '2024-03-01',
      ]);

      // With --full-refresh: config wins over the flag, the flag applies where config says nothing.
      expect(await q('select * from {schema}.helpers_default')).toEqual([
        {
          full_refresh: 'True',
          store_failures: 'False',
          missing_is_none: 'True',
          existing_name: 'events',
          revoke: 'FalseTrueTrue',
          temp_ok: 'True',
          intermediate: 'helpers_default__dbt_tmp',
          backup: 'helpers_default__dbt_backup/view',
          query_columns: 'a,b',
        },
      ]);
      expect(await q('select * from {schema}.helpers_configured')).toEqual([{ full_refresh: 'False', store_failures: 'True' }]);
    });
  });
}

describe('global macros', () => {
  // Every public cross-database macro (and the helpers that take no relation).
  const calls = [
    'type_string()',
    'type_timestamp()',
    'type_float()',
    'type_numeric()',
    'type_bigint()',
    'type_int()',
    'type_boolean()',
    'current_timestamp()',
    'current_timestamp_backcompat()',
    'current_timestamp_in_utc_backcompat()',
    'snapshot_get_time()',
    "snapshot_string_as_time('2024-01-01')",
    'except()',
    'intersect()',
    "array_construct(['1'])",
    'array_construct()',
    "array_append('a', '1')",
    "array_concat('a', 'b')",
    "concat(['a', 'b'])",
    "hash('x')",
    "length('x')",
    "position('a', 'b')",
    "replace('f', 'a', 'b')",
    "right('s', 2)",
    "split_part('s', \"'-'\", 2)",
    "split_part('s', \"'-'\", -1)",
    `escape_single_quotes("it's")`,
    "string_literal('a')",
    "any_value('x')",
    "bool_or('x')",
    "listagg('x')",
    "listagg('x', \"'|'\", 'order by x', 2)",
    "cast('x', 'int')",
    "safe_cast('x', 'int')",
    "cast_bool_to_text('x')",
    "equals('a', 'b')",
    'date(2024, 2, 29)',
    "date_trunc('month', 'd')",
    "dateadd('day', 1, 'd')",
    "datediff('a', 'b', 'week')",
    "datediff('a', 'b', 'second')",
    "last_day('d', 'month')",
    "last_day('d', 'quarter')",
    'get_powers_of_two(5)',
    'generate_series(3)',
    "date_spine('day', 'a', 'b')",
    'should_full_refresh()',
    'should_store_failures()',
    'get_empty_subquery_sql("select 1")',
  ];
  const scope = {
    statement: () => '',
    load_result: () => null,
    flags: { FULL_REFRESH: false, STORE_FAILURES: false },
    config: { get: () => null },
  };
  const render = (engine: TemplateEngine, text: string, type: string) => engine.renderString(text, 'm.sql', { ...scope, target: { type } });

  it.each(['duckdb', 'postgres'])('give the same SQL unqualified, as dbt.… and as strata.… on %s', (type) => {
    const engine = new TemplateEngine([]);
    for (const call of calls) {
      const plain = render(engine, `{{ ${call} }}`, type);
      expect(plain.diagnostic, call).toBeUndefined();
      expect(render(engine, `{{ dbt.${call} }}`, type).output, call).toBe(plain.output);
      expect(render(engine, `{{ strata.${call} }}`, type).output, call).toBe(plain.output);
    }
    expect(render(engine, "{{ listagg('x', \"','\", 'order by x', 2) }}", type).output).toBe(
      type === 'duckdb'
        ? "list_aggr((array_agg(x order by x))[1:2], 'string_agg', ',')"
        : "array_to_string((array_agg(x order by x))[1:2], ',')",
    );
  });

  it("are replaced by the project's macro of the same name; dbt.… stays dbt's, and adapter.dispatch finds the project's implementations", () => {
    const engine = new TemplateEngine([
      {
        file: 'macros/own.sql',
        text: '{% macro type_string() %}my_text{% endmacro %}{% macro postgres__hash(field) %}my_hash({{ field }}){% endmacro %}',
      },
    ]);
    expect(engine.diagnostics).toEqual([]);
    expect(render(engine, '{{ type_string() }} {{ dbt.type_string() }}', 'postgres').output).toBe('my_text TEXT');
    expect(render(engine, "{{ hash('c') }} {{ dbt.hash('c') }}", 'postgres').output).toBe('my_hash(c) my_hash(c)');
    expect(render(engine, "{{ hash('c') }}", 'duckdb').output).toBe('md5(cast(c as TEXT))');
  });
});

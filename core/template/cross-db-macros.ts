import type { MacroSource } from './macro-source.js';

/**
 * dbt's cross-database macros (its global project's `utils/` and timestamp macros), callable
 * unqualified (`{{ datediff(...) }}`) and as `dbt.datediff(...)` (also `strata.…`). Each public
 * macro dispatches, as dbt's does, to `<adapter>__name` when the project, Strata or a package in
 * the `dispatch:` search order has one, else `default__name`. The implementations give the SQL
 * dbt-postgres and dbt-duckdb give; a project overrides one by defining a macro of the same name.
 */

/** Each public macro's parameters, with dbt's defaults; the macro passes them on to the dispatched one. */
const PUBLIC: Record<string, string> = {
  type_string: '',
  type_timestamp: '',
  type_float: '',
  type_numeric: '',
  type_bigint: '',
  type_int: '',
  type_boolean: '',
  current_timestamp: '',
  current_timestamp_backcompat: '',
  current_timestamp_in_utc_backcompat: '',
  snapshot_get_time: '',
  snapshot_string_as_time: 'timestamp',
  except: '',
  intersect: '',
  array_construct: "inputs=[], data_type='integer'",
  array_append: 'array, new_element',
  array_concat: 'array_1, array_2',
  concat: 'fields',
  hash: 'field',
  length: 'expression',
  position: 'substring_text, string_text',
  replace: 'field, old_chars, new_chars',
  right: 'string_text, length_expression',
  split_part: 'string_text, delimiter_text, part_number',
  escape_single_quotes: 'expression',
  string_literal: 'value',
  any_value: 'expression',
  bool_or: 'expression',
  listagg: `measure, delimiter_text="','", order_by_clause=none, limit_num=none`,
  cast: 'field, type',
  safe_cast: 'field, type',
  cast_bool_to_text: 'field',
  equals: 'expr1, expr2',
  date: 'year, month, day',
  date_trunc: 'datepart, date',
  dateadd: 'datepart, interval, from_date_or_timestamp',
  datediff: 'first_date, second_date, datepart',
  last_day: 'date, datepart',
  get_powers_of_two: 'upper_bound',
  generate_series: 'upper_bound',
  get_intervals_between: 'start_date, end_date, datepart',
  date_spine: 'datepart, start_date, end_date',
};

const dispatching = (name: string, params: string): string => {
  const args = [...params.matchAll(/(?:^|,)\s*([A-Za-z_]\w*)/g)].map((m) => m[1]).join(', ');
  return `{% macro ${name}(${params}) %}{{ return(adapter.dispatch('${name}', 'dbt')(${args})) }}{% endmacro %}`;
};

const IMPLEMENTATIONS = `
{#- Data types: what dbt's Column.translate_type gives on both adapters (DuckDB's float is 4 bytes, as with dbt-duckdb). -#}
{% macro default__type_string() %}TEXT{% endmacro %}
{% macro default__type_timestamp() %}timestamp{% endmacro %}
{% macro default__type_float() %}float{% endmacro %}
{% macro default__type_numeric() %}numeric(28,6){% endmacro %}
{% macro default__type_bigint() %}bigint{% endmacro %}
{% macro default__type_int() %}integer{% endmacro %}
{% macro default__type_boolean() %}boolean{% endmacro %}

{% macro default__current_timestamp() %}now(){% endmacro %}
{% macro default__current_timestamp_backcompat() %}current_timestamp::{{ type_timestamp() }}{% endmacro %}
{% macro default__current_timestamp_in_utc_backcompat() %}{{ return(current_timestamp_backcompat()) }}{% endmacro %}
{% macro postgres__current_timestamp_in_utc_backcompat() %}(current_timestamp at time zone 'utc')::{{ type_timestamp() }}{% endmacro %}
{% macro default__snapshot_get_time() %}{{ current_timestamp() }}::timestamp{% endmacro %}
{% macro default__snapshot_string_as_time(timestamp) %}{{ return("'" ~ timestamp ~ "'::timestamp") }}{% endmacro %}

{% macro default__except() %}except{% endmacro %}
{% macro default__intersect() %}intersect{% endmacro %}

{% macro default__array_construct(inputs, data_type) -%}
{%- if inputs | length > 0 %}array[{{ inputs | join(',') }}]{% else %}array[]::{{ data_type }}[]{% endif -%}
{%- endmacro %}
{% macro default__array_append(array, new_element) %}array_append({{ array }}, {{ new_element }}){% endmacro %}
{% macro default__array_concat(array_1, array_2) %}array_cat({{ array_1 }}, {{ array_2 }}){% endmacro %}

{% macro default__concat(fields) %}{{ fields[0] if fields | length == 1 else fields | join(' || ') }}{% endmacro %}
{% macro default__hash(field) %}md5(cast({{ field }} as {{ dbt.type_string() }})){% endmacro %}
{% macro default__length(expression) %}length({{ expression }}){% endmacro %}
{% macro default__position(substring_text, string_text) %}position({{ substring_text }} in {{ string_text }}){% endmacro %}
{% macro default__replace(field, old_chars, new_chars) %}replace({{ field }}, {{ old_chars }}, {{ new_chars }}){% endmacro %}
{% macro default__right(string_text, length_expression) %}right({{ string_text }}, {{ length_expression }}){% endmacro %}
{% macro default__split_part(string_text, delimiter_text, part_number) %}split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }}){% endmacro %}
{% macro postgres__split_part(string_text, delimiter_text, part_number) -%}
{%- if part_number >= 0 %}{{ default__split_part(string_text, delimiter_text, part_number) }}{% else %}{{ _split_part_negative(string_text, delimiter_text, part_number) }}{% endif -%}
{%- endmacro %}
{% macro duckdb__split_part(string_text, delimiter_text, part_number) -%}
{%- if part_number >= 0 %}coalesce(string_split({{ string_text }}, {{ delimiter_text }})[{{ part_number }}], ''){% else %}{{ _split_part_negative(string_text, delimiter_text, part_number) }}{% endif -%}
{%- endmacro %}
{#- Counting from the end: the part number from the start, for a one-character delimiter. -#}
{% macro _split_part_negative(string_text, delimiter_text, part_number) -%}
split_part({{ string_text }}, {{ delimiter_text }}, length({{ string_text }}) - length(replace({{ string_text }}, {{ delimiter_text }}, '')) + 2 + {{ part_number }})
{%- endmacro %}
{% macro default__escape_single_quotes(expression) %}{{ expression | replace("'", "''") }}{% endmacro %}
{% macro default__string_literal(value) %}'{{ value }}'{% endmacro %}

{% macro default__any_value(expression) %}any_value({{ expression }}){% endmacro %}
{% macro postgres__any_value(expression) %}min({{ expression }}){% endmacro %}
{% macro duckdb__any_value(expression) %}arbitrary({{ expression }}){% endmacro %}
{% macro default__bool_or(expression) %}bool_or({{ expression }}){% endmacro %}
{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
array_to_string(array_slice(array_agg({{ measure }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}, 0, {{ limit_num }}), {{ delimiter_text }})
{%- else -%}
listagg({{ measure }}, {{ delimiter_text }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endif -%}
{%- endmacro %}
{% macro postgres__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
array_to_string((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], {{ delimiter_text }})
{%- else -%}
string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
{%- endif -%}
{%- endmacro %}
{% macro duckdb__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
list_aggr((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], 'string_agg', {{ delimiter_text }})
{%- else -%}
{{ postgres__listagg(measure, delimiter_text, order_by_clause, limit_num) }}
{%- endif -%}
{%- endmacro %}

{% macro default__cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
{% macro default__safe_cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
{#- DuckDB can cast to null instead of failing, which is what safe_cast is for. -#}
{% macro duckdb__safe_cast(field, type) %}try_cast({{ field }} as {{ type }}){% endmacro %}
{% macro default__cast_bool_to_text(field) %}cast({{ field }} as {{ dbt.type_string() }}){% endmacro %}
{% macro default__equals(expr1, expr2) %}({{ expr1 }} = {{ expr2 }}){% endmacro %}

{% macro default__date(year, month, day) %}to_date('{{ modules.datetime.date(year, month, day).strftime("%Y-%m-%d") }}', 'YYYY-MM-DD'){% endmacro %}
{% macro duckdb__date(year, month, day) %}make_date({{ year }}, {{ month }}, {{ day }}){% endmacro %}
{% macro default__date_trunc(datepart, date) %}date_trunc('{{ datepart }}', {{ date }}){% endmacro %}
{% macro default__dateadd(datepart, interval, from_date_or_timestamp) %}dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }}){% endmacro %}
{% macro postgres__dateadd(datepart, interval, from_date_or_timestamp) %}({{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }}))){% endmacro %}
{% macro duckdb__dateadd(datepart, interval, from_date_or_timestamp) %}{{ return(postgres__dateadd(datepart, interval, from_date_or_timestamp)) }}{% endmacro %}
{% macro default__datediff(first_date, second_date, datepart) %}datediff({{ datepart }}, {{ first_date }}, {{ second_date }}){% endmacro %}
{#- Counts boundaries crossed, from date parts; int_div divides integers (DuckDB's / does not). -#}
{% macro postgres__datediff(first_date, second_date, datepart, int_div='/') -%}
{%- set first_ts = '(' ~ first_date ~ ')::timestamp' -%}{%- set second_ts = '(' ~ second_date ~ ')::timestamp' -%}
{%- if datepart == 'year' -%}
(date_part('year', ({{ second_date }})::date) - date_part('year', ({{ first_date }})::date))
{%- elif datepart in ('quarter', 'month') -%}
({{ datediff(first_date, second_date, 'year') }} * {{ 4 if datepart == 'quarter' else 12 }} + date_part('{{ datepart }}', ({{ second_date }})::date) - date_part('{{ datepart }}', ({{ first_date }})::date))
{%- elif datepart == 'day' -%}
(({{ second_date }})::date - ({{ first_date }})::date)
{%- elif datepart == 'week' -%}
({{ datediff(first_date, second_date, 'day') }} {{ int_div }} 7 + case when date_part('dow', {{ first_ts }}) <= date_part('dow', {{ second_ts }}) then case when {{ first_date }} <= {{ second_date }} then 0 else -1 end else case when {{ first_date }} <= {{ second_date }} then 1 else 0 end end)
{%- elif datepart in ('hour', 'minute') -%}
({{ datediff(first_date, second_date, 'day' if datepart == 'hour' else 'hour') }} * {{ 24 if datepart == 'hour' else 60 }} + date_part('{{ datepart }}', {{ second_ts }}) - date_part('{{ datepart }}', {{ first_ts }}))
{%- elif datepart in ('second', 'millisecond', 'microsecond') -%}
({{ datediff(first_date, second_date, 'minute') }} * {{ 60 if datepart == 'second' else 60000 if datepart == 'millisecond' else 60000000 }} + floor(date_part('{{ datepart }}', {{ second_ts }})) - floor(date_part('{{ datepart }}', {{ first_ts }})))
{%- else -%}
{{ exceptions.raise_compiler_error("Unsupported datepart for macro datediff: {!r}".format(datepart)) }}
{%- endif -%}
{%- endmacro %}
{% macro duckdb__datediff(first_date, second_date, datepart) %}{{ return(postgres__datediff(first_date, second_date, datepart, '//')) }}{% endmacro %}
{% macro default__last_day(date, datepart) %}{{ return(default_last_day(date, datepart)) }}{% endmacro %}
{% macro default_last_day(date, datepart) -%}
cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date)
{%- endmacro %}
{#- Neither database adds an interval of '1 quarter'. -#}
{% macro postgres__last_day(date, datepart) -%}
{%- if datepart == 'quarter' -%}
cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '3', dbt.date_trunc(datepart, date))) }} as date)
{%- else -%}
{{ default_last_day(date, datepart) }}
{%- endif -%}
{%- endmacro %}
{% macro duckdb__last_day(date, datepart) %}{{ return(postgres__last_day(date, datepart)) }}{% endmacro %}

{#- date_spine(datepart, start_date, end_date): one row per datepart from start_date up to end_date. -#}
{% macro default__get_powers_of_two(upper_bound) -%}
{%- if upper_bound <= 0 %}{{ exceptions.raise_compiler_error("upper bound must be positive") }}{% endif -%}
{%- for _ in range(1, 100) %}{% if upper_bound <= 2 ** loop.index %}{{ return(loop.index) }}{% endif %}{% endfor -%}
{%- endmacro %}
{% macro default__generate_series(upper_bound) -%}
{%- set n = dbt.get_powers_of_two(upper_bound) -%}
with p as (select 0 as generated_number union all select 1),
unioned as (
  select {% for i in range(n) %}p{{ i }}.generated_number * power(2, {{ i }}) + {% endfor %}1 as generated_number
  from {% for i in range(n) %}p as p{{ i }}{{ ' cross join ' if not loop.last }}{% endfor %}
)
select * from unioned where generated_number <= {{ upper_bound }}
{%- endmacro %}
{% macro duckdb__generate_series(upper_bound) %}select generate_series as generated_number from generate_series(1, {{ upper_bound }}){% endmacro %}
{% macro default__get_intervals_between(start_date, end_date, datepart) -%}
{%- call statement('get_intervals_between', fetch_result=True) %}select {{ dbt.datediff(start_date, end_date, datepart) }}{% endcall -%}
{%- set result = load_result('get_intervals_between') -%}
{{ return(result['data'][0][0] if result and result['data'] else 1) }}
{%- endmacro %}
{% macro default__date_spine(datepart, start_date, end_date) -%}
with rawdata as (
  {{ dbt.generate_series(dbt.get_intervals_between(start_date, end_date, datepart)) }}
),
all_periods as (
  select ({{ dbt.dateadd(datepart, 'row_number() over (order by generated_number) - 1', start_date) }}) as date_{{ datepart }}
  from rawdata
)
select * from all_periods where date_{{ datepart }} <= {{ end_date }}
{%- endmacro %}
`;

const CROSS_DB = [...Object.entries(PUBLIC).map(([name, params]) => dispatching(name, params)), IMPLEMENTATIONS].join('\n');

export const CROSS_DB_MACROS: MacroSource = { file: '<strata>/cross_database.sql', text: CROSS_DB, builtin: true };

/**
 * dbt's naming macros, for projects that override `generate_schema_name` (and friends) and call
 * the defaults from their override. Without an override Strata names relations the same way in
 * code (nodeRelation), which is faster.
 */
const NAMING = `
{% macro default__generate_schema_name(custom_schema_name, node) -%}
{%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ target.schema }}_{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
{% macro generate_schema_name_for_env(custom_schema_name, node) -%}
{%- if target.name == 'prod' and custom_schema_name is not none -%}{{ custom_schema_name | trim }}{%- else -%}{{ target.schema }}{%- endif -%}
{%- endmacro %}
{% macro default__generate_alias_name(custom_alias_name=none, node=none) -%}
{%- if custom_alias_name -%}{{ custom_alias_name | trim }}{%- elif node.version -%}{{ node.name ~ '_v' ~ node.version }}{%- else -%}{{ node.name }}{%- endif -%}
{%- endmacro %}
{% macro default__generate_database_name(custom_database_name=none, node=none) -%}
{%- if custom_database_name is none -%}{{ target.database }}{%- else -%}{{ custom_database_name | trim }}{%- endif -%}
{%- endmacro %}
`;

export const NAMING_MACROS: MacroSource = { file: '<strata>/naming.sql', text: NAMING, builtin: true };

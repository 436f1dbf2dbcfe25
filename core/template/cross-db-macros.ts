import type { MacroSource } from './engine.js';

/**
 * dbt's cross-database macros (`dbt.date_trunc(...)`, also `strata.…`), each dispatched on the
 * adapter: `<adapter>__name` when the SQL differs, else `default__name`. A project (or package)
 * overrides one by defining a macro of the same name, as in dbt.
 */
const CROSS_DB = `
{% macro default__type_string() %}varchar{% endmacro %}
{% macro postgres__type_string() %}text{% endmacro %}
{% macro default__type_timestamp() %}timestamp{% endmacro %}
{% macro default__type_int() %}integer{% endmacro %}
{% macro default__type_bigint() %}bigint{% endmacro %}
{% macro default__type_float() %}double precision{% endmacro %}
{% macro default__type_numeric() %}numeric(28,6){% endmacro %}
{% macro default__type_boolean() %}boolean{% endmacro %}
{% macro default__current_timestamp() %}current_timestamp{% endmacro %}

{% macro default__date_trunc(datepart, date) %}date_trunc('{{ datepart }}', {{ date }}){% endmacro %}

{% macro default__dateadd(datepart, interval, from_date_or_timestamp) %}({{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }}))){% endmacro %}

{% macro duckdb__datediff(first_date, second_date, datepart) %}date_diff('{{ datepart }}', ({{ first_date }})::timestamp, ({{ second_date }})::timestamp){% endmacro %}
{% macro default__datediff(first_date, second_date, datepart) -%}
{%- if datepart == 'year' -%}
(date_part('year', ({{ second_date }})::date) - date_part('year', ({{ first_date }})::date))
{%- elif datepart == 'quarter' -%}
({{ default__datediff(first_date, second_date, 'year') }} * 4 + date_part('quarter', ({{ second_date }})::date) - date_part('quarter', ({{ first_date }})::date))
{%- elif datepart == 'month' -%}
({{ default__datediff(first_date, second_date, 'year') }} * 12 + date_part('month', ({{ second_date }})::date) - date_part('month', ({{ first_date }})::date))
{%- elif datepart == 'day' -%}
(({{ second_date }})::date - ({{ first_date }})::date)
{%- elif datepart == 'week' -%}
({{ default__datediff(first_date, second_date, 'day') }} / 7 + case when date_part('dow', ({{ first_date }})::timestamp) <= date_part('dow', ({{ second_date }})::timestamp) then case when {{ first_date }} <= {{ second_date }} then 0 else -1 end else case when {{ first_date }} <= {{ second_date }} then 1 else 0 end end)
{%- elif datepart == 'hour' -%}
({{ default__datediff(first_date, second_date, 'day') }} * 24 + date_part('hour', ({{ second_date }})::timestamp) - date_part('hour', ({{ first_date }})::timestamp))
{%- elif datepart == 'minute' -%}
({{ default__datediff(first_date, second_date, 'hour') }} * 60 + date_part('minute', ({{ second_date }})::timestamp) - date_part('minute', ({{ first_date }})::timestamp))
{%- elif datepart == 'second' -%}
({{ default__datediff(first_date, second_date, 'minute') }} * 60 + floor(date_part('second', ({{ second_date }})::timestamp)) - floor(date_part('second', ({{ first_date }})::timestamp)))
{%- else -%}
{{ exceptions.raise_compiler_error("Unsupported datepart for datediff: " ~ datepart) }}
{%- endif -%}
{%- endmacro %}

{% macro default__concat(fields) %}{{ fields | join(' || ') }}{% endmacro %}
{% macro default__hash(field) %}md5(cast({{ field }} as {{ adapter.dispatch('type_string', 'dbt')() }})){% endmacro %}
{% macro default__safe_cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
{% macro duckdb__safe_cast(field, type) %}try_cast({{ field }} as {{ type }}){% endmacro %}
{% macro default__cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
{% macro default__split_part(string_text, delimiter_text, part_number) %}split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }}){% endmacro %}
{% macro default__replace(field, old_chars, new_chars) %}replace({{ field }}, {{ old_chars }}, {{ new_chars }}){% endmacro %}
{% macro default__length(expression) %}length({{ expression }}){% endmacro %}
{% macro default__position(substring_text, string_text) %}position({{ substring_text }} in {{ string_text }}){% endmacro %}
{% macro default__right(string_text, length_expression) %}right({{ string_text }}, {{ length_expression }}){% endmacro %}
{% macro default__any_value(expression) %}min({{ expression }}){% endmacro %}
{% macro duckdb__any_value(expression) %}any_value({{ expression }}){% endmacro %}
{% macro default__bool_or(expression) %}bool_or({{ expression }}){% endmacro %}
{% macro default__listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) %}string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}){% endmacro %}
{% macro default__last_day(date, datepart) %}cast(date_trunc('{{ datepart }}', {{ date }}) + interval '1 {{ datepart }}' - interval '1 day' as date){% endmacro %}
{% macro default__escape_single_quotes(expression) %}{{ expression | replace("'", "''") }}{% endmacro %}
{% macro default__string_literal(value) %}'{{ value }}'{% endmacro %}
{% macro default__cast_bool_to_text(field) %}cast({{ field }} as {{ adapter.dispatch('type_string', 'dbt')() }}){% endmacro %}
{% macro default__date(year, month, day) %}make_date({{ year }}, {{ month }}, {{ day }}){% endmacro %}
`;

/** The names callable as `dbt.<name>(...)`: every macro above, by the name after `default__`. */
export const CROSS_DB_MACRO_NAMES: readonly string[] = [...new Set([...CROSS_DB.matchAll(/macro default__(\w+)\(/g)].map((m) => m[1] as string))];

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

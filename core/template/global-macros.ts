import type { MacroSource } from './macro-source.js';

/**
 * The helpers of dbt's global project that packages and custom macros call: whether to rebuild
 * or store failures (config, else the command's flag), relation lookups, and the names of the
 * temporary, intermediate and backup relations dbt's materializations make. A project macro of
 * the same name replaces one (`dbt.…` still reaches Strata's), as in dbt.
 */
const GLOBAL = `
{% macro should_full_refresh() -%}
{%- set configured = config.get('full_refresh') -%}
{{ return(flags.FULL_REFRESH if configured is none else configured) }}
{%- endmacro %}
{% macro should_store_failures() -%}
{%- set configured = config.get('store_failures') -%}
{{ return(flags.STORE_FAILURES if configured is none else configured) }}
{%- endmacro %}
{#- Revoke grants missing from the config only where the relation kept the grants it had. -#}
{% macro should_revoke(existing_relation, full_refresh_mode=True) -%}
{%- if not existing_relation %}{{ return(False) }}{% elif full_refresh_mode %}{{ return(copy_grants()) }}{% else %}{{ return(True) }}{% endif -%}
{%- endmacro %}
{% macro copy_grants() %}{{ return(adapter.dispatch('copy_grants', 'dbt')()) }}{% endmacro %}
{% macro default__copy_grants() %}{{ return(True) }}{% endmacro %}

{% macro load_cached_relation(relation) %}{{ return(adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier)) }}{% endmacro %}
{% macro load_relation(relation) %}{{ return(load_cached_relation(relation)) }}{% endmacro %}

{% macro make_intermediate_relation(base_relation, suffix='__dbt_tmp') %}{{ return(adapter.dispatch('make_intermediate_relation', 'dbt')(base_relation, suffix)) }}{% endmacro %}
{% macro default__make_intermediate_relation(base_relation, suffix) %}{{ return(default__make_temp_relation(base_relation, suffix)) }}{% endmacro %}
{% macro postgres__make_intermediate_relation(base_relation, suffix) %}{{ return(postgres__make_relation_with_suffix(base_relation, suffix, dstring=False)) }}{% endmacro %}
{% macro make_temp_relation(base_relation, suffix='__dbt_tmp') -%}
{%- if suffix == '__dbt_tmp' and model.batch %}{% set suffix = suffix ~ '_' ~ model.batch.id %}{% endif -%}
{{ return(adapter.dispatch('make_temp_relation', 'dbt')(base_relation, suffix)) }}
{%- endmacro %}
{% macro default__make_temp_relation(base_relation, suffix) %}{{ return(base_relation.incorporate(path={'identifier': base_relation.identifier ~ suffix})) }}{% endmacro %}
{#- Temporary tables live in no schema; their names carry the time, so two runs do not clash. -#}
{% macro postgres__make_temp_relation(base_relation, suffix) %}{{ return(postgres__make_relation_with_suffix(base_relation, suffix, dstring=True).incorporate(path={'schema': none, 'database': none})) }}{% endmacro %}
{% macro duckdb__make_temp_relation(base_relation, suffix) %}{{ return(base_relation.incorporate(path={'identifier': base_relation.identifier ~ suffix ~ py_current_timestring(), 'schema': none, 'database': none})) }}{% endmacro %}
{% macro make_backup_relation(base_relation, backup_relation_type, suffix='__dbt_backup') %}{{ return(adapter.dispatch('make_backup_relation', 'dbt')(base_relation, backup_relation_type, suffix)) }}{% endmacro %}
{% macro default__make_backup_relation(base_relation, backup_relation_type, suffix) %}{{ return(base_relation.incorporate(path={'identifier': base_relation.identifier ~ suffix}, type=backup_relation_type)) }}{% endmacro %}
{% macro postgres__make_backup_relation(base_relation, backup_relation_type, suffix) %}{{ return(postgres__make_relation_with_suffix(base_relation, suffix, dstring=False).incorporate(type=backup_relation_type)) }}{% endmacro %}
{#- Postgres keeps 63 characters of a name: the base name is cut, never the suffix. -#}
{% macro postgres__make_relation_with_suffix(base_relation, suffix, dstring) -%}
{%- if dstring %}{% set suffix = suffix ~ modules.datetime.datetime.now().strftime('%H%M%S%f') %}{% endif -%}
{%- if suffix | length > 63 %}{{ exceptions.raise_compiler_error('Relation suffix is too long (' ~ suffix | length ~ ' characters). Maximum length is 63 characters.') }}{% endif -%}
{{ return(base_relation.incorporate(path={'identifier': base_relation.identifier[:63 - suffix | length] ~ suffix})) }}
{%- endmacro %}
{% macro py_current_timestring() %}{{ return(modules.datetime.datetime.now().strftime('%Y%m%d%H%M%S%f')) }}{% endmacro %}

{% macro get_empty_subquery_sql(select_sql, select_sql_header=none) %}{{ return(adapter.dispatch('get_empty_subquery_sql', 'dbt')(select_sql, select_sql_header)) }}{% endmacro %}
{% macro default__get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
{%- if select_sql_header is not none %}{{ select_sql_header }}
{% endif -%}
select * from (
{{ select_sql }}
) as __dbt_sbq
where false
limit 0
{%- endmacro %}
{#- The names of the columns a query returns, asked of the database (none while parsing). -#}
{% macro get_columns_in_query(select_sql) %}{{ return(adapter.dispatch('get_columns_in_query', 'dbt')(select_sql)) }}{% endmacro %}
{% macro default__get_columns_in_query(select_sql) -%}
{%- call statement('get_columns_in_query', fetch_result=True, auto_begin=False) %}{{ get_empty_subquery_sql(select_sql) }}{% endcall -%}
{%- set result = load_result('get_columns_in_query') -%}
{{ return(result.table.column_names | list if result else []) }}
{%- endmacro %}
`;

export const GLOBAL_MACROS: MacroSource = { file: '<strata>/global_project.sql', text: GLOBAL, builtin: true };

{# Dispatched like dbt's own cross-database macros: one implementation per adapter where they differ. #}
{% macro cents_to_dollars(column_name, scale=2) -%}
  {{ return(adapter.dispatch('cents_to_dollars', 'jaffle_shop')(column_name, scale)) }}
{%- endmacro %}

{% macro default__cents_to_dollars(column_name, scale) -%}
  cast({{ column_name }} / 100.0 as numeric(16, {{ scale }}))
{%- endmacro %}

{% macro postgres__cents_to_dollars(column_name, scale) -%}
  ({{ column_name }}::numeric / 100)::numeric(16, {{ scale }})
{%- endmacro %}

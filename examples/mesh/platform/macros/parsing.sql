{#- Raw exports write numbers the German way ("1.299,00") and dates as YYYYMMDD. -#}

{% macro parse_eu_number(column) -%}
cast(replace(replace(cast({{ column }} as varchar), '.', ''), ',', '.') as decimal(14, 2))
{%- endmacro %}

{% macro parse_yyyymmdd(column) -%}
{%- if target.type == 'postgres' -%}
to_date(cast({{ column }} as varchar), 'YYYYMMDD')
{%- else -%}
cast(strptime(cast({{ column }} as varchar), '%Y%m%d') as date)
{%- endif -%}
{%- endmacro %}

{% macro parse_percent(column) -%}
cast(cast(replace(cast({{ column }} as varchar), '%', '') as decimal(5, 2)) / 100 as decimal(6, 4))
{%- endmacro %}

{# Written the way dbt_utils writes its macros: a private `_` helper called through the package,
   a loop filter, extra keyword arguments read from `kwargs`, and a trailing comma at the call site. #}
{% macro sum_by_value(column, values, value) -%}
  {%- for v in values if v is string -%}
  sum(case when {{ column }} = {{ shop_utils._quoted(v) }} then {{ value }} else 0 end) as {{ v }}{{ kwargs.get('suffix', '') }},
  {% endfor -%}
{%- endmacro %}

{% macro _quoted(text) %}'{{ text | replace("'", "''") }}'{% endmacro %}

import type { MacroSource } from './macro-source.js';
import { GLOBAL_MACROS } from './global-macros.js';

/**
 * dbt's built-in generic tests, as macros returning the failing rows. A project macro of the same
 * name (`test_unique`, ...) replaces them, as in dbt. `column_name` is inserted as written, so it
 * may be an expression; set `quote: true` on the column to quote it.
 */
const TESTS = `
{% macro test_not_null(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is null
{% endmacro %}

{% macro test_unique(model, column_name) %}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{% endmacro %}

{% macro test_accepted_values(model, column_name, values, quote=true) %}
with all_values as (
  select {{ column_name }} as value_field, count(*) as n_records
  from {{ model }}
  group by {{ column_name }}
)
select *
from all_values
where value_field not in (
  {%- for value in values -%}
  {%- if quote %}'{{ value | string | replace("'", "''") }}'{% else %}{{ value }}{% endif %}{% if not loop.last %}, {% endif %}
  {%- endfor -%}
)
{% endmacro %}

{% macro test_relationships(model, column_name, to, field) %}
with child as (
  select {{ column_name }} as from_field
  from {{ model }}
  where {{ column_name }} is not null
),
parent as (
  select {{ field }} as to_field
  from {{ to }}
)
select from_field
from child
left join parent on child.from_field = parent.to_field
where parent.to_field is null
{% endmacro %}
`;

/** Macro files Strata ships; loaded before the project's own. */
export const BUILTIN_MACROS: readonly MacroSource[] = [{ file: '<strata>/generic_tests.sql', text: TESTS, builtin: true }, GLOBAL_MACROS];

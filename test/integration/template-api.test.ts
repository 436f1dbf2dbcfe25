import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { runProject } from '../../core/run/run-project.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

/**
 * dbt's template object model as packages use it: Relation, Column, agate result tables, the
 * adapter's introspection and DDL methods, `context`, `var.has_var` and Python modules. Each
 * model's rows show what templates saw. docs/compatibility.md points here.
 */
const files = {
  'dbt_project.yml': projectYml(
    'p',
    'vars:\n  present: 1\non-run-start:\n  - "{% do adapter.create_schema(api.Relation.create(database=target.database, schema=target.schema ~ \'_hooked\')) %}"\n',
  ),
  'macros/helpers.sql': `
{% macro cents(column) %}({{ column }} / 100){% endmacro %}
{% macro describe(relation) %}{{ relation.identifier }}{% endmacro %}
`,
  'seeds/payments.csv': 'id,amount_cents,method\n1,1050,card\n2,2000,cash\n3,300,card\n',
  'models/typed.sql': `{{ config(materialized='table') }}
select cast(1 as integer) as i, cast(1.5 as numeric(10,2)) as n, cast(2.5 as double precision) as f, cast('x' as varchar(20)) as s, cast('2024-01-31' as date) as d, cast('2024-01-31 12:30:00' as timestamp) as ts`,
  // The first render gets a placeholder with no rows and raises; it is judged again with the answer.
  'models/judged_again.sql': `
{%- set result = run_query("select 3 as n") -%}
{%- if execute and (result.rows | length) == 0 -%}{{ exceptions.raise_compiler_error("run_query gave no rows") }}{%- endif -%}
select {{ result.rows[0][0] if execute else 0 }} as n`,
  'models/relations.sql': `
{%- set found = adapter.get_relation(database=this.database, schema=this.schema, identifier='payments') -%}
{%- set made = api.Relation.create(database=this.database, schema=this.schema, identifier='payments') -%}
select
  '{{ found is mapping }}|{{ found.get("metadata").type }}|{{ made.get("metadata", {}).get("type", "").endswith("Relation") }}' as mapping,
  '{{ found.type }}|{{ found.is_table }}|{{ found.is_view }}|{{ found.is_cte }}|{{ made.type }}' as kinds,
  '{{ found == made }}|{{ found.incorporate(type=none) == made }}|{{ made == api.Relation.create(database=this.database, schema=this.schema, identifier="payments") }}' as equality,
  '{{ made.quote(identifier=false).include(database=false) }}' as policies,
  '{{ this.without_identifier().include(database=false) }}|{{ this.information_schema("columns").include(database=false) }}' as parts,
  '{{ found.name }}|{{ found.table }}|{{ found.path.identifier }}|{{ found["schema"] == this.schema }}' as names,
  '{{ ref("payments").render() == ref("payments") | string }}|{{ this.incorporate(path={"identifier": "other"}).identifier }}|{{ this.replace_path(identifier="x").identifier }}' as methods
`,
  'models/columns.sql': `
-- depends_on: {{ ref('typed') }}
{% set cols = adapter.get_columns_in_relation(ref('typed')) -%}
select
  '{%- for c in cols -%}{{ c.name }}:{{ c.is_string() | int }}{{ c.is_number() | int }}{{ c.is_numeric() | int }}{{ c.is_integer() | int }}{{ c.is_float() | int }}{{ "," if not loop.last }}{%- endfor -%}' as tests,
  '{{ cols | map(attribute="data_type") | join(",") | lower }}' as data_types,
  '{{ (cols | selectattr("name", "equalto", "s") | first).string_size() if cols else "" }}' as string_size,
  '{{ cols | map(attribute="quoted") | first }}' as quoted,
  '{{ api.Column.translate_type("string") }}|{{ api.Column.create("x", "STRING").data_type }}|{{ api.Column.create("v", "varchar").can_expand_to(api.Column.from_description("w", "varchar(300)")) }}|{{ api.Column.create("n", "integer").literal(5) }}' as api_column,
  '{{ api.Column.from_description("a", "numeric(12,3)").numeric_precision }}|{{ api.Column.from_description("a", "numeric(12,3)").data_type }}|{{ api.Column.from_description("b", "character varying(40)").char_size }}' as described
`,
  'models/tables.sql': `
-- depends_on: {{ ref('typed') }} {{ ref('payments') }}
{% set t = run_query('select i, n, f, s, d, ts from ' ~ ref('typed')) -%}
{%- if execute -%}{%- set row = t.rows[0] -%}{%- else -%}{%- set row = {'i': 0} -%}{%- endif -%}
{%- call statement('totals', fetch_result=True) -%}select method, count(*) as n from {{ ref('payments') }} group by method order by method{%- endcall -%}
{%- set totals = load_result('totals') -%}
select
  '{{ row["i"] + 1 }}|{{ row.n }}|{{ row.f }}|{{ row[3] }}|{{ row.d }}|{{ row.ts }}' as values_typed,
  '{{ t.column_names | join(",") }}|{{ (t.columns["s"].values() | string).replace("'", "''") }}|{{ t.columns[0].name }}|{{ t | length }}|{{ row.keys() | list | length }}' as shape,
  '{%- for r in totals.table -%}{{ r.method }}={{ r["n"] }}{{ ";" if not loop.last }}{%- endfor -%}' as iterated,
  '{{ totals.table.columns | map(attribute="name") | join(",") }}|{{ totals["data"][1][1] }}|{{ totals.response.rows_affected }}' as statement_result,
  '{{ (run_query("select 1 as a").columns.keys() | list | string).replace("'", "''") }}|{{ t.columns.items() | list | length }}' as mapped
`,
  'models/ddl.sql': `
{%- set scratch = api.Relation.create(database=this.database, schema=this.schema ~ '_scratch', identifier='tmp_a') -%}
{%- set renamed = scratch.incorporate(path={'identifier': 'tmp_b'}) -%}
{%- do adapter.create_schema(scratch) -%}
{%- do adapter.drop_relation(renamed) -%}
{%- do run_query('create table ' ~ scratch ~ ' as select 1 as x, 2 as y') -%}
{%- do adapter.rename_relation(scratch, renamed) -%}
{%- set listed = adapter.list_relations_without_caching(scratch.without_identifier()) -%}
{%- set narrow = api.Relation.create(database=this.database, schema=this.schema, identifier='payments') -%}
select
  '{{ listed | map(attribute="identifier") | sort | join(",") }}' as listed,
  '{{ adapter.check_schema_exists(this.database, this.schema ~ "_scratch") }}|{{ adapter.check_schema_exists(this.database, "no_such_schema_here") }}|{{ adapter.check_schema_exists(this.database, target.schema ~ "_hooked") }}' as schemas,
  '{{ adapter.already_exists(this.schema, "payments") }}|{{ adapter.already_exists(this.schema, "nothing") }}' as exists_checks,
  '{{ adapter.get_missing_columns(renamed, narrow) | map(attribute="name") | join(",") }}' as missing,
  '{{ adapter.get_columns_in_query("select 1 as one, 2 as two") | join(",") }}' as query_columns,
  '{{ adapter.type() }}|{{ adapter.quote("a b") }}|{{ adapter.quote_as_configured("c", "identifier") }}' as adapter_basics
-- depends_on: {{ ref('payments') }}
`,
  'models/drop_later.sql': `{{ config(materialized='table', post_hook="{% do adapter.drop_relation(api.Relation.create(database=this.database, schema=this.schema ~ '_scratch', identifier='tmp_b')) %}") }}
-- depends_on: {{ ref('ddl') }}
select 1 as done`,
  'models/properties.yml': `
sources:
  - name: raw
    schema: "{{ target.schema }}"
    tables:
      - name: payments
exposures:
  - name: weekly_report
    type: dashboard
    owner: {name: Finance, email: finance@example.com}
    depends_on: ["ref('typed')"]
models:
  - name: typed
    columns:
      - name: i
        constraints:
          - type: not_null
`,
  'models/graph_reader.sql': `
{%- set src = graph.sources.values() | selectattr('name', 'equalto', 'payments') | first -%}
{%- set typed = graph.nodes['model.p.typed'] -%}
select '{{ src.config.enabled }}|{{ src.source_name }}|{{ typed.columns.i.constraints | map(attribute="type") | join(",") }}|{{ typed.config.materialized }}|{{ graph.nodes.values() | selectattr("resource_type", "equalto", "model") | list | length }}|{{ graph.exposures['exposure.p.weekly_report'].owner.email }}|{{ graph.exposures['exposure.p.weekly_report'].depends_on.nodes | join(',') }}' as graph_info
`,
  'models/helpers.sql': `
{%- set fn = context.get('cents') -%}
{%- set tz = modules.pytz.timezone('Europe/Amsterdam') -%}
{%- set noon = modules.datetime.datetime(2024, 7, 1, 12, 0) -%}
select
  '{{ fn("x") }}|{{ "describe" in context }}|{{ context.get("nothing_here", "fallback") }}|{{ context["describe"](this) }}' as ctx,
  '{{ var.has_var("present") }}|{{ var.has_var("absent") }}' as has_var,
  '{{ (modules.itertools.product([1, 2], ["a"]) | list | string).replace("'", "''") }}|{{ modules.itertools.chain([1], [2, 3]) | list }}|{{ modules.itertools.combinations([1, 2, 3], 2) | list | length }}' as itertools,
  '{{ modules.pytz.utc.localize(noon) }}|{{ noon.astimezone(tz) }}|{{ tz.zone }}' as pytz,
  '{{ set_strict([1, 1, 2]) | length }}|{{ set(none) }}|{{ zip([1, 2], none) }}|{{ (diff_of_two_dicts({"a": 1, "B": 2}, {"b": 3}) | string).replace("'", "''") }}' as builtins
`,
};

for (const target of TEST_TARGETS) {
  describe(`dbt's template API on ${target.name}`, () => {
    it('gives packages the relations, columns, tables and adapter methods dbt gives them', async () => {
      const dir = writeProject(files);
      const schema = await target.writeProfile(dir, 'p');
      const { summary } = await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, command: 'build' });
      expect(summary.results.filter((r) => r.status !== 'success').map((r) => `${r.uniqueId}: ${r.message}`)).toEqual([]);
      const q = async (sql: string) => (await target.query(dir, sql.replaceAll('{schema}', schema)))[0];
      const relationClass = target.name === 'duckdb' ? 'DuckDBRelation' : 'PostgresRelation';
      expect(await q('select n from {schema}.judged_again')).toEqual({ n: '3' });
      expect(await q('select * from {schema}.relations')).toEqual({
        mapping: `True|${relationClass}|True`,
        kinds: 'table|True|False|False|None',
        equality: 'False|True|True',
        policies: `"${schema}".payments`,
        parts: `"${schema}"|INFORMATION_SCHEMA.columns`,
        names: 'payments|payments|payments|True',
        methods: 'True|other|x',
      });
      const columns = await q('select * from {schema}.columns');
      expect(columns?.tests).toBe('i:01010,n:01100,f:01001,s:10000,d:00000,ts:00000');
      expect(columns?.data_types).toBe(
        target.name === 'duckdb'
          ? 'integer,decimal(10,2),double,character varying(256),date,timestamp'
          : 'integer,numeric(10,2),double precision,character varying(20),date,timestamp without time zone',
      );
      expect(columns).toMatchObject({
        string_size: target.name === 'duckdb' ? '256' : '20',
        quoted: '"i"',
        api_column: `TEXT|${target.name === 'duckdb' ? 'character varying(256)' : 'TEXT'}|True|5::integer`,
        described: '12|numeric(12,3)|40',
      });
      expect(await q('select * from {schema}.tables')).toEqual({
        values_typed: '2|1.50|2.5|x|2024-01-31|2024-01-31 12:30:00',
        shape: "i,n,f,s,d,ts|('x',)|i|1|6",
        iterated: 'card=2;cash=1',
        statement_result: 'method,n|1|2',
        mapped: "['a']|6",
      });
      expect(await q('select * from {schema}.ddl')).toEqual({
        listed: 'tmp_b',
        schemas: 'True|False|True',
        exists_checks: 'True|False',
        missing: 'x,y',
        query_columns: 'one,two',
        adapter_basics: `${target.name}|"a b"|"c"`,
      });
      expect(await q('select * from {schema}.graph_reader')).toEqual({
        graph_info: 'True|raw|not_null|table|9|finance@example.com|model.p.typed',
      });
      // The post-hook dropped the scratch table the ddl model renamed.
      expect(await q(`select count(*) as n from information_schema.tables where table_schema = '${schema}_scratch'`)).toEqual({ n: '0' });
      expect(await q('select * from {schema}.helpers')).toEqual({
        ctx: '(x / 100)|True|fallback|helpers',
        has_var: 'True|False',
        itertools: "[(1, 'a'), (2, 'a')]|[1, 2, 3]|3",
        pytz: '2024-07-01 12:00:00+00:00|2024-07-01 14:00:00+02:00|Europe/Amsterdam',
        builtins: "2|None|None|{'a': 1}",
      });
    });
  });
}

import { MODEL, type BadInputCase } from './case.js';

const schema = (text: string, files: Record<string, string> = { 'models/a.sql': MODEL }) => ({ ...files, 'models/schema.yml': `version: 2\n${text}` });

/** Cycles, references to things that do not exist or are disabled, duplicates and access rules. */
export const GRAPH_CASES: BadInputCase[] = [
  {
    name: 'a cycle of two models',
    files: { 'models/a.sql': "select * from {{ ref('b') }}\n", 'models/b.sql': "select * from {{ ref('a') }}\n" },
    argv: ['compile'], exit: 1, code: 'dependency-cycle', message: /a → b → a|b → a → b/,
  },
  {
    name: 'a model that refers to itself',
    files: { 'models/a.sql': "select 1 as x\nunion all select * from {{ ref('a') }}\n" },
    argv: ['compile'], exit: 1, code: 'dependency-cycle', at: 'models/a.sql:2', message: 'a → a',
  },
  {
    name: 'an unknown ref, with a suggestion',
    files: { 'models/stg_orders.sql': MODEL, 'models/a.sql': "select *\nfrom {{ ref('stg_order') }}\n" },
    argv: ['compile'], exit: 1, code: 'unknown-ref', at: 'models/a.sql:2', message: "'stg_orders'",
  },
  {
    name: 'a ref into a package that is not installed',
    files: { 'models/a.sql': "select * from {{ ref('other_pkg', 'b') }}\n" },
    argv: ['compile'], exit: 1, code: 'unknown-ref', at: 'models/a.sql:1', message: 'other_pkg',
  },
  {
    name: 'a ref to a version that does not exist',
    files: schema('models:\n  - name: b\n    latest_version: 1\n    versions:\n      - v: 1\n', { 'models/b_v1.sql': MODEL, 'models/a.sql': "select * from {{ ref('b', v=9) }}\n" }),
    argv: ['compile'], exit: 1, code: 'unknown-ref', at: 'models/a.sql:1', message: '9',
  },
  {
    name: 'an unknown source',
    files: { 'models/a.sql': "select * from {{ source('raw', 'orders') }}\n" },
    argv: ['compile'], exit: 1, code: 'unknown-source', at: 'models/a.sql:1', message: 'raw',
  },
  {
    name: 'an unknown table of a known source, with a suggestion',
    files: schema('sources:\n  - name: raw\n    tables:\n      - name: orders\n', { 'models/a.sql': "select * from {{ source('raw', 'order') }}\n" }),
    argv: ['compile'], exit: 1, code: 'unknown-source', at: 'models/a.sql:1', message: 'orders',
  },
  {
    name: 'an unknown macro',
    files: { 'models/a.sql': "select\n  {{ cents_to_dollars('amount') }} as x\n" },
    argv: ['compile'], exit: 1, code: 'unknown-macro|template-render', at: 'models/a.sql:2', message: 'cents_to_dollars',
  },
  {
    name: 'an unknown macro named in the message',
    files: { 'macros/m.sql': "{% macro cents_to_dollars(c) %}{{ c }} / 100{% endmacro %}\n", 'models/a.sql': "select {{ cent_to_dollars('amount') }} as x\n" },
    argv: ['compile'], exit: 1, code: 'unknown-macro|template-render', at: 'models/a.sql:1', message: 'cent_to_dollars',
  },
  {
    name: 'an unknown docs block',
    files: schema("models:\n  - name: a\n    description: '{{ doc(\"nope\") }}'\n"),
    argv: ['compile'], exit: 1, code: 'unknown-doc', at: 'models/schema.yml:4', message: 'nope',
  },
  {
    name: 'a ref to a disabled model',
    files: { 'models/b.sql': '{{ config(enabled=false) }}\nselect 1 as x\n', 'models/a.sql': "select * from {{ ref('b') }}\n" },
    argv: ['compile'], exit: 1, code: 'disabled-ref', at: 'models/a.sql:1', message: "'b'",
  },
  {
    name: 'a ref to a model disabled in the project file',
    files: { 'dbt_project.yml': 'name: p\nprofile: p\nmodels:\n  p:\n    off:\n      +enabled: false\n', 'models/off/b.sql': MODEL, 'models/a.sql': "select * from {{ ref('b') }}\n" },
    argv: ['compile'], exit: 1, code: 'disabled-ref', at: 'models/a.sql:1', message: "'b'",
  },
  {
    name: 'two models of the same name',
    files: { 'models/a.sql': MODEL, 'models/sub/a.sql': MODEL },
    argv: ['compile'], exit: 1, code: 'duplicate-node', message: 'models/sub/a.sql',
  },
  {
    name: 'a model and a seed of the same name',
    files: { 'models/a.sql': MODEL, 'seeds/a.csv': 'x\n1\n' },
    argv: ['compile'], exit: 1, code: 'duplicate-node', message: 'seeds/a.csv',
  },
  {
    name: 'two macros of the same name',
    files: { 'models/a.sql': MODEL, 'macros/m1.sql': '{% macro m() %}1{% endmacro %}\n', 'macros/m2.sql': '{% macro m() %}2{% endmacro %}\n' },
    argv: ['compile'], exit: 1, code: 'duplicate-macro', message: 'macros/m2.sql',
  },
  {
    name: 'two docs blocks of the same name',
    files: { 'models/a.sql': MODEL, 'models/docs.md': '{% docs x %}one{% enddocs %}\n\n{% docs x %}two{% enddocs %}\n' },
    argv: ['compile'], exit: 1, code: 'duplicate-doc', at: 'models/docs.md:3', message: "'x'",
  },
  {
    name: 'a docs block left open',
    files: { 'models/a.sql': MODEL, 'models/docs.md': 'intro\n{% docs orders %}\nThe orders.\n' },
    argv: ['compile'], exit: 1, code: 'template-syntax', at: 'models/docs.md:2', message: 'enddocs',
  },
  {
    name: 'two properties entries for the same model',
    files: schema('models:\n  - name: a\n    description: one\n  - name: a\n    description: two\n'),
    argv: ['compile'], exit: 1, code: 'duplicate-node|yaml-schema', at: 'models/schema.yml:5', message: "'a'",
  },
  {
    name: 'a singular test on an unknown model',
    files: { 'models/a.sql': MODEL, 'tests/t.sql': "select * from {{ ref('nope') }} where x < 0\n" },
    argv: ['compile'], exit: 1, code: 'unknown-ref', at: 'tests/t.sql:1', message: 'nope',
  },
  {
    name: 'a relationships test to an unknown model',
    files: schema("models:\n  - name: a\n    columns:\n      - name: x\n        data_tests:\n          - relationships:\n              to: ref('nope')\n              field: id\n"),
    argv: ['compile'], exit: 1, code: 'unknown-ref', at: 'models/schema.yml:8', message: 'nope',
  },
  {
    name: 'an exposure that depends on an unknown model',
    files: schema("exposures:\n  - name: dash\n    type: dashboard\n    owner: {email: a@example.com}\n    depends_on:\n      - ref('nope')\n"),
    argv: ['compile'], exit: 1, code: 'unknown-ref', at: 'models/schema.yml:7', message: 'nope',
  },
  {
    name: 'a ref to a private model of another group',
    files: schema('groups:\n  - name: finance\n    owner: {name: Finance}\nmodels:\n  - name: b\n    config: {group: finance, access: private}\n', { 'models/b.sql': MODEL, 'models/a.sql': "select * from {{ ref('b') }}\n" }),
    argv: ['compile'], exit: 1, code: 'access-violation', at: 'models/a.sql:1', message: 'finance',
  },
  {
    name: 'a model in a group that does not exist',
    files: schema('models:\n  - name: a\n    config: {group: nope}\n'),
    argv: ['compile'], exit: 1, code: 'unknown-group', at: 'models/schema.yml:3', message: 'nope',
  },
];

import { expect } from 'vitest';
import { MODEL, type BadInputCase } from './case.js';

const model = (sql: string) => ({ 'models/a.sql': sql });
const tests = (entry: string) => ({ 'models/a.sql': MODEL, 'models/schema.yml': `version: 2\nmodels:\n  - name: a\n    columns:\n      - name: x\n        data_tests:\n${entry}` });
const RENDER = 'template-render';
const SYNTAX = 'template-syntax';

/** Jinja that does not parse or does not render, and generic tests that do not exist. */
export const TEMPLATE_CASES: BadInputCase[] = [
  {
    name: 'an {% if %} left open',
    files: model("select 1 as x\n{% if var('full', false) %}\nwhere true\n"),
    argv: ['compile'], exit: 1, code: SYNTAX, at: 'models/a.sql:2', message: 'endif',
  },
  {
    name: 'a {% for %} left open',
    files: model('select\n{% for c in ["a", "b"] %}\n  {{ c }},\n1 as x\n'),
    argv: ['compile'], exit: 1, code: SYNTAX, at: 'models/a.sql:2', message: 'endfor',
  },
  {
    name: 'a {{ left open',
    files: model('select 1 as x,\n  {{ var("y", 2) as y\n'),
    argv: ['compile'], exit: 1, code: SYNTAX, at: 'models/a.sql:2',
  },
  {
    name: 'a comment left open',
    files: model('select 1 as x\n{# a note\n'),
    argv: ['compile'], exit: 1, code: SYNTAX, at: 'models/a.sql:2', message: /comment/i,
  },
  {
    name: 'an {% endfor %} with no {% for %}',
    files: model('select 1 as x\n{% endfor %}\n'),
    argv: ['compile'], exit: 1, code: SYNTAX, at: 'models/a.sql:2', message: 'endfor',
  },
  {
    name: 'a {% set %} with nothing to set',
    files: model('{% set x = %}\nselect 1 as x\n'),
    argv: ['compile'], exit: 1, code: SYNTAX, at: 'models/a.sql:1',
  },
  {
    name: 'an unknown filter',
    files: model("select\n  {{ 'a' | shout }} as x\n"),
    argv: ['compile'], exit: 1, code: `${SYNTAX}|${RENDER}`, at: 'models/a.sql:2', message: 'shout',
  },
  {
    name: 'an unknown Jinja test',
    files: model('select 1 as x\n{% if 3 is prime %}\n{% endif %}\n'),
    argv: ['compile'], exit: 1, code: `${SYNTAX}|${RENDER}`, at: 'models/a.sql:2', message: 'prime',
  },
  {
    name: 'an attribute of an undefined variable',
    files: model('select 1 as x\n  {{ settings.schema }}\n'),
    argv: ['compile'], exit: 1, code: RENDER, at: 'models/a.sql:2', message: 'settings',
  },
  {
    name: 'adding a number to a string',
    files: model("select\n  {{ 1 + 'a' }} as x\n"),
    argv: ['compile'], exit: 1, code: RENDER, at: 'models/a.sql:2', message: /unsupported operand/,
  },
  {
    name: 'exceptions.raise_compiler_error',
    files: model("select 1 as x\n{{ exceptions.raise_compiler_error('no orders today') }}\n"),
    argv: ['compile'], exit: 1, code: RENDER, at: 'models/a.sql:2', message: 'no orders today',
  },
  {
    name: 'a keyword argument before a positional one',
    files: model("select {{ ref(package='p', 'b') }} as x\n"),
    argv: ['compile'], exit: 1, code: SYNTAX, at: 'models/a.sql:1',
  },
  {
    name: 'a macro file that does not parse',
    files: { 'models/a.sql': MODEL, 'macros/m.sql': '{% macro ok() %}1{% endmacro %}\n\n{% macro broken( %}\n2\n{% endmacro %}\n' },
    argv: ['compile'], exit: 1, code: SYNTAX, at: 'macros/m.sql:3',
  },
  {
    name: 'a macro left open',
    files: { 'models/a.sql': MODEL, 'macros/m.sql': '{% macro m() %}\nselect 1\n' },
    argv: ['compile'], exit: 1, code: SYNTAX, at: 'macros/m.sql:1', message: 'endmacro',
  },
  {
    name: 'a legacy snapshot block left open',
    files: { 'snapshots/s.sql': "{% snapshot s %}\n{{ config(unique_key='x', strategy='check', check_cols='all') }}\nselect 1 as x\n" },
    argv: ['compile'], exit: 1, code: SYNTAX, at: 'snapshots/s.sql:1', message: 'endsnapshot',
  },
  {
    name: 'an unknown generic test',
    files: tests('          - not_nul\n'),
    argv: ['compile'], exit: 1, code: 'invalid-test|unknown-macro|template-render', at: 'models/schema.yml:7', message: 'not_nul',
  },
  {
    name: 'accepted_values without values',
    files: tests('          - accepted_values:\n              quote: false\n'),
    argv: ['compile'], exit: 1, code: `invalid-test|${RENDER}`, at: 'models/schema.yml:7', message: 'values',
  },
  {
    name: 'relationships without to',
    files: tests('          - relationships:\n              field: id\n'),
    argv: ['compile'], exit: 1, code: `invalid-test|${RENDER}`, at: 'models/schema.yml:7', message: "'to'",
  },
  {
    name: 'a generic test given as a number',
    files: tests('          - 5\n'),
    argv: ['compile'], exit: 1, code: 'invalid-test|yaml-schema', at: 'models/schema.yml:7',
  },
  {
    name: 'a Jinja error in an on-run-start hook',
    files: { 'dbt_project.yml': 'name: p\nprofile: p\non-run-start:\n  - "{{ nope( }}"\n', 'models/a.sql': MODEL },
    argv: ['run'], exit: 1, code: SYNTAX, at: 'dbt_project.yml:4',
  },
  {
    name: 'a var() with no value and no default',
    files: model("select 1 as x\nwhere x > {{ var('min_x') }}\n"),
    argv: ['compile'], exit: 1, code: 'missing-var', at: 'models/a.sql:2', message: 'min_x',
  },
  {
    name: 'an env_var() that is not set and has no default',
    files: model("select '{{ env_var('STRATA_TEST_SURELY_UNSET') }}' as x\n"),
    argv: ['compile'], exit: 1, code: 'missing-env-var', at: 'models/a.sql:1', message: 'STRATA_TEST_SURELY_UNSET',
  },
  {
    name: 'a secret env var read in a model',
    files: model("select '{{ env_var('DBT_ENV_SECRET_TOKEN') }}' as x\n"),
    env: { DBT_ENV_SECRET_TOKEN: 'hunter2' },
    argv: ['compile'], exit: 1, code: '[a-z-]+', at: 'models/a.sql:1', message: /secret/i,
    check: (_dir, printed) => expect(printed).not.toContain('hunter2'),
  },
];

import { MODEL, PROJECT, type BadInputCase } from './case.js';

const schema = (text: string) => ({ 'models/a.sql': MODEL, 'models/schema.yml': text });

/** Malformed YAML in every YAML file a project has, and YAML of the wrong shape. */
export const YAML_CASES: BadInputCase[] = [
  {
    name: 'project file: a tab indents a key',
    files: { 'dbt_project.yml': 'name: p\nprofile: p\nmodels:\n\tp:\n    +materialized: table\n', 'models/a.sql': MODEL },
    argv: ['compile'], exit: 1, code: 'yaml-syntax', at: 'dbt_project.yml:4', message: /tab/i,
  },
  {
    name: 'project file: a key indented between two levels',
    files: { 'dbt_project.yml': 'name: p\nprofile: p\nmodels:\n  p:\n    +materialized: table\n   +tags: x\n', 'models/a.sql': MODEL },
    argv: ['compile'], exit: 1, code: 'yaml-syntax', at: 'dbt_project.yml:6',
  },
  {
    name: 'project file: the same key twice',
    files: { 'dbt_project.yml': 'name: p\nprofile: p\nname: q\n', 'models/a.sql': MODEL },
    argv: ['compile'], exit: 1, code: 'yaml-syntax', at: 'dbt_project.yml:3', message: /unique|duplicate/i,
  },
  {
    name: 'project file: a quote left open',
    files: { 'dbt_project.yml': 'name: p\nprofile: p\nvars:\n  greeting: "hello\nmodels:\n  p: {}\n', 'models/a.sql': MODEL },
    argv: ['compile'], exit: 1, code: 'yaml-syntax', at: 'dbt_project.yml:4',
  },
  {
    name: 'project file: empty',
    files: { 'dbt_project.yml': '', 'models/a.sql': MODEL },
    argv: ['compile'], exit: 1, code: 'yaml-schema|project-file-missing', message: 'name',
  },
  {
    name: 'project file: a list, not a mapping',
    files: { 'dbt_project.yml': '- name: p\n- profile: p\n', 'models/a.sql': MODEL },
    argv: ['compile'], exit: 1, code: 'yaml-schema', at: 'dbt_project.yml:1',
  },
  {
    name: 'project file: no name',
    files: { 'dbt_project.yml': 'profile: p\n', 'models/a.sql': MODEL },
    argv: ['compile'], exit: 1, code: 'yaml-schema', message: 'name',
  },
  {
    name: 'project file: a name that is not an identifier',
    files: { 'dbt_project.yml': 'name: my-project\nprofile: p\n', 'models/a.sql': MODEL },
    argv: ['compile'], exit: 1, code: 'yaml-schema|invalid-config', at: 'dbt_project.yml:1', message: 'my-project',
  },
  {
    name: 'profiles.yml: a tab indents a key',
    files: { 'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev:\n\t  type: duckdb\n', 'models/a.sql': MODEL },
    argv: ['run'], exit: 1, code: 'yaml-syntax', at: 'profiles.yml:5', message: /tab/i,
  },
  {
    name: 'profiles.yml: the same key twice',
    files: { 'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: test.duckdb\n      path: other.duckdb\n', 'models/a.sql': MODEL },
    argv: ['run'], exit: 1, code: 'yaml-syntax', at: 'profiles.yml:7', message: /unique|duplicate/i,
  },
  {
    name: 'profiles.yml: a quote left open',
    files: { 'profiles.yml': "p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: 'test.duckdb\n      schema: main\n", 'models/a.sql': MODEL },
    argv: ['run'], exit: 1, code: 'yaml-syntax', at: 'profiles.yml:6',
  },
  {
    name: 'profiles.yml: empty',
    files: { 'profiles.yml': '', 'models/a.sql': MODEL },
    argv: ['run'], exit: 1, code: 'profile-not-found', message: 'profiles.yml',
  },
  {
    name: 'profiles.yml: outputs is a list',
    files: { 'profiles.yml': 'p:\n  target: dev\n  outputs:\n    - type: duckdb\n', 'models/a.sql': MODEL },
    argv: ['run'], exit: 1, code: 'yaml-schema', at: 'profiles.yml:4', message: 'outputs',
  },
  {
    name: 'properties: a tab indents a key',
    files: schema('version: 2\nmodels:\n  - name: a\n\tdescription: x\n'),
    argv: ['compile'], exit: 1, code: 'yaml-syntax', at: 'models/schema.yml:4', message: /tab/i,
  },
  {
    name: 'properties: a key indented between two levels',
    files: schema('version: 2\nmodels:\n  - name: a\n    columns:\n      - name: x\n     description: y\n'),
    argv: ['compile'], exit: 1, code: 'yaml-syntax', at: 'models/schema.yml:6',
  },
  {
    name: 'properties: the same key twice',
    files: schema('version: 2\nmodels:\n  - name: a\n    description: one\n    description: two\n'),
    argv: ['compile'], exit: 1, code: 'yaml-syntax', at: 'models/schema.yml:5', message: /unique|duplicate/i,
  },
  {
    name: 'properties: a quote left open',
    files: schema('version: 2\nmodels:\n  - name: a\n    description: "unclosed\n'),
    argv: ['compile'], exit: 1, code: 'yaml-syntax', at: 'models/schema.yml:4',
  },
  {
    name: 'properties: models is a mapping, not a list',
    files: schema('version: 2\nmodels:\n  a:\n    description: x\n'),
    argv: ['compile'], exit: 1, code: 'yaml-schema', at: 'models/schema.yml:3', message: 'models',
  },
  {
    name: 'properties: a model entry without a name',
    files: schema('version: 2\nmodels:\n  - description: x\n'),
    argv: ['compile'], exit: 1, code: 'yaml-schema', at: 'models/schema.yml:3', message: 'name',
  },
  {
    name: 'selectors.yml: a tab indents a key',
    files: { 'models/a.sql': MODEL, 'selectors.yml': 'selectors:\n  - name: nightly\n    definition:\n\tmethod: tag\n' },
    argv: ['ls', '--selector', 'nightly'], exit: 1, code: 'yaml-syntax', at: 'selectors.yml:4',
  },
  {
    name: 'selectors.yml: a selector without a definition',
    files: { 'models/a.sql': MODEL, 'selectors.yml': 'selectors:\n  - name: nightly\n    description: every night\n' },
    argv: ['ls', '--selector', 'nightly'], exit: 1, code: 'invalid-selectors-file|yaml-schema', at: 'selectors.yml:2', message: 'definition',
  },
  {
    name: 'selectors.yml: a definition with an unknown method',
    files: { 'models/a.sql': MODEL, 'selectors.yml': 'selectors:\n  - name: nightly\n    definition:\n      method: colour\n      value: red\n' },
    argv: ['ls', '--selector', 'nightly'], exit: 1, code: 'invalid-selectors-file|invalid-selector', at: 'selectors.yml:4', message: 'colour',
  },
  {
    name: 'packages.yml: a list left open',
    files: { 'models/a.sql': MODEL, 'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0", "<2.0.0"\n' },
    argv: ['deps'], exit: 1, code: 'yaml-syntax', at: 'packages.yml:3',
  },
  {
    name: 'packages.yml: an entry that names no source',
    files: { 'models/a.sql': MODEL, 'packages.yml': 'packages:\n  - version: 1.0.0\n' },
    argv: ['deps'], exit: 1, code: 'invalid-dependency|yaml-schema', at: 'packages.yml:2',
  },
  {
    name: 'project file: YAML nested 5,000 levels deep',
    files: { 'dbt_project.yml': `${PROJECT}vars:\n  deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'models/a.sql': MODEL },
    argv: ['compile'], exit: 1, code: 'yaml-syntax', at: 'dbt_project.yml:4', message: /nest|deep|call stack/i,
  },
  {
    name: 'properties: meta nested 5,000 levels deep and left open',
    files: schema(`version: 2\nmodels:\n  - name: a\n    meta:\n      deep: ${'{a: '.repeat(5000)}1\n`),
    argv: ['compile'], exit: 1, code: 'yaml-syntax', at: 'models/schema.yml:5',
  },
];

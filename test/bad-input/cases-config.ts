import { DUCKDB_PROFILE, MODEL, PROJECT, postgresProfile, type BadInputCase } from './case.js';

const projectModels = (config: string) => ({ 'dbt_project.yml': `${PROJECT}models:\n  p:\n${config}`, 'models/a.sql': MODEL });
const schema = (text: string) => ({ 'models/a.sql': MODEL, 'models/schema.yml': `version: 2\n${text}` });
const incremental = (config: string) => ({ 'models/a.sql': `{{ config(materialized='incremental', ${config}) }}\nselect 1 as id\n` });

/** Configuration of the wrong type, unknown keys (with suggestions) and settings that cannot work. */
export const CONFIG_CASES: BadInputCase[] = [
  {
    name: 'project file: materialized: 5',
    files: projectModels('    +materialized: 5\n'),
    argv: ['compile'], exit: 1, code: 'invalid-config|yaml-schema', at: 'dbt_project.yml:5', message: 'materialized',
  },
  {
    name: 'config(): materialized=5',
    files: { 'models/a.sql': '{{ config(materialized=5) }}\nselect 1 as x\n' },
    argv: ['compile'], exit: 1, code: 'invalid-config|yaml-schema', at: 'models/a.sql:1', message: 'materialized',
  },
  {
    name: 'properties: materialized: 5',
    files: schema('models:\n  - name: a\n    config:\n      materialized: 5\n'),
    argv: ['compile'], exit: 1, code: 'invalid-config|yaml-schema', at: 'models/schema.yml:5', message: 'materialized',
  },
  {
    name: 'config(): a materialization that does not exist, with a suggestion',
    files: { 'models/a.sql': "{{ config(materialized='tabel') }}\nselect 1 as x\n" },
    argv: ['run'], exit: 1, code: 'invalid-config', at: 'models/a.sql:1', message: "'table'",
  },
  {
    name: 'project file: tags: {a: 1}',
    files: projectModels('    +tags: {a: 1}\n'),
    argv: ['compile'], exit: 1, code: 'invalid-config|yaml-schema', at: 'dbt_project.yml:5', message: 'tags',
  },
  {
    name: 'config(): tags={"a": 1}',
    files: { 'models/a.sql': "{{ config(tags={'a': 1}) }}\nselect 1 as x\n" },
    argv: ['compile'], exit: 1, code: 'invalid-config|yaml-schema', at: 'models/a.sql:1', message: 'tags',
  },
  {
    name: 'properties: tags: {a: 1}',
    files: schema('models:\n  - name: a\n    config:\n      tags: {a: 1}\n'),
    argv: ['compile'], exit: 1, code: 'invalid-config|yaml-schema', at: 'models/schema.yml:5', message: 'tags',
  },
  {
    name: 'project file: enabled: "maybe"',
    files: projectModels('    +enabled: "maybe"\n'),
    argv: ['compile'], exit: 1, code: 'invalid-config|yaml-schema', at: 'dbt_project.yml:5', message: 'enabled',
  },
  {
    name: 'config(): enabled="maybe"',
    files: { 'models/a.sql': "{{ config(enabled='maybe') }}\nselect 1 as x\n" },
    argv: ['compile'], exit: 1, code: 'invalid-config|yaml-schema', at: 'models/a.sql:1', message: 'enabled',
  },
  {
    name: 'profiles.yml: threads: -1',
    files: { 'profiles.yml': DUCKDB_PROFILE.replace('threads: 1', 'threads: -1'), 'models/a.sql': MODEL },
    argv: ['run'], exit: 1, code: 'yaml-schema|invalid-config', at: 'profiles.yml:8', message: 'threads',
  },
  {
    name: 'profiles.yml: threads: many',
    files: { 'profiles.yml': DUCKDB_PROFILE.replace('threads: 1', 'threads: many'), 'models/a.sql': MODEL },
    argv: ['run'], exit: 1, code: 'yaml-schema|invalid-config', at: 'profiles.yml:8', message: 'threads',
  },
  {
    name: 'profiles.yml: port: abc',
    files: { 'profiles.yml': postgresProfile('host: 127.0.0.1\nport: abc\nuser: postgres\ndbname: test\nschema: s\n'), 'models/a.sql': MODEL },
    argv: ['run'], exit: 1, code: 'yaml-schema|invalid-config', at: 'profiles.yml:7', message: 'port',
  },
  {
    name: 'profiles.yml: a postgres output without host',
    files: { 'profiles.yml': postgresProfile('port: 1\nuser: postgres\ndbname: test\nschema: s\n'), 'models/a.sql': MODEL },
    argv: ['run'], exit: 1, code: 'yaml-schema|invalid-config', at: 'profiles.yml:4', message: 'host',
  },
  {
    name: 'profiles.yml: an unknown key, with a suggestion',
    files: { 'profiles.yml': postgresProfile('hots: 127.0.0.1\nuser: postgres\ndbname: test\nschema: s\n'), 'models/a.sql': MODEL },
    argv: ['run'], exit: 1, code: 'unknown-key|yaml-schema', at: 'profiles.yml:6', message: "'host'",
  },
  {
    name: 'project file: an unknown key, with a suggestion',
    files: { 'dbt_project.yml': `${PROJECT}model-path: [models]\n`, 'models/a.sql': MODEL },
    argv: ['compile'], exit: 1, code: 'unknown-key', at: 'dbt_project.yml:3', message: "'model-paths'",
  },
  {
    name: 'properties: an unknown top-level key, with a suggestion',
    files: schema('model:\n  - name: a\n'),
    argv: ['compile'], exit: 1, code: 'unknown-key', at: 'models/schema.yml:2', message: "'models'",
  },
  {
    name: 'properties: an unknown model key, with a suggestion',
    files: schema('models:\n  - name: a\n    descripton: the model\n'),
    argv: ['compile'], exit: 1, code: 'unknown-key', at: 'models/schema.yml:4', message: "'description'",
  },
  {
    name: 'properties: an unknown source key, with a suggestion',
    files: schema('sources:\n  - name: raw\n    tabels:\n      - name: orders\n'),
    argv: ['compile'], exit: 1, code: 'unknown-key', at: 'models/schema.yml:4', message: "'tables'",
  },
  {
    name: 'config(): an incremental strategy that does not exist',
    files: incremental("unique_key='id', incremental_strategy='upsert'"),
    argv: ['run'], exit: 1, code: 'invalid-config', at: 'models/a.sql:1', message: 'upsert',
  },
  {
    name: 'config(): an incremental strategy the adapter lacks (insert_overwrite on DuckDB)',
    files: incremental("incremental_strategy='insert_overwrite'"),
    argv: ['run'], exit: 1, code: 'invalid-config', at: 'models/a.sql:1', message: 'insert_overwrite',
  },
  {
    name: 'config(): merge without unique_key',
    files: incremental("incremental_strategy='merge'"),
    argv: ['run'], exit: 1, code: 'invalid-config', at: 'models/a.sql:1', message: 'unique_key',
  },
  {
    name: 'config(): delete+insert without unique_key',
    files: incremental("incremental_strategy='delete+insert'"),
    argv: ['run'], exit: 1, code: 'invalid-config', at: 'models/a.sql:1', message: 'unique_key',
  },
  {
    name: 'config(): on_schema_change that does not exist',
    files: incremental("on_schema_change='explode'"),
    argv: ['run'], exit: 1, code: 'invalid-config|yaml-schema', at: 'models/a.sql:1', message: 'explode',
  },
  {
    name: 'config(): a positional argument',
    files: { 'models/a.sql': "{{ config('table') }}\nselect 1 as x\n" },
    argv: ['compile'], exit: 1, code: 'invalid-config|template-render', at: 'models/a.sql:1', message: 'config',
  },
];

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadOptions } from '../../../core/project/load-project.js';
import { EMPTY_HOME as home, load, userErrors } from '../../helpers/load.js';
import { projectYml, writeFiles, writeProject } from '../../helpers/temp-project.js';

const loadErrors = (projectDir: string, extra: Partial<LoadOptions> = {}) => userErrors(() => load(projectDir, extra));

describe('project loading', () => {
  it('prefers strata_project.yml and falls back to dbt_project.yml', () => {
    const both = writeProject({
      'strata_project.yml': projectYml('strata_one'),
      'dbt_project.yml': projectYml('dbt_one'),
      'models/a.sql': 'select 1',
    });
    expect(load(both).name).toBe('strata_one');
    const dbtOnly = writeProject({ 'dbt_project.yml': projectYml('dbt_one'), 'models/a.sql': 'select 1' });
    const project = load(dbtOnly);
    expect(project.name).toBe('dbt_one');
    expect([...project.nodes.keys()]).toEqual(['model.dbt_one.a']);
  });

  it('reports a missing project file', () => {
    const dir = writeProject({});
    expect(loadErrors(dir)[0]?.code).toBe('project-file-missing');
  });

  it('resolves configs: project tree by folder, then properties file, then config() in the model', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml(
        'p',
        `models:\n  +tags: [all]\n  p:\n    +materialized: table\n    staging:\n      +materialized: view\n      +schema: stg\n      +tags: [staging]\n`,
      ),
      'models/top.sql': 'select 1 as x',
      'models/staging/s1.sql': 'select 1 as x',
      'models/staging/s2.sql': "{{ config(materialized='table', tags=['inline']) }}\nselect 1 as x",
      'models/staging/s3.sql': 'select 1 as x',
      'models/staging/props.yml': 'version: 2\nmodels:\n  - name: s3\n    config:\n      materialized: ephemeral\n',
    });
    const project = load(dir);
    const config = (name: string) => project.nodes.get(`model.p.${name}`)?.config;
    expect(config('top')?.materialized).toBe('table');
    expect(config('top')?.tags).toEqual(['all']);
    expect(config('s1')?.materialized).toBe('view');
    expect(config('s1')?.tags).toEqual(['all', 'staging']);
    expect(config('s2')?.materialized).toBe('table');
    expect(config('s2')?.tags).toEqual(['all', 'staging', 'inline']);
    expect(config('s3')?.materialized).toBe('ephemeral');
    // dbt's default generate_schema_name: custom schema appended to the target schema.
    expect(project.nodes.get('model.p.s1')?.relation.schema).toBe('main_stg');
    expect(project.nodes.get('model.p.top')?.relation.schema).toBe('main');
  });

  it('rejects a misspelled config key with file, line and the closest valid key', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p', 'models:\n  p:\n    +materialised: table\n'),
      'models/a.sql': 'select 1',
    });
    const [error] = loadErrors(dir);
    expect(error?.code).toBe('unknown-key');
    expect(error?.message).toContain("Did you mean '+materialized'?");
    expect(error?.at).toMatchObject({ file: 'dbt_project.yml', line: 5 });
  });

  it('rejects a bare misspelled key in the config tree', () => {
    const dir = writeProject({ 'dbt_project.yml': projectYml('p', 'models:\n  p:\n    materialzed: table\n'), 'models/a.sql': 'select 1' });
    const [error] = loadErrors(dir);
    expect(error?.message).toContain("neither a config nor a folder. Did you mean '+materialized'?");
    expect(error?.at?.line).toBe(5);
  });

  it('rejects unknown keys in the project file, properties files and config() calls', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p', 'model-path: [models]\n'),
      'models/a.sql': "select 1\n{{ config(materialzed='table') }}",
      'models/props.yml': 'version: 2\nmodels:\n  - name: a\n    descripton: typo\n',
    });
    const errors = loadErrors(dir);
    expect(errors.map((e) => [e.at?.file, e.at?.line, e.message])).toEqual([
      ['dbt_project.yml', 3, "Unknown key 'model-path' in project file. Did you mean 'model-paths'?"],
      ['models/props.yml', 4, "Unknown key 'descripton' in properties file at 'models.0'. Did you mean 'description'?"],
      ['models/a.sql', 2, "Unknown key 'materialzed' in config(). Did you mean 'materialized'?"],
    ]);
  });

  it('reports YAML syntax errors with line numbers', () => {
    const dir = writeProject({ 'dbt_project.yml': 'name: p\nmodels: [unclosed\n' });
    const [error] = loadErrors(dir);
    expect(error?.code).toBe('yaml-syntax');
    expect(error?.at?.file).toBe('dbt_project.yml');
  });

  it('applies properties: descriptions, columns and doc() blocks', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/orders.sql': 'select 1 as id',
      'models/docs.md': '{% docs orders_doc %}\nAll **orders**.\n{% enddocs %}\n',
      'models/schema.yml':
        'version: 2\nmodels:\n  - name: orders\n    description: "{{ doc(\'orders_doc\') }}"\n    columns:\n      - name: id\n        description: Key\n        data_tests: [unique, not_null]\n',
    });
    const node = load(dir).nodes.get('model.p.orders');
    expect(node?.description).toBe('All **orders**.');
    expect(node?.columns.id).toMatchObject({ description: 'Key', tests: ['unique', 'not_null'] });
    expect(node?.patchPath).toBe('models/schema.yml');
  });

  it('reports an unknown doc() block', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/orders.sql': 'select 1 as id',
      'models/docs.md': '{% docs orders_doc %}x{% enddocs %}',
      'models/schema.yml': 'models:\n  - name: orders\n    description: "{{ doc(\'order_doc\') }}"\n',
    });
    const [error] = loadErrors(dir);
    expect(error?.code).toBe('unknown-doc');
    expect(error?.message).toContain("Did you mean 'orders_doc'?");
    expect(error?.at).toMatchObject({ file: 'models/schema.yml', line: 3 });
  });

  it('declares sources with schema and identifier defaults', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/src.yml':
        'sources:\n  - name: erp\n    tables:\n      - name: customers\n      - name: sales\n        identifier: SALES_EXPORT\n  - name: crm\n    schema: raw_crm\n    tables: [{name: leads}]\n',
    });
    const sources = load(dir).sources;
    expect(sources.get('source.p.erp.customers')?.relation).toMatchObject({ schema: 'erp', identifier: 'customers' });
    expect(sources.get('source.p.erp.sales')?.relation.identifier).toBe('SALES_EXPORT');
    expect(sources.get('source.p.crm.leads')?.relation.schema).toBe('raw_crm');
  });

  it('overrides project vars with --vars and supports project-scoped vars', () => {
    const dir = writeProject({ 'dbt_project.yml': projectYml('p', 'vars:\n  a: 1\n  b: 2\n  p:\n    c: 3\n'), 'models/m.sql': 'select 1' });
    expect(load(dir, { vars: { b: 20 } }).vars).toEqual({ a: 1, b: 20, c: 3 });
  });

  it('warns about config paths that match no folder', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p', 'models:\n  p:\n    stagin:\n      +schema: s\n'),
      'models/staging/a.sql': 'select 1',
    });
    const warnings = load(dir).warnings;
    expect(warnings.map((w) => w.code)).toEqual(['unused-config-path']);
    expect(warnings[0]?.at?.line).toBe(5);
  });

  it("accepts every key of dbt's dbt_project.yml, warning only where ignoring it could surprise", () => {
    const keys =
      'log-path: logs\ndbt-cloud:\n  project-id: 7\nrestrict-access: true\nsource-paths: [models]\nsemantic-models:\n  +enabled: true\nsaved-queries: {}\nexposures: {}\nmetrics: {}\nflags:\n  send_anonymous_usage_stats: false\n';
    const dir = writeProject({ 'dbt_project.yml': projectYml('p', keys), 'models/a.sql': 'select 1' });
    const warnings = load(dir).warnings;
    expect(warnings.map((w) => [w.code, w.message, w.at?.line])).toEqual([
      [
        'ignored-setting',
        "'restrict-access' has no effect in Strata: Strata checks model access ('access: private/protected') whether or not restrict-access is set.",
        6,
      ],
      [
        'ignored-setting',
        "'source-paths' has no effect in Strata: dbt 1.0 renamed it; Strata reads models from 'model-paths' only, so rename the key.",
        7,
      ],
    ]);
  });

  it("stops with the project's require-dbt-version when it does not admit dbt 1.10", () => {
    const ok = writeProject({
      'dbt_project.yml': projectYml('p', 'require-dbt-version: [">=1.5.0", "<2.0.0"]\n'),
      'models/a.sql': 'select 1',
    });
    expect(load(ok).nodes.size).toBe(1);
    const old = writeProject({ 'dbt_project.yml': projectYml('p', 'require-dbt-version: ">=1.11.0"\n'), 'models/a.sql': 'select 1' });
    expect(userErrors(() => load(old)).map((e) => [e.code, e.message])).toEqual([
      [
        'incompatible-dbt-version',
        'Project \'p\' requires dbt ">=1.11.0"; Strata behaves as dbt 1.10.0. To use it, widen require-dbt-version to admit 1.10.0.',
      ],
    ]);
  });

  it('disables nodes with enabled: false', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/a.sql': '{{ config(enabled=false) }} select 1',
      'models/b.sql': 'select 1',
    });
    const project = load(dir);
    expect([...project.nodes.keys()]).toEqual(['model.p.b']);
    expect([...project.disabled.keys()]).toEqual(['model.p.a']);
  });
});

describe('profiles', () => {
  const profile = (name: string, schema: string, extra = '') =>
    `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: ${schema}\n${extra}    prod:\n      type: duckdb\n      path: prod.duckdb\n      schema: prod\n`;

  it('defaults to an embedded DuckDB file under target/ when there is no profiles.yml', () => {
    const dir = writeProject({ 'dbt_project.yml': projectYml('p') });
    const target = load(dir).target;
    expect(target.type).toBe('duckdb');
    expect(target.config.path).toBe(join(dir, 'target', 'strata.duckdb'));
    expect(target.profilesFile).toBeUndefined();
  });

  it('uses the built-in target only when nothing names another: a named profile or target that is not found is an error', () => {
    const named = writeProject({ 'dbt_project.yml': 'name: p\nprofile: warehouse\n' });
    const [profileError] = loadErrors(named);
    expect(profileError).toMatchObject({ code: 'profile-not-found', at: { file: 'dbt_project.yml', line: 2 } });
    expect(profileError?.message).toContain("Could not find profile named 'warehouse': no profiles.yml was found (looked in");
    const bare = writeProject({ 'dbt_project.yml': projectYml('p') });
    const [targetError] = loadErrors(bare, { target: 'pg' });
    expect(targetError).toMatchObject({ code: 'target-not-found' });
    expect(targetError?.message).toContain("Could not find target 'pg'");
    expect(targetError?.message).toContain('valid target names: dev');
    expect(load(bare, { target: 'dev' }).target).toMatchObject({ type: 'duckdb', targetName: 'dev', profileName: 'default' });
  });

  it('reads --profiles-dir, else STRATA_PROFILES_DIR, else DBT_PROFILES_DIR alone; else the project, then ~/.strata', () => {
    const dir = writeProject({ 'dbt_project.yml': projectYml('p'), 'profiles.yml': profile('p', 'in_project') });
    const flagDir = writeProject({ 'profiles.yml': profile('p', 'from_flag') });
    const envDir = writeProject({ 'profiles.yml': profile('p', 'from_env') });
    const userHome = writeProject({ '.strata/profiles.yml': profile('p', 'from_home') });
    expect(load(dir, { profilesDir: flagDir, env: { HOME: home, STRATA_PROFILES_DIR: envDir } }).target.info.schema).toBe('from_flag');
    expect(load(dir, { env: { HOME: home, STRATA_PROFILES_DIR: envDir } }).target.info.schema).toBe('from_env');
    expect(load(dir).target.info.schema).toBe('in_project');
    const bare = writeProject({ 'dbt_project.yml': projectYml('p') });
    expect(load(bare, { env: { HOME: userHome } }).target.info.schema).toBe('from_home');
    expect(load(dir, { env: { HOME: home, STRATA_PROFILES_DIR: '', DBT_PROFILES_DIR: envDir } }).target.info.schema).toBe('from_env');
    // A folder asked for without profiles.yml is an error, never the project's profiles.yml instead.
    const [missing] = loadErrors(dir, { profilesDir: join(dir, 'nowhere') });
    expect(missing).toMatchObject({ code: 'profile-not-found' });
    expect(missing?.message).toBe(
      `No profile: no profiles.yml in ${join(dir, 'nowhere')} (the folder --profiles-dir names, which does not exist).`,
    );
    expect(loadErrors(dir, { env: { HOME: home, DBT_PROFILES_DIR: join(envDir, 'sub') } })[0]?.message).toContain(
      'the folder DBT_PROFILES_DIR names',
    );
  });

  it("requires dbt-postgres's connection keys, pointing a missing one at the output", () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'profiles.yml': 'p:\n  outputs:\n    dev:\n      type: postgres\n      host: ""\n      user: u\n      dbname: d\n      schema: s\n',
    });
    expect(loadErrors(dir).map((d) => [d.code, d.at?.line, d.message])).toEqual([
      ['yaml-schema', 3, "Profile 'p', target 'dev': 'port' is required."],
    ]);
    writeFiles(dir, {
      'profiles.yml': 'p:\n  outputs:\n    dev:\n      type: postgres\n      port: x\n      user: u\n      dbname: d\n      schema: s\n',
    });
    expect(loadErrors(dir).map((d) => [d.at?.line, d.message])).toEqual([
      [3, "Profile 'p', target 'dev': 'host' is required."],
      [5, "Profile 'p', target 'dev': 'port': Invalid input: expected number, received NaN"],
    ]);
  });

  it('picks --target over the profile default and renders env_var()', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'profiles.yml': profile('p', "\"{{ env_var('DEV_SCHEMA', 'fallback') }}\""),
    });
    expect(load(dir, { env: { HOME: home, DEV_SCHEMA: 'alice' } }).target.info.schema).toBe('alice');
    expect(load(dir).target.info.schema).toBe('fallback');
    expect(load(dir, { target: 'prod' }).target.info.schema).toBe('prod');
    expect(load(dir).target.config.path).toBe(join(dir, 'dev.duckdb'));
  });

  it('reports a missing profile, an unknown target and bad keys with suggestions', () => {
    const dir = writeProject({ 'dbt_project.yml': 'name: shop\nprofile: shop\n', 'profiles.yml': profile('shops', 'x') });
    const [missing] = loadErrors(dir);
    expect(missing?.message).toContain("Could not find profile named 'shop' (named by the project file) in");
    expect(missing?.message).toContain("Did you mean 'shops'?");
    expect(missing?.at).toEqual({ file: 'dbt_project.yml', line: 2, column: 10 });
    writeFiles(dir, { 'profiles.yml': profile('shop', 'x') });
    expect(loadErrors(dir, { target: 'prd' })[0]?.message).toContain("Did you mean 'prod'?");
    writeFiles(dir, { 'profiles.yml': profile('shop', 'x', '      threds: 4\n') });
    const [bad] = loadErrors(dir);
    expect(bad?.message).toContain("unknown key 'threds'. Did you mean 'threads'?");
    expect(bad?.at?.line).toBe(8);
  });

  it('reports an env_var() with no value and no default', () => {
    const dir = writeProject({ 'dbt_project.yml': projectYml('p'), 'profiles.yml': profile('p', '"{{ env_var(\'NOPE\') }}"') });
    const [error] = loadErrors(dir);
    expect(error?.code).toBe('missing-env-var');
    expect(error?.message).toContain("'NOPE'");
  });
});

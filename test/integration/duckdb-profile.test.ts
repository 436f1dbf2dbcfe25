import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

const env = { HOME: EMPTY_HOME };

/** Runs `sql` on a DuckDB file (created when missing); rows with every value as text. */
async function onFile(file: string, sql: string): Promise<Record<string, string>[]> {
  const instance = await DuckDBInstance.create(file);
  try {
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS();
    connection.closeSync();
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])));
  } finally {
    instance.closeSync();
  }
}

/** A project whose dev output has `output` (YAML lines indented for the output) added. */
function project(output: string, files: Record<string, string> = {}): string {
  return writeProject({
    'dbt_project.yml': projectYml('p'),
    'profiles.yml': `p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n${output}`,
    ...files,
  });
}

const strata = (dir: string, ...args: string[]) => cli([...args, '--project-dir', dir], env);

describe('DuckDB profile: attach', () => {
  it('attaches files at connect: read-only ones serve sources, writable ones take models, both by alias or file stem', async () => {
    const dir = project(
      '      attach:\n        - path: crm.duckdb\n          alias: crm\n          read_only: true\n        - path: lake/scratch.duckdb\n',
      {
        'models/sources.yml':
          'version: 2\nsources:\n  - name: crm\n    database: crm\n    schema: main\n    tables:\n      - name: customers\n',
        'models/customer_names.sql':
          "{{ config(materialized='table', database='scratch') }}select id, upper(name) as name from {{ source('crm', 'customers') }}",
        'models/report.sql': "{{ config(materialized='table') }}select count(*) as n from {{ ref('customer_names') }}",
      },
    );
    await onFile(join(dir, 'crm.duckdb'), "create table customers as select * from (values (1, 'ann'), (2, 'bob')) t(id, name)");
    const run = await strata(dir, 'build');
    expect(run.code, run.out + run.err).toBe(0);
    expect(await onFile(join(dir, 'lake/scratch.duckdb'), 'select name from main.customer_names order by id')).toEqual([
      { name: 'ANN' },
      { name: 'BOB' },
    ]);
    expect(await onFile(join(dir, 'dev.duckdb'), 'select n from main.report')).toEqual([{ n: '2' }]);
  });

  it('refuses a write to a read-only attachment, and the file keeps its data', async () => {
    const dir = project('      attach:\n        - path: crm.duckdb\n          read_only: true\n', {
      'models/overwrite.sql': "{{ config(materialized='table', database='crm') }}select 1 as id",
    });
    await onFile(join(dir, 'crm.duckdb'), 'create table overwrite as select 42 as id');
    const run = await strata(dir, 'build');
    expect(run.code).toBe(1);
    expect(run.out + run.err).toContain('Cannot execute statement of type "CREATE" on database "crm" which is attached in read-only mode!');
    expect(await onFile(join(dir, 'crm.duckdb'), 'select id from overwrite')).toEqual([{ id: '42' }]);
  });

  it('names a read-only attachment that does not exist', async () => {
    const dir = project('      attach:\n        - path: missing.duckdb\n          read_only: true\n', { 'models/m.sql': 'select 1 as id' });
    const run = await strata(dir, 'build');
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      `error[attach-failed]: Cannot attach ${join(dir, 'missing.duckdb')} as 'missing' (under 'attach' in profiles.yml):`,
    );
    expect(run.err).toContain('(a read-only database must exist)');
  });

  it('checks attach entries by their place in the list', async () => {
    const dir = project(
      '      attach:\n        - path: a.duckdb\n          readonly: true\n        - path: b.duckdb\n          alias: a\n',
    );
    const run = await strata(dir, 'ls');
    expect(run.code).not.toBe(0);
    expect(run.err).toContain("Profile 'p', target 'dev': 'attach[0]': unknown key 'readonly'");
  });
});

describe('DuckDB profile: settings', () => {
  it('applies settings and config_options, read back with current_setting', async () => {
    const dir = project(
      "      config_options:\n        threads: 3\n      settings:\n        memory_limit: '2GiB'\n        preserve_insertion_order: false\n",
      {
        'models/applied.sql':
          "{{ config(materialized='table') }}select current_setting('threads') as threads, current_setting('memory_limit') as memory_limit, current_setting('preserve_insertion_order') as ordered",
      },
    );
    const run = await strata(dir, 'build');
    expect(run.code, run.out + run.err).toBe(0);
    expect(await onFile(join(dir, 'dev.duckdb'), 'select * from applied')).toEqual([
      { threads: '3', memory_limit: '2.0 GiB', ordered: 'false' },
    ]);
  });

  it('names an unknown setting, with DuckDB suggestion', async () => {
    const dir = project("      settings:\n        memory_limt: '2GiB'\n", { 'models/m.sql': 'select 1 as id' });
    const run = await strata(dir, 'build');
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      "error[duckdb-setting-invalid]: Unknown DuckDB setting 'memory_limt' under 'settings' in profiles.yml. Did you mean 'memory_limit'?",
    );
    expect(run.err).not.toMatch(/\n\s+at /);
  });

  it('names a setting whose value DuckDB refuses', async () => {
    const dir = project('      settings:\n        threads: 2\n        memory_limit: lots\n', { 'models/m.sql': 'select 1 as id' });
    const run = await strata(dir, 'build');
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      "error[duckdb-setting-invalid]: DuckDB refused the value of the setting 'memory_limit' under 'settings' in profiles.yml:",
    );
  });

  it('names the extension an S3 setting needs when it is not installed (no network used)', async () => {
    const [httpfs] = await onFile(':memory:', "select installed from duckdb_extensions() where extension_name = 'httpfs'");
    const dir = project(
      '      config_options:\n        autoinstall_known_extensions: false\n      settings:\n        s3_region: eu-west-1\n        s3_access_key_id: AKIAEXAMPLE\n',
      { 'models/region.sql': "{{ config(materialized='table') }}select current_setting('s3_region') as region" },
    );
    const run = await strata(dir, 'build');
    if (httpfs?.installed === 'true') {
      expect(run.code, run.out + run.err).toBe(0);
      expect(await onFile(join(dir, 'dev.duckdb'), 'select region from region')).toEqual([{ region: 'eu-west-1' }]);
    } else {
      expect(run.code).toBe(2);
      expect(run.err).toContain(
        "error[extension-unavailable]: The DuckDB extension 'httpfs' (needed by the setting 's3_region' under 'settings' in profiles.yml) is not installed. To install it without network access, download http://extensions.duckdb.org/",
      );
    }
  });
});

describe('DuckDB profile: extensions', () => {
  it('loads installed extensions, named or as {name, repo}, without installing them again', async () => {
    const dir = project('      extensions:\n        - json\n        - name: parquet\n          repo: core\n', {
      'models/loaded.sql':
        "{{ config(materialized='table') }}select extension_name as name from duckdb_extensions() where loaded and extension_name in ('json', 'parquet') order by 1",
    });
    const run = await strata(dir, 'build');
    expect(run.code, run.out + run.err).toBe(0);
    expect(await onFile(join(dir, 'dev.duckdb'), 'select name from loaded')).toEqual([{ name: 'json' }, { name: 'parquet' }]);
  });

  it('names an extension DuckDB does not know', async () => {
    const dir = project('      extensions:\n        - nosuchext\n', { 'models/m.sql': 'select 1 as id' });
    const run = await strata(dir, 'build');
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      "error[extension-unavailable]: The DuckDB extension 'nosuchext' (listed under 'extensions' in profiles.yml) could not be installed",
    );
    expect(run.err).not.toMatch(/\n\s+at /);
  });

  it('says how to install an extension by hand when its repository does not have it', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'strata-ext-repo-'));
    const dir = project(`      extensions:\n        - name: strata_missing_ext\n          repo: ${repo}\n`, {
      'models/m.sql': 'select 1 as id',
    });
    const run = await strata(dir, 'build');
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      "error[extension-unavailable]: The DuckDB extension 'strata_missing_ext' (listed under 'extensions' in profiles.yml) could not be installed (Failed to install local extension",
    );
    expect(run.err).toMatch(
      /To install it without network access, download .*strata_missing_ext\.duckdb_extension\.gz on a machine that has it/,
    );
  });
});

/** Every file under `dir` whose name or bytes hold `needle`. */
function filesHolding(dir: string, needle: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((file) => file.includes(needle) || readFileSync(file).includes(Buffer.from(needle)))
    .map((file) => relative(dir, file));
}

describe('DuckDB profile: secrets', () => {
  it('creates temporary secrets DuckDB shows redacted, and no value reaches target/ or the output', async () => {
    const token = `t0ken${randomBytes(8).toString('hex')}`;
    const dir = project(
      '      secrets:\n        - type: http\n          bearer_token: "{{ env_var(\'API_TOKEN\') }}"\n          scope: https://api.example.com\n        - type: http\n          name: proxy\n          http_proxy: localhost:3128\n',
      {
        'models/secrets.sql':
          "{{ config(materialized='table') }}select name, persistent, storage, secret_string from duckdb_secrets() order by name",
      },
    );
    const run = await cli(['build', '--project-dir', dir], { ...env, API_TOKEN: token });
    expect(run.code, run.out + run.err).toBe(0);
    const rows = await onFile(join(dir, 'dev.duckdb'), 'select * from secrets');
    expect(rows.map((r) => [r.name, r.persistent, r.storage])).toEqual([
      ['_dbt_secret_1', 'false', 'memory'],
      ['proxy', 'false', 'memory'],
    ]);
    expect(rows[0]?.secret_string).toContain('bearer_token=redacted');
    expect(rows[0]?.secret_string).toContain('scope=https://api.example.com');
    const debug = await cli(['debug', '--project-dir', dir], { ...env, API_TOKEN: token });
    expect(debug.code, debug.out + debug.err).toBe(0);
    expect(debug.out).toContain('  secrets: ****');
    expect(filesHolding(dir, token)).toEqual([]);
    expect(run.out + run.err + debug.out + debug.err).not.toContain(token);
  });

  it('names a mistyped key of an S3 secret, and refuses persistent secrets', async () => {
    const dir = project(
      '      secrets:\n        - type: s3\n          key_id: AKIAEXAMPLE\n          secert: shh\n          region: eu-west-1\n        - type: s3\n          persistent: true\n',
    );
    const run = await strata(dir, 'ls');
    expect(run.code).not.toBe(0);
    expect(run.err).toContain(
      "Profile 'p', target 'dev': 'secrets[0]': unknown key 'secert' for a secret of type s3. Did you mean 'secret'?",
    );
    expect(run.err).toContain(
      "Profile 'p', target 'dev': 'secrets[1].persistent': Strata creates temporary secrets only, so no credential is written to disk; remove 'persistent'.",
    );
    expect(run.err).not.toContain('shh');
  });

  it('names the extension an S3 secret needs when it is not installed (no network used)', async () => {
    const [httpfs] = await onFile(':memory:', "select installed from duckdb_extensions() where extension_name = 'httpfs'");
    const secret = `s3cr3t${randomBytes(8).toString('hex')}`;
    const dir = project(
      `      config_options:\n        autoinstall_known_extensions: false\n      secrets:\n        - type: s3\n          key_id: AKIAEXAMPLE\n          secret: "{{ env_var('S3_SECRET') }}"\n          region: eu-west-1\n          endpoint: localhost:9000\n          url_style: path\n          use_ssl: false\n`,
      { 'models/s3.sql': "{{ config(materialized='table') }}select type, secret_string from duckdb_secrets()" },
    );
    const run = await cli(['build', '--project-dir', dir], { ...env, S3_SECRET: secret });
    if (httpfs?.installed === 'true') {
      expect(run.code, run.out + run.err).toBe(0);
      const [row] = await onFile(join(dir, 'dev.duckdb'), 'select * from s3');
      expect(row?.type).toBe('s3');
      expect(row?.secret_string).toContain('secret=redacted');
    } else {
      expect(run.code).toBe(2);
      expect(run.err).toContain(
        "error[extension-unavailable]: The DuckDB extension 'httpfs' (needed by the secret '_dbt_secret_1' of type s3 under 'secrets' in profiles.yml) is not installed.",
      );
    }
    expect(run.out + run.err).not.toContain(secret);
    expect(filesHolding(dir, secret)).toEqual([]);
  });
});

describe('DuckDB profile: dbt-duckdb keys', () => {
  it('refuses the Python-only keys with what to do instead', async () => {
    const dir = project(
      '      filesystems:\n        - fs: s3\n      plugins:\n        - module: excel\n      retries:\n        query_attempts: 3\n      module_paths: [lib]\n      remote:\n        host: localhost\n',
    );
    const run = await strata(dir, 'ls');
    expect(run.code).not.toBe(0);
    expect(run.err).toContain(
      "Profile 'p', target 'dev': 'filesystems' (a dbt-duckdb key) is not supported: fsspec filesystems are a Python feature of dbt-duckdb.",
    );
    expect(run.err).toContain(
      "Profile 'p', target 'dev': 'plugins' (a dbt-duckdb key) is not supported: dbt-duckdb's plugins are Python modules",
    );
    expect(run.err).toContain("Profile 'p', target 'dev': 'retries' (a dbt-duckdb key) is not supported: Strata does not retry");
    expect(run.err).toContain(
      "Profile 'p', target 'dev': 'module_paths' (a dbt-duckdb key) is not supported: it adds folders for Python modules",
    );
    expect(run.err).toContain(
      "Profile 'p', target 'dev': 'remote' (a dbt-duckdb key) is not supported: Strata runs DuckDB in its own process",
    );
  });

  it('accepts keep_open and disable_transactions: false; refuses disable_transactions: true and unknown keys', async () => {
    const ok = project('      keep_open: true\n      disable_transactions: false\n', { 'models/m.sql': 'select 1 as id' });
    const run = await strata(ok, 'build');
    expect(run.code, run.out + run.err).toBe(0);
    const bad = project('      disable_transactions: true\n      use_credential_provider: gcp\n      extentions: [json]\n');
    const refused = await strata(bad, 'ls');
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain("'disable_transactions': Strata replaces relations inside transactions");
    expect(refused.err).toContain("'use_credential_provider': must be 'aws', the only provider dbt-duckdb knows");
    expect(refused.err).toContain("unknown key 'extentions'. Did you mean 'extensions'?");
  });
});

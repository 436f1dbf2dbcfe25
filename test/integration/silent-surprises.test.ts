import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheDir, loadBundle } from '../../cli/load-bundle.js';
import { compileStateFiles } from '../../core/compile/compile-state.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

// Issue #18: what Strata used to accept without a word, and a dbt user expects to hear about.
const env = { HOME: EMPTY_HOME };

/** Statuses from target/run_results.json, by node name. */
function statuses(dir: string): Record<string, string> {
  const artifact = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as {
    results: { unique_id: string; status: string }[];
  };
  return Object.fromEntries(artifact.results.map((r) => [r.unique_id.split('.')[2] as string, r.status]));
}

describe('silent surprises become errors', () => {
  it('1. a named profile or --target that is not found is an error, never a build on the built-in DuckDB', async () => {
    // The project names a profile, and there is no profiles.yml anywhere.
    const named = writeProject({ 'dbt_project.yml': 'name: p\nprofile: warehouse\n', 'models/a.sql': 'select 1 as x' });
    const run = await cli(['run', '--project-dir', named], env);
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      "dbt_project.yml:2:10: error[profile-not-found]: Could not find profile named 'warehouse': no profiles.yml was found (looked in",
    );
    expect(existsSync(join(named, 'target/strata.duckdb'))).toBe(false);
    const debug = await cli(['debug', '--project-dir', named], env);
    expect(debug.code).toBe(1);
    expect(debug.out).not.toContain('All checks passed');
    // A profiles.yml without that profile: the same error, at the same line, with the profiles it has.
    writeFiles(named, { 'profiles.yml': 'wherehouse:\n  outputs:\n    dev: {type: duckdb, path: x.duckdb}\n' });
    const other = await cli(['run', '--project-dir', named], env);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(
      /dbt_project\.yml:2:10: error\[profile-not-found\]: Could not find profile named 'warehouse' .*\(profiles: wherehouse\)\. Did you mean 'wherehouse'\?/,
    );

    // No profile named and no profiles.yml: --target pg names a target that does not exist.
    const bare = writeProject({ 'dbt_project.yml': projectYml('p'), 'models/a.sql': 'select 1 as x' });
    for (const command of ['run', 'debug']) {
      const result = await cli([command, '--project-dir', bare, '--target', 'pg'], env);
      expect(result.code, command).toBe(1);
      expect(result.err).toContain("error[target-not-found]: Could not find target 'pg': no profiles.yml was found");
      expect(result.err).toContain('valid target names: dev');
      expect(result.out).not.toContain('All checks passed');
    }
    expect(existsSync(join(bare, 'target/strata.duckdb'))).toBe(false);
    // A profile's own target that is not among its outputs points at its `target:` line.
    writeFiles(bare, { 'profiles.yml': 'p:\n  target: prod\n  outputs:\n    dev: {type: duckdb, path: x.duckdb}\n' });
    const missingTarget = await cli(['run', '--project-dir', bare], env);
    expect(missingTarget.err).toMatch(
      /profiles\.yml:2:\d+: error\[target-not-found\]: The profile 'p' does not have a target named 'prod' \(valid target names: dev\)/,
    );
    rmSync(join(bare, 'profiles.yml'));

    // Nothing named: the built-in DuckDB target, as before (and `--target dev` names it).
    expect((await cli(['run', '--project-dir', bare], env)).code).toBe(0);
    expect(existsSync(join(bare, 'target/strata.duckdb'))).toBe(true);
    const fine = await cli(['debug', '--project-dir', bare, '--target', 'dev'], env);
    expect(fine.code).toBe(0);
    expect(fine.out).toContain('profiles.yml: none found; using the built-in DuckDB target');
    expect(fine.out).toContain('All checks passed');
  });

  it('2. a file that is not UTF-8 is an error at the line of its first bad byte; a byte-order mark is dropped', async () => {
    const dir = writeProject({ 'dbt_project.yml': projectYml('p'), 'models/ok.sql': "\ufeffselect 'café' as name\n" });
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    writeFileSync(join(dir, 'models/a.sql'), latin1("select 1 as id,\n  -- the customer's name\n  'caf\xe9' as name\n"));
    mkdirSync(join(dir, 'macros'));
    writeFileSync(join(dir, 'macros/m.sql'), latin1('{% macro m() %}\n{# d\xe9j\xe0 vu #}\n{% endmacro %}\n'));
    writeFileSync(join(dir, 'models/schema.yml'), latin1('version: 2\nmodels:\n  - name: ok\n    description: caf\xe9\n'));
    writeFileSync(join(dir, 'models/logo.sql'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff]));
    const result = await cli(['compile', '--project-dir', dir], env);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'models/a.sql:3:7: error[file-not-utf8]: models/a.sql is not UTF-8: byte 0xE9 on line 3 is not valid UTF-8',
    );
    expect(result.err).toContain('Project files must be UTF-8, as in dbt');
    expect(result.err).toContain('macros/m.sql:2:5: error[file-not-utf8]');
    expect(result.err).toContain('models/schema.yml:4:21: error[file-not-utf8]');
    expect(result.err).toContain('models/logo.sql:1:1: error[file-not-utf8]: models/logo.sql is not UTF-8: byte 0x89');
    // UTF-8 with a byte-order mark builds, and the BOM is not sent to the database.
    for (const file of ['models/a.sql', 'macros/m.sql', 'models/schema.yml', 'models/logo.sql']) rmSync(join(dir, file));
    expect((await cli(['run', '--project-dir', dir], env)).code).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/p/models/ok.sql'), 'utf8')).toBe("select 'café' as name\n");
  });

  it('3. a {% docs %} block left open is an error at its opening tag', async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/a.sql': 'select 1 as x',
      'models/docs.md': '# Docs\n\n{% docs closed %}Fine.{% enddocs %}\n\n{% docs orders %}\nOne row per order.\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    description: \'{{ doc("closed") }}\'\n',
    });
    const result = await cli(['compile', '--project-dir', dir], env);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "models/docs.md:5:1: error[template-syntax]: Docs block 'orders' is not closed: no {% enddocs %} before the file ends first.",
    );
    writeFiles(dir, { 'models/docs.md': '{% docs orders %}\nOne row per order.\n{% docs closed %}Fine.{% enddocs %}\n' });
    const nested = await cli(['compile', '--project-dir', dir], env);
    expect(nested.code).toBe(1);
    expect(nested.err).toContain(
      "models/docs.md:1:1: error[template-syntax]: Docs block 'orders' is not closed: no {% enddocs %} before another docs block ('closed') starts on line 3.",
    );
  });

  for (const target of TEST_TARGETS) {
    it(`4. an incremental_strategy the adapter lacks fails the first run, at its config() line (${target.name})`, async () => {
      const dir = writeProject({
        'dbt_project.yml': projectYml('p'),
        'models/ok.sql': 'select 1 as x',
        'models/events.sql':
          "-- events, merged by id\n{{ config(\n    materialized='incremental',\n    unique_key='id',\n    incremental_strategy='upsert',\n) }}\nselect 1 as id\n",
      });
      const schema = await target.writeProfile(dir, 'p');
      const result = await cli(['run', '--project-dir', dir], env);
      expect(result.code).toBe(1);
      expect(result.err).toContain(
        `models/events.sql:5:5: error[invalid-config]: events: incremental_strategy 'upsert' is not supported on ${target.name}; expected one of: 'append', 'delete+insert', 'merge', 'microbatch'.`,
      );
      // Nothing ran: the check comes before the first statement.
      const tables = await target.query(
        dir,
        `select table_name from information_schema.tables where table_schema = '${schema}' and table_name in ('ok', 'events')`,
      );
      expect(tables).toEqual([]);
      // merge needs a unique_key: also known before the table exists.
      writeFiles(dir, { 'models/events.sql': "{{ config(materialized='incremental', incremental_strategy='merge') }}\nselect 1 as id\n" });
      const keyless = await cli(['run', '--project-dir', dir], env);
      expect(keyless.code).toBe(1);
      expect(keyless.err).toContain(
        "models/events.sql:1:39: error[invalid-config]: events: incremental_strategy 'merge' needs a unique_key",
      );
      // A valid strategy runs, twice.
      writeFiles(dir, {
        'models/events.sql': "{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge') }}\nselect 1 as id\n",
      });
      expect((await cli(['run', '--project-dir', dir], env)).code).toBe(0);
      expect((await cli(['run', '--project-dir', dir], env)).code).toBe(0);
    });

    it(`5. a failing singular test skips the children of what it refs in build (${target.name})`, async () => {
      const dir = writeProject({
        'dbt_project.yml': projectYml('p'),
        'models/orders.sql': 'select 1 as id union all select 1 as id',
        'models/customers.sql': 'select 1 as id',
        'models/after_orders.sql': "select * from {{ ref('orders') }}",
        'models/after_after.sql': "select * from {{ ref('after_orders') }}",
        'models/after_customers.sql': "select * from {{ ref('customers') }}",
        'models/both.sql': "select o.id from {{ ref('orders') }} o join {{ ref('customers') }} c on o.id = c.id",
        // Fails: orders has a duplicate id.
        'tests/orders_unique.sql': "select id from {{ ref('orders') }} group by id having count(*) > 1",
        // Fails, refs two models: blocks only what is downstream of both.
        'tests/customers_have_orders.sql': "select c.id from {{ ref('customers') }} c join {{ ref('orders') }} o on o.id = c.id",
        // Fails with severity warn: blocks nothing.
        'tests/customers_warn.sql': "{{ config(severity='warn') }}select id from {{ ref('customers') }}",
      });
      await target.writeProfile(dir, 'p');
      const result = await cli(['build', '--project-dir', dir], env);
      expect(result.code).toBe(1);
      expect(statuses(dir)).toEqual({
        orders: 'success',
        customers: 'success',
        orders_unique: 'fail',
        customers_have_orders: 'fail',
        customers_warn: 'warn',
        after_orders: 'skipped',
        after_after: 'skipped',
        both: 'skipped',
        after_customers: 'success',
      });
    });
  }

  it('6. a re-compile puts back a compiled file edited or deleted by hand, as a full compile does', async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/a.sql': 'select 1 as x',
      'models/b.sql': "select x from {{ ref('a') }}",
    });
    // Inputs dated back, so none counts as written just before a compile (racily clean).
    const age = (seconds: number, files?: string[]) => {
      const when = new Date(Date.now() - seconds * 1000);
      const all = readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && !relative(dir, e.parentPath).startsWith('target'))
        .map((e) => relative(dir, join(e.parentPath, e.name)));
      for (const file of files ?? all) utimesSync(join(dir, file), when, when);
    };
    const compile = async () => {
      const result = await cli(['compile', '--project-dir', dir], env);
      expect(result.code, result.err).toBe(0);
      return existsSync(compileStateFiles(dir).patch) ? 'fast' : 'full';
    };
    const compiled = (name: string) => join(dir, `target/compiled/p/models/${name}.sql`);
    // Edited by hand after the compile wrote it: dated a second later, so the edit shows in the
    // mtime whatever the filesystem's mtime resolution.
    const editByHand = (name: string, text: string) => {
      const later = new Date(statSync(compiled(name)).mtimeMs + 1000);
      writeFileSync(compiled(name), text);
      utimesSync(compiled(name), later, later);
    };
    age(60);
    expect(await compile()).toBe('full');
    const b = readFileSync(compiled('b'), 'utf8');
    expect(await compile()).toBe('fast');
    // Edited by hand (same size too), then deleted: each time back to what the compile wrote.
    editByHand('b', b.replace('select', 'SELECT'));
    expect(await compile()).toBe('full');
    expect(readFileSync(compiled('b'), 'utf8')).toBe(b);
    rmSync(compiled('b'));
    await compile();
    expect(readFileSync(compiled('b'), 'utf8')).toBe(b);
    // A model edited since is patched, and what the patch writes does not count as a hand edit.
    writeFiles(dir, { 'models/a.sql': 'select 2 as x' });
    age(30, ['models/a.sql']);
    expect(await compile()).toBe('fast');
    expect(readFileSync(compiled('a'), 'utf8')).toBe('select 2 as x\n');
    expect(await compile()).toBe('fast');
    editByHand('a', '-- mine\n');
    expect(await compile()).toBe('full');
    expect(readFileSync(compiled('a'), 'utf8')).toBe('select 2 as x\n');
  });

  it('7. the V8 code cache lives in a folder private to the user; another one is not used', () => {
    const parent = mkdtempSync(join(tmpdir(), 'strata-cache-parent-'));
    const mine = `strata-code-cache-${process.getuid?.() ?? 'user'}`;
    const dir = join(parent, mine);
    // Made on first use, readable and writable by the user only.
    expect(codeCacheDir(parent)).toBe(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // Writable by others: refused, and nothing is read from or written to it.
    chmodSync(dir, 0o777);
    expect(codeCacheDir(parent)).toBeUndefined();
    const bundle = join(parent, 'bundle.cjs');
    writeFileSync(bundle, 'exports.runCli = async () => 0;\n');
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = parent;
    try {
      loadBundle(bundle).saveCodeCache();
      expect(readdirSync(dir)).toEqual([]);
      // A link to a folder of the user's own: refused too.
      rmSync(dir, { recursive: true });
      const elsewhere = mkdtempSync(join(tmpdir(), 'strata-cache-elsewhere-'));
      symlinkSync(elsewhere, dir);
      expect(codeCacheDir(parent)).toBeUndefined();
      loadBundle(bundle).saveCodeCache();
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(lstatSync(dir).isSymbolicLink()).toBe(true);
      // Someone else's folder (only root can make one to test with).
      rmSync(dir);
      if (process.getuid?.() === 0) {
        mkdirSync(dir, { mode: 0o700 });
        chownSync(dir, 4242, 4242);
        expect(codeCacheDir(parent)).toBeUndefined();
        rmSync(dir, { recursive: true });
      }
      // An older Strata's folder (0755, the user's): tightened and used.
      mkdirSync(dir, { mode: 0o755 });
      chmodSync(dir, 0o755);
      loadBundle(bundle).saveCodeCache();
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  });
});

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { runProject } from '../../core/run/run-project.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { PG_URL, TEST_TARGETS, postgresOutput, queryPostgres, uniqueSchema } from '../helpers/targets.js';
import { copyExample, projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

const enabled = TEST_TARGETS.some((t) => t.name === 'postgres');

describe.runIf(enabled)('postgres specifics', () => {
  async function setup(files: Record<string, string>) {
    const schema = uniqueSchema();
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'profiles.yml': `p:\n  target: dev\n  outputs:\n    dev:\n${postgresOutput(schema, 2)}`,
      ...files,
    });
    const run = (select?: string[]) =>
      runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, ...(select ? { select } : {}) });
    return { dir, schema, run };
  }

  it('re-points views of other models when a selective run rebuilds their table, never dropping them', async () => {
    const { dir, schema, run } = await setup({
      'models/base.sql': "{{ config(materialized='table') }}select 1 as id, 'a' as label",
      'models/report.sql': "select id, label from {{ ref('base') }}",
    });
    expect((await run()).summary.success).toBe(true);
    writeFiles(dir, { 'models/base.sql': "{{ config(materialized='table') }}select 1 as id, 'a' as label union all select 2, 'b'" });
    const { summary } = await run(['base']);
    expect(summary.success).toBe(true);
    expect(await queryPostgres(`select id, label from ${schema}.report order by id`)).toEqual([
      { id: '1', label: 'a' },
      { id: '2', label: 'b' },
    ]);
  });

  it('fails clearly, and changes nothing, when a rebuild would break a dependent view', async () => {
    const { dir, schema, run } = await setup({
      'models/base.sql': "{{ config(materialized='table') }}select 1 as id, 'a' as label",
      'models/report.sql': "select id, label from {{ ref('base') }}",
    });
    expect((await run()).summary.success).toBe(true);
    writeFiles(dir, { 'models/base.sql': "{{ config(materialized='table') }}select 5 as id" });
    const { summary } = await run(['base']);
    expect(summary.success).toBe(false);
    expect(summary.results[0]?.message).toContain(`re-point dependent view ${schema}.report`);
    expect(await queryPostgres(`select id, label from ${schema}.report`)).toEqual([{ id: '1', label: 'a' }]);
    expect(await queryPostgres(`select id from ${schema}.base`)).toEqual([{ id: '1' }]);
    expect(
      await queryPostgres(
        `select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where nspname = '${schema}' and relname like '%strata%'`,
      ),
    ).toEqual([]);
  });

  it("creates a contract's foreign key to ref('x'), which then guards the rows", async () => {
    const { dir, schema, run } = await setup({
      'models/parent.sql': "{{ config(materialized='table') }}select 1 as id",
      'models/child.sql': "{{ config(materialized='table') }}select 1 as parent_id",
      'models/props.yml':
        'models:\n  - name: parent\n    config: {contract: {enforced: true}}\n    columns:\n      - {name: id, data_type: integer, constraints: [{type: primary_key}]}\n  - name: child\n    config: {contract: {enforced: true}}\n    columns:\n      - {name: parent_id, data_type: integer, constraints: [{type: foreign_key, to: "ref(\'parent\')", to_columns: [id]}]}\n',
    });
    const { summary } = await run();
    expect(summary.results.map((r) => [r.uniqueId, r.status])).toEqual([
      ['model.p.parent', 'success'],
      ['model.p.child', 'success'],
    ]);
    const fks = await queryPostgres(
      `select conname from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname = '${schema}' and contype = 'f'`,
    );
    expect(fks).toHaveLength(1);
    // Rebuilding the parent moves the child's foreign key to the new table.
    const again = await run();
    expect(again.summary.results.map((r) => r.status)).toEqual(['success', 'success']);
    // A parent without the referenced row cannot replace the old one.
    writeFiles(dir, { 'models/parent.sql': "{{ config(materialized='table') }}select 7 as id" });
    const broken = await run(['parent']);
    expect(broken.summary.results[0]?.message).toContain('point foreign key');
    expect(await queryPostgres(`select id from ${schema}.parent`)).toEqual([{ id: '1' }]);
    writeFiles(dir, {
      'models/parent.sql': "{{ config(materialized='table') }}select 1 as id",
      'models/child.sql': "{{ config(materialized='table') }}select 2 as parent_id",
    });
    expect((await run(['child'])).summary.results[0]?.status).toBe('error');
  });

  it('rebuilds a view whose columns changed (create or replace cannot)', async () => {
    const { dir, schema, run } = await setup({ 'models/v.sql': 'select 1 as a, 2 as b' });
    expect((await run()).summary.success).toBe(true);
    writeFiles(dir, { 'models/v.sql': "select 'x' as c" });
    expect((await run()).summary.success).toBe(true);
    expect(await queryPostgres(`select * from ${schema}.v`)).toEqual([{ c: 'x' }]);
  });

  it('concurrent readers see the old table or the new one, never none', async () => {
    const { dir, schema, run } = await setup({ 'models/t.sql': "{{ config(materialized='table') }}select generate_series(1, 1000) as id" });
    expect((await run()).summary.success).toBe(true);
    const reader = new pg.Client({ connectionString: PG_URL });
    await reader.connect();
    const seen = new Set<string>();
    const errors: string[] = [];
    let reading = true;
    const loop = (async () => {
      while (reading) {
        try {
          seen.add(String((await reader.query(`select count(*) as n from ${schema}.t`)).rows[0].n));
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
    })();
    for (let i = 2; i <= 6; i++) {
      writeFiles(dir, { 'models/t.sql': `{{ config(materialized='table') }}select generate_series(1, ${i * 1000}) as id` });
      expect((await run()).summary.success).toBe(true);
    }
    reading = false;
    await loop;
    await reader.end();
    expect(errors).toEqual([]);
    expect([...seen].every((n) => ['1000', '2000', '3000', '4000', '5000', '6000'].includes(n))).toBe(true);
    expect(seen.size).toBeGreaterThan(1);
  });

  it('debug explains connection problems: no server, wrong database, wrong password', async () => {
    const url = new URL(PG_URL);
    const output = (overrides: Record<string, string>) => {
      const base = {
        type: 'postgres',
        host: url.hostname,
        port: url.port || '5432',
        user: decodeURIComponent(url.username) || 'postgres',
        dbname: url.pathname.slice(1),
        schema: 'x',
        ...overrides,
      };
      return `p:\n  target: dev\n  outputs:\n    dev:\n${Object.entries(base)
        .map(([k, v]) => `      ${k}: "${v}"\n`)
        .join('')}`;
    };
    const debug = async (overrides: Record<string, string>) => {
      const dir = writeProject({ 'dbt_project.yml': projectYml('p'), 'profiles.yml': output(overrides) });
      return cli(['debug', '--project-dir', dir], { HOME: EMPTY_HOME });
    };
    const ok = await debug({});
    expect(ok.code).toBe(0);
    const noServer = await debug({ port: '1' });
    expect(noServer.code).toBe(1);
    expect(noServer.err).toContain('No Postgres server is answering at');
    const noDb = await debug({ dbname: 'strata_no_such_db' });
    expect(noDb.err).toContain("Database 'strata_no_such_db' does not exist");
    // With trust authentication a wrong password is accepted, so only the role is checked here.
    const noUser = await debug({ user: 'strata_no_such_role' });
    expect(noUser.code).toBe(1);
    expect(noUser.err).toMatch(/strata_no_such_role/);
  });
});

describe.runIf(enabled)('postgres through the CLI', () => {
  const repo = resolve(import.meta.dirname, '../..');

  it('builds the quickstart on Postgres with its documented profile, with the same rows as DuckDB', async () => {
    const schema = uniqueSchema();
    const url = new URL(PG_URL);
    const env = {
      HOME: EMPTY_HOME,
      STRATA_SCHEMA: schema,
      PGHOST: url.hostname,
      PGPORT: url.port || '5432',
      PGUSER: decodeURIComponent(url.username) || 'postgres',
      PGPASSWORD: decodeURIComponent(url.password),
      PGDATABASE: url.pathname.slice(1),
    };
    const dir = copyExample('quickstart');
    const { code, out } = await cli(['build', '--project-dir', dir, '--profiles-dir', join(repo, 'examples/quickstart/postgres')], env);
    expect(code).toBe(0);
    expect(out).toContain('Done. PASS=20 WARN=0 ERROR=0 SKIP=0 TOTAL=20');
    expect(
      await queryPostgres(
        `select product_group, invoices, units, net_revenue, discount_given from ${schema}.revenue_by_product_group order by 1`,
      ),
    ).toEqual([
      { product_group: 'HARDWARE', invoices: '3', units: '8', net_revenue: '3477.60', discount_given: '259.80' },
      { product_group: 'SERVICES', invoices: '2', units: '4', net_revenue: '1665.00', discount_given: '135.00' },
      { product_group: 'SOFTWARE', invoices: '2', units: '3', net_revenue: '2860.00', discount_given: '240.00' },
    ]);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} cancels the query on the server, rolls back and exits non-zero`, async () => {
      const schema = uniqueSchema();
      const dir = writeProject({
        'dbt_project.yml': projectYml('p'),
        'profiles.yml': `p:\n  target: dev\n  outputs:\n    dev:\n${postgresOutput(schema, 1)}`,
        'models/slow.sql': "{{ config(materialized='table') }}select 1 as n from pg_sleep(60)",
      });
      const child = spawn(process.execPath, [join(repo, 'dist/cli/main.js'), 'run', '--project-dir', dir], {
        env: { ...process.env, HOME: EMPTY_HOME },
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      // Wait until the statement is running on the server, then interrupt.
      for (let i = 0; i < 100; i++) {
        const rows = await queryPostgres(
          `select count(*) as n from pg_stat_activity where query like '%pg_sleep(60)%' and query like '%${schema}%' and state = 'active' and pid <> pg_backend_pid()`,
        );
        if (rows[0]?.n !== '0') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const started = Date.now();
      child.kill(signal);
      const code = await exited;
      expect(code).toBe(130);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(stdout).toContain('(cancelled)');
      expect(
        await queryPostgres(
          `select count(*) as n from pg_stat_activity where query like '%pg_sleep(60)%' and query like '%${schema}%' and state = 'active' and pid <> pg_backend_pid()`,
        ),
      ).toEqual([{ n: '0' }]);
      expect(
        await queryPostgres(`select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where nspname = '${schema}'`),
      ).toEqual([]);
      expect(existsSync(join(dir, 'target/run_results.json'))).toBe(true);
    });
  }
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { queryDuckDbFile } from '../helpers/targets.js';
import { copyExample, projectYml, writeProject } from '../helpers/temp-project.js';

const repo = resolve(import.meta.dirname, '../..');
const env = { ...process.env, HOME: EMPTY_HOME, STRATA_PROFILES_DIR: '' };

describe('strata CLI', () => {
  it('builds the quickstart end to end through the installed binary, with no set-up', async () => {
    const dir = copyExample('quickstart');
    const result = spawnSync(process.execPath, [join(repo, 'dist/cli/main.js'), 'build', '--project-dir', dir], { env, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\d+ of 20 OK created \S.*revenue_by_product_group \.+ \[OK in \d+\.\d\ds\]/);
    expect(result.stdout).toMatch(/\d+ of 20 PASS discounts_are_list_value_minus_net \.+ \[PASS in/);
    expect(result.stdout).toContain('Done. PASS=20 WARN=0 ERROR=0 SKIP=0 TOTAL=20');
    // The built-in target is an embedded DuckDB file under target/.
    expect(existsSync(join(dir, 'target/strata.duckdb'))).toBe(true);
    const rows = await queryDuckDbFile(
      join(dir, 'target/strata.duckdb'),
      'select product_group, invoices, units, net_revenue, discount_given from main.revenue_by_product_group order by 1',
    );
    expect(rows).toEqual([
      { product_group: 'HARDWARE', invoices: '3', units: '8', net_revenue: '3477.60', discount_given: '259.80' },
      { product_group: 'SERVICES', invoices: '2', units: '4', net_revenue: '1665.00', discount_given: '135.00' },
      { product_group: 'SOFTWARE', invoices: '2', units: '3', net_revenue: '2860.00', discount_given: '240.00' },
    ]);
    const db = join(dir, 'target/strata.duckdb');
    expect(await queryDuckDbFile(db, 'select count(*) as n, sum(net_amount) as total from main.fct_sales')).toEqual([
      { n: '7', total: '8002.60' },
    ]);
    expect(await queryDuckDbFile(db, 'select count(*) as n from main.products_history where strata_valid_to is null')).toEqual([
      { n: '5' },
    ]);
  });

  it('exits 1 with file:line and no stack trace for bad input', () => {
    const dir = writeProject({ 'dbt_project.yml': projectYml('p'), 'models/a.sql': "select *\nfrom {{ ref('nope') }}" });
    const result = spawnSync(process.execPath, [join(repo, 'dist/cli/main.js'), 'run', '--project-dir', dir], { env, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("models/a.sql:2:9: error[unknown-ref]: a refers to ref('nope'), which does not exist.");
    expect(result.stderr).toContain("  2 | from {{ ref('nope') }}");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 when a model fails and prints the database error with the node', async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/bad.sql': 'select * from missing_table',
      'models/ok.sql': 'select 1 as x',
    });
    const { code, out, err } = await cli(['run', '--project-dir', dir], env);
    expect(code).toBe(1);
    expect(out).toMatch(/ERROR creating sql view model main\.bad \.+ \[ERROR in/);
    expect(out).toContain('Done. PASS=1 WARN=0 ERROR=1 SKIP=0 TOTAL=2');
    expect(err).toContain('Database error in model.p.bad (compiled SQL: target/compiled/p/models/bad.sql)');
    expect(err).toMatch(/missing_table/);
  });

  it('compiles without a database, lists selections and cleans', async () => {
    const dir = copyExample('quickstart');
    const compiled = await cli(['compile', '--project-dir', dir, '-s', 'revenue_by_product_group'], env);
    expect(compiled.code).toBe(0);
    expect(existsSync(join(dir, 'target/compiled/quickstart/models/marts/revenue_by_product_group.sql'))).toBe(true);
    expect(existsSync(join(dir, 'target/strata.duckdb'))).toBe(false);
    const ls = await cli(['ls', '--project-dir', dir, '-s', '+stg_sales', '--output', 'name', '--resource-type', 'model', 'seed'], env);
    expect(ls.out.split('\n').sort()).toEqual(['raw_sales', 'stg_sales']);
    const clean = await cli(['clean', '--project-dir', dir], env);
    expect(clean.code).toBe(0);
    expect(existsSync(join(dir, 'target'))).toBe(false);
  });

  it('checks configuration and connection with debug', async () => {
    const dir = copyExample('quickstart');
    const { code, out } = await cli(['debug', '--project-dir', dir], env);
    expect(code).toBe(0);
    expect(out).toContain('using the built-in DuckDB target');
    expect(out).toContain('Connection test: [OK]');
  });

  it('passes --vars to templates and rejects malformed --vars', async () => {
    const dir = copyExample('quickstart');
    const ok = await cli(['build', '--project-dir', dir, '--vars', "{first_invoice_date: '2024-03-01'}"], env);
    expect(ok.code).toBe(0);
    const rows = await queryDuckDbFile(join(dir, 'target/strata.duckdb'), 'select sum(invoices) as n from main.revenue_by_product_group');
    expect(rows).toEqual([{ n: '3' }]);
    const bad = await cli(['run', '--project-dir', dir, '--vars', '[1, 2'], env);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('error[invalid-vars]');
  });

  it('runs the bundle from its code cache: the first start writes it, later starts use it, results agree', async () => {
    expect(existsSync(join(repo, 'dist/bundle/strata.cjs'))).toBe(true);
    const temp = mkdtempSync(join(tmpdir(), 'strata-tmp-'));
    const cached = { ...env, TMPDIR: temp };
    const cacheFiles = () =>
      readdirSync(temp, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.bin'));
    const build = (dir: string, extra: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, [join(repo, 'dist/cli/main.js'), 'build', '--project-dir', dir], {
        env: { ...cached, ...extra },
        encoding: 'utf8',
      });
    const first = build(copyExample('quickstart'));
    expect(first.status).toBe(0);
    const [cache] = cacheFiles();
    expect(cache).toBeDefined();
    const written = statSync(join(cache!.parentPath, cache!.name)).mtimeMs;
    // The second start compiles from the cache (and leaves it alone); the database driver still loads.
    const dir = copyExample('quickstart');
    const second = build(dir);
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('Done. PASS=20 WARN=0 ERROR=0 SKIP=0 TOTAL=20');
    expect(cacheFiles()).toHaveLength(1);
    expect(statSync(join(cache!.parentPath, cache!.name)).mtimeMs).toBe(written);
    expect(await queryDuckDbFile(join(dir, 'target/strata.duckdb'), 'select count(*) as n from main.fct_sales')).toEqual([{ n: '7' }]);
    // Switched off, nothing is read or written.
    const off = mkdtempSync(join(tmpdir(), 'strata-tmp-'));
    expect(build(copyExample('quickstart'), { TMPDIR: off, STRATA_NO_CODE_CACHE: '1' }).status).toBe(0);
    expect(readdirSync(off)).toEqual([]);
  });
});

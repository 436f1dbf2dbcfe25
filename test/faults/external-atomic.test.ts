import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { spawnCli, STACK_LINE } from '../helpers/spawn-cli.js';
import { queryDuckDbFile } from '../helpers/targets.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

// An external model's files are written beside the destination and moved in: a build killed while
// DuckDB writes, or between the two renames, leaves the previous files, and the next build cleans up.

const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));
const env = { HOME: EMPTY_HOME };

const PROFILE =
  'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: test.duckdb\n      schema: main\n      threads: 1\n';

const MODEL = `{{ config(materialized='external') }}
select i as id, md5(cast(i as varchar)) as h from range({{ var('n') }}) t(i)
{% if var('fail', false) %}where error('refused') is null{% endif %}`;

function setup() {
  const dir = writeProject({
    'dbt_project.yml': projectYml('p'),
    'profiles.yml': PROFILE,
    'models/orders.sql': MODEL,
  });
  const build = (vars: string) => cli(['build', '--project-dir', dir, '--vars', vars], env);
  const count = async () => (await queryDuckDbFile(join(dir, 'test.duckdb'), 'select count(*) as n from main.orders'))[0]?.n;
  const beside = () => readdirSync(dir).filter((f) => f.includes('orders'));
  return { dir, build, count, beside };
}

/** Resolves once `file` exists (polled), so the kill lands while DuckDB is writing it. */
async function appears(file: string, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`${file} never appeared`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.skipIf(!built)('external models under faults', () => {
  it('a build killed while COPY writes leaves the previous file; the next build removes the leftover', async () => {
    const { dir, build, count, beside } = setup();
    expect((await build('{n: 10}')).code).toBe(0);
    const file = join(dir, 'orders.parquet');
    const before = readFileSync(file);

    const tmp = join(dir, '.orders.parquet.strata-tmp');
    const { child, done } = spawnCli(['build', '--project-dir', dir, '--vars', '{n: 300000000}']);
    await appears(tmp);
    child.kill('SIGKILL');
    const ended = await done;
    expect(ended.code).toBe(null);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(await count()).toBe('10');
    expect(beside().sort()).toEqual(['.orders.parquet.strata-tmp', 'orders.parquet']);

    const next = await build('{n: 5}');
    expect(next.code, next.out).toBe(0);
    expect(STACK_LINE.test(next.err)).toBe(false);
    expect(await count()).toBe('5');
    expect(beside()).toEqual(['orders.parquet']);
  });

  it('after a crash between the two renames, the next build puts the old file back, even when it fails itself', async () => {
    const { dir, build, count, beside } = setup();
    expect((await build('{n: 10}')).code).toBe(0);
    // The state a kill leaves after the old file was moved aside and before the new one moved in.
    renameSync(join(dir, 'orders.parquet'), join(dir, '.orders.parquet.strata-old'));

    const failed = await build('{n: 3, fail: true}');
    expect(failed.code).toBe(1);
    expect(`${failed.out}\n${failed.err}`).toContain('refused');
    expect(beside()).toEqual(['orders.parquet']);
    expect(await count()).toBe('10');

    expect((await build('{n: 3}')).code).toBe(0);
    expect(await count()).toBe('3');
    expect(beside()).toEqual(['orders.parquet']);
  });

  it('an append killed while COPY writes leaves the existing partition files; the next append succeeds', async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'profiles.yml': PROFILE,
      'models/sales.sql': `{{ config(materialized='external', location='lake/sales', partition_by='part', incremental_strategy='append') }}
select i as id, md5(cast(i as varchar)) as h, i % 2 as part from range({{ var('from') }}, {{ var('to') }}) t(i)`,
    });
    const build = (vars: string) => cli(['build', '--project-dir', dir, '--vars', vars], env);
    expect((await build('{from: 0, to: 4}')).code).toBe(0);
    const files = () => readdirSync(join(dir, 'lake/sales'), { recursive: true }).map(String).sort();
    const first = files();

    const { child, done } = spawnCli(['build', '--project-dir', dir, '--vars', '{from: 4, to: 300000000}']);
    await appears(join(dir, 'lake/.sales.strata-tmp'));
    child.kill('SIGKILL');
    await done;
    expect(files()).toEqual(first);
    const count = async () => (await queryDuckDbFile(join(dir, 'test.duckdb'), 'select count(*) as n from main.sales'))[0]?.n;
    expect(await count()).toBe('4');

    expect((await build('{from: 4, to: 6}')).code).toBe(0);
    expect(await count()).toBe('6');
    expect(readdirSync(join(dir, 'lake'))).toEqual(['sales']);
    expect(files().filter((f) => f.endsWith('.parquet'))).toHaveLength(4);
  });
});

describe('external models under faults (in-process)', () => {
  it('a partitioned append that fails leaves the existing partition files alone', async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'profiles.yml': PROFILE,
      'models/sales.sql': `{{ config(materialized='external', location='lake/sales', partition_by='part', incremental_strategy='append') }}
select i as id, i % 2 as part from range({{ var('from') }}, {{ var('to') }}) t(i)
{% if var('fail', false) %}where error('refused') is null{% endif %}`,
    });
    const build = (vars: string) => cli(['build', '--project-dir', dir, '--vars', vars], env);
    expect((await build('{from: 0, to: 4}')).code).toBe(0);
    const files = () => readdirSync(join(dir, 'lake/sales'), { recursive: true }).map(String).sort();
    const first = files();
    expect(first).toEqual(['part=0', 'part=0/data_0.parquet', 'part=1', 'part=1/data_0.parquet']);
    const failed = await build('{from: 4, to: 8, fail: true}');
    expect(failed.code).toBe(1);
    expect(files()).toEqual(first);
    expect(readdirSync(join(dir, 'lake'))).toEqual(['sales']);
  });
});

import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS, uniqueSchema } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

const env = { HOME: EMPTY_HOME };

for (const target of TEST_TARGETS) {
  describe(`slim CI on ${target.name}`, () => {
    /** A project with a production and a dev target, each in its own schema. */
    function setup(files: Record<string, string>) {
      const prod = target.output(target.name === 'duckdb' ? `prod_${uniqueSchema()}` : undefined);
      const dev = target.output(target.name === 'duckdb' ? `dev_${uniqueSchema()}` : undefined);
      const dir = writeProject({
        'dbt_project.yml': projectYml('p'),
        'profiles.yml': `p:\n  target: dev\n  outputs:\n    prod:\n${prod.yaml}    dev:\n${dev.yaml}`,
        ...files,
      });
      const artifacts = join(mkdtempSync(join(tmpdir(), 'strata-prod-')), 'artifacts');
      const strata = (...args: string[]) => cli([...args, '--project-dir', dir], env);
      const deployProd = async () => {
        const result = await strata('build', '--target', 'prod');
        cpSync(join(dir, 'target'), artifacts, { recursive: true });
        return result;
      };
      return { dir, prod: prod.schema, dev: dev.schema, artifacts, strata, deployProd, query: (sql: string) => target.query(dir, sql) };
    }

    const FILES = {
      'seeds/raw.csv': 'id,amount\n1,10\n2,20\n',
      'models/base.sql': "{{ config(materialized='table') }}select id, amount from {{ ref('raw') }}",
      'models/doubled.sql': "{{ config(materialized='table') }}select id, amount * 2 as amount from {{ ref('base') }}",
      'models/report.sql': "select sum(amount) as total from {{ ref('doubled') }}",
      'models/other.sql': "select count(*) as n from {{ ref('base') }}",
    };

    it('builds only modified models and their children, reading unmodified parents from production', async () => {
      const { dir, prod, dev, artifacts, strata, deployProd, query } = setup(FILES);
      expect((await deployProd()).code).toBe(0);
      // A change of substance, and a whitespace-only change that must not count.
      writeFiles(dir, {
        'models/doubled.sql': "{{ config(materialized='table') }}select id, amount * 3 as amount from {{ ref('base') }}",
        'models/other.sql': "select   count(*) as n\nfrom {{ ref('base') }}\n",
      });
      const ls = await strata('ls', '-s', 'state:modified', '--state', artifacts, '--output', 'name');
      expect(ls.out.split('\n')).toEqual(['doubled']);
      const { code, out } = await strata('build', '-s', 'state:modified+', '--defer', '--state', artifacts);
      expect(code).toBe(0);
      expect(out).toContain('Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2');
      expect(await query(`select total from ${dev}.report`)).toEqual([{ total: '90' }]);
      // base was never built in dev: doubled read production's base.
      expect(
        await query(`select count(*) as n from information_schema.tables where table_schema = '${dev}' and table_name = 'base'`),
      ).toEqual([{ n: '0' }]);
      expect(await query(`select total from ${prod}.report`)).toEqual([{ total: '60' }]);
    });

    it('--favor-state reads production even where the dev relation exists; without it dev wins', async () => {
      const { dir, dev, artifacts, strata, deployProd, query } = setup(FILES);
      expect((await deployProd()).code).toBe(0);
      // Dev has its own (different) base.
      writeFiles(dir, { 'seeds/raw.csv': 'id,amount\n1,1000\n' });
      expect((await strata('build', '-s', 'raw', 'base')).code).toBe(0);
      expect((await strata('run', '-s', 'doubled', '--defer', '--state', artifacts)).code).toBe(0);
      expect(await query(`select sum(amount) as s from ${dev}.doubled`)).toEqual([{ s: '2000' }]);
      expect((await strata('run', '-s', 'doubled', '--defer', '--favor-state', '--state', artifacts)).code).toBe(0);
      expect(await query(`select sum(amount) as s from ${dev}.doubled`)).toEqual([{ s: '60' }]);
    });

    it('retry re-runs only what failed or was skipped, with the same options', async () => {
      const { dev, strata, query } = setup({
        ...FILES,
        'models/base.sql': "{{ config(materialized='table') }}select id, amount from {{ var('source_table', ref('raw')) }}",
      });
      expect((await strata('seed')).code).toBe(0);
      const failed = await strata('run', '--vars', `{source_table: ${dev}.extra}`);
      expect(failed.code).toBe(1);
      expect(failed.out).toContain('PASS=0 WARN=0 ERROR=1 SKIP=3');
      // The table the run was pointed at now exists; retry runs the same way (same --vars).
      await query(`create table ${dev}.extra as select 1 as id, 5 as amount`);
      const retried = await strata('retry');
      expect(retried.code).toBe(0);
      expect(retried.out).toContain("Retrying 4 nodes of the last 'run'");
      expect(retried.out).toContain('TOTAL=4');
      expect(await query(`select total from ${dev}.report`)).toEqual([{ total: '10' }]);
      expect((await strata('retry')).out).toContain('Nothing to retry');
    });

    it('--empty builds every model with its columns and no rows', async () => {
      const { dev, strata, query } = setup(FILES);
      expect((await strata('seed')).code).toBe(0);
      expect((await strata('run', '--empty')).code).toBe(0);
      expect(await query(`select count(*) as n from ${dev}.doubled`)).toEqual([{ n: '0' }]);
      expect(
        await query(
          `select column_name from information_schema.columns where table_schema = '${dev}' and table_name = 'doubled' order by ordinal_position`,
        ),
      ).toEqual([{ column_name: 'id' }, { column_name: 'amount' }]);
    });
  });
}

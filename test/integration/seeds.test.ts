import { describe, expect, it } from 'vitest';
import { StrataUserError } from '../../core/diagnostics/diagnostic.js';
import { runProject, type RunOptions } from '../../core/run/run-project.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { MATERIALIZATION_TARGETS } from '../helpers/non-transactional-target.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

for (const target of MATERIALIZATION_TARGETS) {
  describe(`seeds on ${target.title}`, () => {
    async function setup(files: Record<string, string>) {
      const dir = writeProject({ 'dbt_project.yml': projectYml('p'), ...files });
      const schema = await target.writeProfile(dir, 'p');
      const run = async (options: Partial<RunOptions> = {}) =>
        (await runProject({ projectDir: dir, adapters: target.adapters, env: { HOME: EMPTY_HOME }, ...options })).summary;
      const types = async (table: string) =>
        Object.fromEntries(
          (
            await target.query(
              dir,
              `select column_name, data_type from information_schema.columns where table_schema = '${schema}' and table_name = '${table}' order by ordinal_position`,
            )
          ).map((r) => [r.column_name, r.data_type?.toLowerCase()]),
        );
      return { dir, schema, run, types, query: (sql: string) => target.query(dir, sql.replaceAll('{schema}', schema)) };
    }

    it('infers column types and loads every row, empty fields as NULL', async () => {
      const { run, types, query } = await setup({
        'seeds/s.csv': 'id,big,price,flag,day,at,name\n1,3000000000,1.5,true,2024-01-31,2024-01-31 10:00:00,"Smith, J."\n2,,2,false,,,\n',
      });
      expect((await run()).success).toBe(true);
      const expected =
        target.name === 'duckdb'
          ? { id: 'integer', big: 'bigint', price: 'double', flag: 'boolean', day: 'date', at: 'timestamp', name: 'varchar' }
          : {
              id: 'integer',
              big: 'bigint',
              price: 'double precision',
              flag: 'boolean',
              day: 'date',
              at: 'timestamp without time zone',
              name: 'text',
            };
      expect(await types('s')).toEqual(expected);
      expect(await query('select id, big, price, name, day is null as no_day from {schema}.s order by id')).toEqual([
        { id: '1', big: '3000000000', price: '1.5', name: 'Smith, J.', no_day: 'false' },
        { id: '2', big: null, price: '2', name: null, no_day: 'true' },
      ]);
    });

    it('honours column_types and delimiter from the project file', async () => {
      const { run, types, query } = await setup({
        'dbt_project.yml': projectYml(
          'p',
          "seeds:\n  p:\n    s:\n      +column_types: {code: varchar(10), amount: 'decimal(10,2)'}\n      +delimiter: ';'\n",
        ),
        'seeds/s.csv': 'code;amount\n007;12.5\n',
      });
      expect((await run()).success).toBe(true);
      expect((await types('s')).code).toMatch(/^(character varying|varchar)/);
      expect(await query('select code, amount from {schema}.s')).toEqual([{ code: '007', amount: '12.50' }]);
    });

    it('reloads rows on later runs (a new table swapped in), keeping views built on the seed', async () => {
      const { dir, run, query } = await setup({ 'seeds/s.csv': 'id\n1\n2\n', 'models/v.sql': "select count(*) as n from {{ ref('s') }}" });
      expect((await run()).success).toBe(true);
      writeFiles(dir, { 'seeds/s.csv': 'id\n1\n2\n3\n' });
      const summary = await run({ resourceTypes: ['seed'] });
      expect(summary.results.map((r) => r.uniqueId)).toEqual(['seed.p.s']);
      expect(await query('select n from {schema}.v')).toEqual([{ n: '3' }]);
    });

    it('asks for --full-refresh when the columns change, and recreates the table with it', async () => {
      const { dir, run, query } = await setup({ 'seeds/s.csv': 'id\n1\n' });
      expect((await run()).success).toBe(true);
      writeFiles(dir, { 'seeds/s.csv': 'id,label\n1,a\n' });
      const failed = await run();
      expect(failed.results[0]?.message).toContain('Run with --full-refresh');
      expect(await query('select * from {schema}.s')).toEqual([{ id: '1' }]);
      expect((await run({ fullRefresh: true })).success).toBe(true);
      expect(await query('select * from {schema}.s')).toEqual([{ id: '1', label: 'a' }]);
    });

    it('reports ragged rows and values that do not fit column_types at file:line:column, loading nothing', async () => {
      const { dir, run, query } = await setup({ 'seeds/s.csv': 'id,v\n1,a\n' });
      expect((await run()).success).toBe(true);
      writeFiles(dir, { 'seeds/s.csv': 'id,v\n1,a\n2,b,extra\n' });
      const ragged = await run().catch((e: unknown) => e);
      expect(ragged).toBeInstanceOf(StrataUserError);
      expect((ragged as StrataUserError).diagnostics[0]).toMatchObject({ code: 'invalid-seed', at: { file: 'seeds/s.csv', line: 3 } });
      writeFiles(dir, {
        'seeds/s.csv': 'id,v\n1,a\n"2x",b\n',
        'dbt_project.yml': projectYml('p', 'seeds:\n  p:\n    +column_types: {id: integer}\n'),
      });
      const bad = await run().catch((e: unknown) => e);
      expect((bad as StrataUserError).diagnostics.map((d) => [d.message, d.at?.line, d.at?.column])).toEqual([
        ["Value '2x' in column 'id' is not a valid integer (set in column_types).", 3, 1],
      ]);
      expect(await query('select id, v from {schema}.s')).toEqual([{ id: '1', v: 'a' }]);
    });

    it('strata seed loads only seeds', async () => {
      const { dir } = await setup({ 'seeds/s.csv': 'id\n1\n', 'models/m.sql': 'select 1 as x' });
      const { code, out } = await cli(['seed', '--project-dir', dir], { HOME: EMPTY_HOME });
      expect(code).toBe(0);
      expect(out).toContain('1 of 1 OK loaded seed');
      expect(out).toContain('TOTAL=1');
    });
  });
}

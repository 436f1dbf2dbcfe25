import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { runProject } from '../../core/run/run-project.js';
import { StrataUserError } from '../../core/diagnostics/diagnostic.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { PG_URL, TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

const READER = 'strata_test_reader';

/** A role to grant to (roles belong to the whole server, so it is created once and kept). */
async function ensureReaderRole(): Promise<void> {
  const client = new pg.Client(PG_URL);
  await client.connect();
  try {
    await client.query(
      `do $$ begin if not exists (select from pg_roles where rolname = '${READER}') then create role ${READER}; end if; end $$`,
    );
  } finally {
    await client.end();
  }
}

const project = (extra = '') => ({
  'dbt_project.yml': projectYml(
    'p',
    `on-run-start:
  - "create schema if not exists {{ target.schema }}"
  - "create table if not exists {{ target.schema }}.audit (event varchar(100))"
on-run-end: "insert into {{ target.schema }}.audit values ('end {{ results | length }} {{ schemas | join(',') }}')"
models:
  p:
    +post-hook: "insert into {{ target.schema }}.audit values ('project post {{ this.identifier }}')"
${extra}`,
  ),
  'models/orders.sql': `{{ config(materialized='table', pre_hook="insert into {{ target.schema }}.audit values ('pre {{ this.identifier }}')", post_hook=["insert into {{ target.schema }}.audit select 'post rows ' || count(*) from {{ this }}"], persist_docs={'relation': true, 'columns': true}, grants={'select': ['${READER}']}) }}
select 1 as id union all select 2 as id`,
  'models/props.yml':
    'models:\n  - name: orders\n    description: "Every order, once"\n    columns:\n      - name: id\n        description: "The order\'s id"\n',
});

for (const target of TEST_TARGETS) {
  describe(`hooks on ${target.name}`, () => {
    it('runs on-run-start, pre-hooks, post-hooks (project and model), on-run-end in order, and applies persist_docs and grants', async () => {
      if (target.name === 'postgres') await ensureReaderRole();
      const dir = writeProject(project());
      const schema = await target.writeProfile(dir, 'p');
      const { summary, warnings } = await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME } });
      expect(summary.success, summary.results.map((r) => r.message).join('\n')).toBe(true);
      const q = (sql: string) => target.query(dir, sql.replaceAll('{schema}', schema));
      expect((await q('select event from {schema}.audit')).map((r) => r.event)).toEqual([
        'pre orders',
        'project post orders',
        'post rows 2',
        `end 1 ${schema}`,
      ]);
      if (target.name === 'postgres') {
        expect(
          await q("select obj_description('{schema}.orders'::regclass) as d, col_description('{schema}.orders'::regclass, 1) as c"),
        ).toEqual([{ d: 'Every order, once', c: "The order's id" }]);
        expect(await q(`select has_table_privilege('${READER}', '{schema}.orders', 'select')::text as granted`)).toEqual([
          { granted: 'true' },
        ]);
      } else {
        expect(await q("select comment as d from duckdb_tables() where table_name = 'orders'")).toEqual([{ d: 'Every order, once' }]);
        expect(await q("select comment as c from duckdb_columns() where table_name = 'orders' and column_name = 'id'")).toEqual([
          { c: "The order's id" },
        ]);
        expect(warnings.map((w) => w.message).join('\n')).toContain('configure grants, which duckdb does not have');
      }
    });

    it('stops with the hook and the database message when on-run-start fails, before building anything', async () => {
      const dir = writeProject({
        ...project(),
        'dbt_project.yml': projectYml('p', 'on-run-start: "select * from no_such_table_anywhere"\n'),
      });
      const schema = await target.writeProfile(dir, 'p');
      const failure = await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME } }).catch(
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(StrataUserError);
      expect((failure as StrataUserError).diagnostics[0]?.message).toMatch(/^on-run-start hook 1 failed: .*no_such_table_anywhere/);
      expect((failure as StrataUserError).diagnostics[0]?.at?.line).toBe(3);
      const tables = await target.query(
        dir,
        `select table_name from information_schema.tables where table_schema = '${schema}' and table_name = 'orders'`,
      );
      expect(tables).toEqual([]);
    });

    it("runs a microbatch model's hooks with every batch, in its transaction", async () => {
      const dir = writeProject({
        'dbt_project.yml': projectYml(
          'p',
          'on-run-start: "create table if not exists {{ target.schema }}.audit (event varchar(100))"\nseeds:\n  p:\n    events:\n      +event_time: occurred_at\n',
        ),
        'seeds/events.csv': 'occurred_at,amount\n2024-01-01 10:00:00,1\n2024-01-02 10:00:00,2\n',
        'models/daily.sql':
          "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='occurred_at', batch_size='day', begin='2024-01-01', post_hook=\"insert into {{ target.schema }}.audit select 'rows ' || count(*) from {{ this }}\") }}select occurred_at, amount from {{ ref('events') }}",
      });
      const schema = await target.writeProfile(dir, 'p');
      await target.query(dir, `create schema if not exists ${schema}`).catch(() => undefined);
      const { summary } = await runProject({
        projectDir: dir,
        adapters: BUILTIN_ADAPTERS,
        env: { HOME: EMPTY_HOME },
        command: 'build',
        eventTimeStart: new Date('2024-01-01T00:00:00Z'),
        eventTimeEnd: new Date('2024-01-03T00:00:00Z'),
      });
      expect(summary.success, summary.results.map((r) => r.message).join('\n')).toBe(true);
      expect((await target.query(dir, `select event from ${schema}.audit order by event`)).map((r) => r.event)).toEqual([
        'rows 1',
        'rows 2',
      ]);
    });
  });
}

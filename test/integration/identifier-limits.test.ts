import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { derivedIdentifier } from '../../core/adapter/derived-name.js';
import { runProject, type RunOptions } from '../../core/run/run-project.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

/**
 * Postgres keeps 63 bytes of a name and cuts the rest silently: a model with a long name would
 * get temp and backup relations (`<name>__strata_tmp`, `<name>__strata_backup`) cut to the same
 * name. Names Strata derives are cut with a hash to fit, so models of up to 63 bytes, in ASCII or
 * not, build, rebuild and fully refresh, in every materialization, leaving nothing behind.
 */
const bytes = (s: string) => Buffer.byteLength(s);
const pad = (prefix: string, length: number) => prefix + 'x'.repeat(length - prefix.length);

const NAMES = {
  table57: pad('t57_', 57),
  view60: pad('v60_', 60),
  table63: pad('t63_', 63),
  // Two names that only differ past what a derived name keeps.
  twinA: `${pad('twin_', 57)}_aaaaa`,
  twinB: `${pad('twin_', 57)}_bbbbb`,
  incremental63: pad('i63_', 63),
  accented: `vé${'é'.repeat(30)}`, // 63 bytes, 32 characters
  cjk: '表'.repeat(21), // 63 bytes, 21 characters
  contract: pad('c63_', 63),
  seed: pad('s62_', 62),
  snapshot: pad('snap_', 63),
};

function files(): Record<string, string> {
  const f: Record<string, string> = {
    'dbt_project.yml': projectYml('p'),
    [`seeds/${NAMES.seed}.csv`]: 'id,label\n1,a\n2,b\n',
    [`models/${NAMES.table57}.sql`]: "{{ config(materialized='table') }}select 1 as id",
    [`models/${NAMES.view60}.sql`]: `select id from {{ ref('${NAMES.table57}') }}`,
    [`models/${NAMES.table63}.sql`]: `{{ config(materialized='table') }}select id, 'x' as v from {{ ref('${NAMES.seed}') }}`,
    [`models/${NAMES.twinA}.sql`]: "{{ config(materialized='table') }}select 'a' as twin",
    [`models/${NAMES.twinB}.sql`]: "{{ config(materialized='table') }}select 'b' as twin",
    [`models/${NAMES.incremental63}.sql`]: `{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert') }}select id, label from {{ ref('${NAMES.seed}') }}`,
    [`models/${NAMES.accented}.sql`]: "{{ config(materialized='table') }}select 1 as id",
    [`models/${NAMES.cjk}.sql`]: 'select 1 as id',
    [`models/${NAMES.contract}.sql`]: 'select 1 as id',
    [`snapshots/${NAMES.snapshot}.sql`]: `{% snapshot ${NAMES.snapshot} %}{{ config(unique_key='id', strategy='check', check_cols='all', target_schema=target.schema) }}select * from {{ ref('${NAMES.seed}') }}{% endsnapshot %}`,
    'models/props.yml': `version: 2
models:
  - name: ${NAMES.contract}
    config: {materialized: table, contract: {enforced: true}}
    columns:
      - name: id
        data_type: integer
        constraints: [{type: primary_key}]
  - name: ${NAMES.table63}
    columns:
      - name: id
        data_tests:
          - unique: {config: {store_failures: true}}
          - not_null: {config: {store_failures: true}}
`,
  };
  return f;
}

for (const target of TEST_TARGETS) {
  describe(`names at the identifier limit on ${target.name}`, () => {
    it('derives temp, backup and staging names that fit, never collide and leave nothing behind', async () => {
      expect(
        Object.values(NAMES)
          .map(bytes)
          .every((n) => n >= 57 && n <= 63),
      ).toBe(true);
      const dir = writeProject(files());
      const schema = await target.writeProfile(dir, 'p', { threads: 4 });
      const build = async (options: Partial<RunOptions> = {}) => {
        const { summary } = await runProject({
          projectDir: dir,
          adapters: BUILTIN_ADAPTERS,
          env: { HOME: EMPTY_HOME },
          command: 'build',
          ...options,
        });
        const failed = summary.results.filter((r) => r.status !== 'success' && r.status !== 'pass');
        expect(failed.map((r) => `${r.uniqueId}: ${r.status} ${r.message}`)).toEqual([]);
        return summary;
      };
      await build();
      await build();
      await build({ fullRefresh: true });
      await build();

      const catalog =
        target.name === 'postgres'
          ? `select table_name as name from information_schema.tables where table_schema = '${schema}'`
          : `select table_name as name from information_schema.tables where table_schema = '${schema}' and table_catalog = 'test'`;
      const names = (await target.query(dir, catalog)).map((r) => r.name).sort();
      expect(names).toEqual(Object.values(NAMES).sort());
      if (target.name === 'postgres') {
        // Session-private scratch tables went with their sessions; nothing derived is left anywhere.
        const leftovers = await target.query(
          dir,
          `select relname from pg_class where relname like '%strata%' and relnamespace in (select oid from pg_namespace where nspname = '${schema}' or nspname like 'pg_temp%')`,
        );
        expect(leftovers).toEqual([]);
      }
      expect(await target.query(dir, `select twin from ${schema}."${NAMES.twinB}"`)).toEqual([{ twin: 'b' }]);
      expect(await target.query(dir, `select count(*) as n from ${schema}."${NAMES.incremental63}"`)).toEqual([{ n: '2' }]);
    });

    it('refuses, before running anything, a relation whose own name is too long', async () => {
      const tooLong = pad('m64_', 64);
      const dir = writeProject({
        'dbt_project.yml': projectYml('p'),
        [`models/${tooLong}.sql`]: 'select 1 as id',
        'models/ok.sql': 'select 1 as id',
      });
      await target.writeProfile(dir, 'p');
      const run = runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, command: 'build' });
      if (target.name === 'postgres') await expect(run).rejects.toThrow(/is 64 bytes long, and postgres keeps only 63/);
      else expect((await run).summary.success).toBe(true);
    });
  });
}

describe('derived identifiers', () => {
  it('are kept whole while they fit, and cut by bytes with a hash of the whole base otherwise', () => {
    expect(derivedIdentifier('orders', '__strata_tmp', 63)).toBe('orders__strata_tmp');
    expect(derivedIdentifier('x'.repeat(80), '__strata_tmp', undefined)).toBe(`${'x'.repeat(80)}__strata_tmp`);
    const long = derivedIdentifier('a'.repeat(60), '__strata_tmp', 63);
    expect(bytes(long)).toBe(63);
    expect(long).toMatch(/^a+_[0-9a-f]{8}__strata_tmp$/);
    expect(derivedIdentifier('a'.repeat(60), '__strata_tmp', 63)).toBe(long);
    expect(derivedIdentifier(`${'a'.repeat(59)}b`, '__strata_tmp', 63)).not.toBe(long);
    // A multi-byte character is never split.
    const accented = derivedIdentifier('é'.repeat(40), '__strata_backup', 63);
    expect(bytes(accented)).toBeLessThanOrEqual(63);
    expect(accented).toMatch(/^é+_[0-9a-f]{8}__strata_backup$/);
  });
});

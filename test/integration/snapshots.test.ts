import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { runProject } from '../../core/run/run-project.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { MATERIALIZATION_TARGETS } from '../helpers/non-transactional-target.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

const snapshotYml = (config: string) =>
  `snapshots:\n  - name: snap\n    relation: ref('src')\n    config:\n${config
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n')}\n`;

for (const target of MATERIALIZATION_TARGETS) {
  describe(`snapshots on ${target.title}`, () => {
    async function setup(files: Record<string, string>, projectFile = 'strata_project.yml') {
      const dir = writeProject({ [projectFile]: projectYml('p'), ...files });
      const schema = await target.writeProfile(dir, 'p');
      const run = async (csv?: string) => {
        if (csv) writeFiles(dir, { 'seeds/src.csv': csv });
        return (await runProject({ projectDir: dir, adapters: target.adapters, env: { HOME: EMPTY_HOME } })).summary;
      };
      const query = (sql: string) => target.query(dir, sql.replaceAll('{schema}', schema));
      return { dir, schema, run, query };
    }
    /** Each key's history as "value@valid_from..valid_to" strings (open rows end in '..'). */
    const history = async (query: (sql: string) => Promise<Record<string, string | null>[]>, prefix = 'strata') => {
      const rows = await query(
        `select id, v, ${prefix}_valid_from as f, ${prefix}_valid_to as t from {schema}.snap order by id, ${prefix}_valid_from`,
      );
      return rows.map((r) => `${r.id}:${r.v}${r.t === null ? ' (current)' : ''}`);
    };

    it('timestamp strategy: closes changed rows, adds new keys, ignores vanished keys by default', async () => {
      const { run, query } = await setup({
        'seeds/src.csv': 'id,v,updated_at\n1,a,2024-01-01 00:00:00\n2,b,2024-01-01 00:00:00\n3,c,2024-01-01 00:00:00\n',
        'snapshots/snap.yml': snapshotYml('unique_key: id\nstrategy: timestamp\nupdated_at: updated_at'),
      });
      expect((await run()).success).toBe(true);
      expect(await history(query)).toEqual(['1:a (current)', '2:b (current)', '3:c (current)']);
      // An update with an older timestamp is not a change for this strategy.
      const summary = await run('id,v,updated_at\n1,a-old,2023-12-01 00:00:00\n2,b2,2024-02-01 00:00:00\n4,d,2024-02-01 00:00:00\n');
      expect(summary.success).toBe(true);
      expect(await history(query)).toEqual(['1:a (current)', '2:b', '2:b2 (current)', '3:c (current)', '4:d (current)']);
      const closed = await query("select strata_valid_to as t from {schema}.snap where id = 2 and v = 'b'");
      expect(closed[0]?.t).toMatch(/^2024-02-01/);
      // Running again with no change adds nothing.
      expect((await run()).success).toBe(true);
      expect(await query('select count(*) as n from {schema}.snap')).toEqual([{ n: '5' }]);
    });

    it('check strategy with hard_deletes: invalidate', async () => {
      const { run, query } = await setup({
        'seeds/src.csv': 'id,v,other\n1,a,x\n2,b,x\n',
        'snapshots/snap.yml': snapshotYml('unique_key: id\nstrategy: check\ncheck_cols: [v]\nhard_deletes: invalidate'),
      });
      expect((await run()).success).toBe(true);
      expect((await run('id,v,other\n1,a,changed-but-not-checked\n')).success).toBe(true);
      expect(await history(query)).toEqual(['1:a (current)', '2:b']);
    });

    it('hard_deletes: new_record records deletions and reappearances', async () => {
      const { run, query } = await setup({
        'seeds/src.csv': 'id,v\n1,a\n2,b\n',
        'snapshots/snap.yml': snapshotYml('unique_key: id\nstrategy: check\ncheck_cols: all\nhard_deletes: new_record'),
      });
      expect((await run()).success).toBe(true);
      expect((await run('id,v\n1,a\n')).success).toBe(true);
      expect((await run('id,v\n1,a\n2,b\n')).success).toBe(true);
      const rows = await query(
        'select id, v, strata_is_deleted as deleted, strata_valid_to is null as open from {schema}.snap order by id, strata_valid_from, strata_is_deleted',
      );
      expect(rows).toEqual([
        { id: '1', v: 'a', deleted: 'false', open: 'true' },
        { id: '2', v: 'b', deleted: 'false', open: 'false' },
        { id: '2', v: 'b', deleted: 'true', open: 'false' },
        { id: '2', v: 'b', deleted: 'false', open: 'true' },
      ]);
    });

    it('refuses a source with duplicate keys and changes nothing', async () => {
      const { run, query } = await setup({
        'seeds/src.csv': 'id,v\n1,a\n',
        'snapshots/snap.yml': snapshotYml('unique_key: id\nstrategy: check\ncheck_cols: all'),
      });
      expect((await run()).success).toBe(true);
      const summary = await run('id,v\n1,b\n1,c\n');
      const result = summary.results.find((r) => r.uniqueId === 'snapshot.p.snap');
      expect(result?.status).toBe('error');
      expect(result?.message).toContain('several rows for one unique_key');
      expect(await history(query)).toEqual(['1:a (current)']);
      expect(
        await query("select table_name from information_schema.tables where table_schema = '{schema}' and table_name like '%strata%'"),
      ).toEqual([]);
    });

    it('runs legacy {% snapshot %} blocks with dbt column names in a dbt project', async () => {
      const { run, query } = await setup(
        {
          'seeds/src.csv': 'id,v\n1,a\n',
          'snapshots/snap.sql':
            "{% snapshot snap %}\n{{ config(unique_key='id', strategy='check', check_cols=['v']) }}\nselect * from {{ ref('src') }}\n{% endsnapshot %}\n",
        },
        'dbt_project.yml',
      );
      expect((await run()).success).toBe(true);
      expect((await run('id,v\n1,b\n')).success).toBe(true);
      expect(await history(query, 'dbt')).toEqual(['1:a', '1:b (current)']);
    });
  });
}

describe.runIf(TEST_TARGETS.some((t) => t.name === 'postgres'))('snapshot concurrency on postgres', () => {
  it('two runs at once never leave two current rows for a key', async () => {
    const target = TEST_TARGETS.find((t) => t.name === 'postgres');
    if (!target) return;
    const dir = writeProject({
      'strata_project.yml': projectYml('p'),
      'seeds/src.csv': 'id,v\n1,a\n2,b\n',
      'snapshots/snap.yml': snapshotYml('unique_key: id\nstrategy: check\ncheck_cols: all'),
    });
    const schema = await target.writeProfile(dir, 'p');
    const run = () => runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME } });
    expect((await run()).summary.success).toBe(true);
    writeFiles(dir, { 'seeds/src.csv': 'id,v\n1,a2\n2,b2\n3,c\n' });
    expect(
      (await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, resourceTypes: ['seed'] })).summary
        .success,
    ).toBe(true);
    const snapshotOnly = () =>
      runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, resourceTypes: ['snapshot'] });
    const results = await Promise.all([snapshotOnly(), snapshotOnly(), snapshotOnly()]);
    expect(results.every((r) => r.summary.success)).toBe(true);
    expect(
      await target.query(dir, `select id, count(*) as n from ${schema}.snap where strata_valid_to is null group by id order by id`),
    ).toEqual([
      { id: '1', n: '1' },
      { id: '2', n: '1' },
      { id: '3', n: '1' },
    ]);
    expect(await target.query(dir, `select count(*) as n from ${schema}.snap`)).toEqual([{ n: '5' }]);
  });
});

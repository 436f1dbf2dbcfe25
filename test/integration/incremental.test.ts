import { describe, expect, it } from 'vitest';
import { runProject, type RunOptions } from '../../core/run/run-project.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { MATERIALIZATION_TARGETS } from '../helpers/non-transactional-target.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

/** A model over seed `src` that only reads rows newer than what it has, once it exists. */
const incrementalModel = (config: string) => `{{ config(materialized='incremental', ${config}) }}
select * from {{ ref('src') }}
{% if is_incremental() %}where updated_at > (select max(updated_at) from {{ this }}){% endif %}`;

for (const target of MATERIALIZATION_TARGETS) {
  describe(`incremental models on ${target.title}`, () => {
    async function setup(modelSql: string, csv: string) {
      const dir = writeProject({ 'dbt_project.yml': projectYml('p'), 'seeds/src.csv': csv, 'models/m.sql': modelSql });
      const schema = await target.writeProfile(dir, 'p');
      const run = async (csvNext?: string, options: Partial<RunOptions> = {}) => {
        if (csvNext) writeFiles(dir, { 'seeds/src.csv': csvNext });
        return (await runProject({ projectDir: dir, adapters: target.adapters, env: { HOME: EMPTY_HOME }, ...options })).summary;
      };
      const rows = (columns = 'id, v, updated_at') => target.query(dir, `select ${columns} from ${schema}.m order by 1 nulls first, 2`);
      return { dir, schema, run, rows };
    }

    it('append adds only the new rows', async () => {
      const { run, rows } = await setup(incrementalModel("incremental_strategy='append'"), 'id,v,updated_at\n1,a,1\n2,b,2\n');
      expect((await run()).success).toBe(true);
      const summary = await run('id,v,updated_at\n1,a,1\n2,b,2\n2,b2,3\n3,c,4\n');
      expect(summary.results.find((r) => r.uniqueId === 'model.p.m')?.message).toMatch(/^appended rows in/);
      expect(await rows()).toEqual([
        { id: '1', v: 'a', updated_at: '1' },
        { id: '2', v: 'b', updated_at: '2' },
        { id: '2', v: 'b2', updated_at: '3' },
        { id: '3', v: 'c', updated_at: '4' },
      ]);
    });

    it('delete+insert replaces rows by key, NULL keys included, without duplicating them', async () => {
      const { run, rows } = await setup(incrementalModel("unique_key='id'"), 'id,v,updated_at\n,null-key,1\n1,a,1\n2,b,2\n');
      expect((await run()).success).toBe(true);
      expect((await run('id,v,updated_at\n,null-key-2,3\n1,a,1\n2,b2,3\n3,c,3\n')).success).toBe(true);
      expect(await rows()).toEqual([
        { id: null, v: 'null-key-2', updated_at: '3' },
        { id: '1', v: 'a', updated_at: '1' },
        { id: '2', v: 'b2', updated_at: '3' },
        { id: '3', v: 'c', updated_at: '3' },
      ]);
    });

    it('delete+insert with a composite key and incremental_predicates', async () => {
      const model = incrementalModel("unique_key=['id', 'v'], incremental_predicates=[\"DBT_INTERNAL_DEST.v <> 'frozen'\"]");
      const { run, rows } = await setup(model, 'id,v,updated_at\n1,a,1\n1,frozen,1\n2,a,1\n');
      expect((await run()).success).toBe(true);
      // Key (1,a) is replaced; (1,frozen) is protected by the predicate, so its new version is added beside it.
      expect((await run('id,v,updated_at\n1,a,5\n1,frozen,5\n')).success).toBe(true);
      expect(await rows()).toEqual([
        { id: '1', v: 'a', updated_at: '5' },
        { id: '1', v: 'frozen', updated_at: '1' },
        { id: '1', v: 'frozen', updated_at: '5' },
        { id: '2', v: 'a', updated_at: '1' },
      ]);
    });

    it('merge updates matches (NULL keys too), inserts new keys and honours merge_update_columns', async () => {
      const model = incrementalModel("unique_key='id', incremental_strategy='merge', merge_update_columns=['v', 'updated_at']");
      const { run, rows } = await setup(model, 'id,v,updated_at\n,n1,1\n1,a,1\n2,b,1\n');
      expect((await run()).success).toBe(true);
      expect((await run('id,v,updated_at\n,n2,2\n1,a,1\n2,b2,2\n3,c,2\n')).success).toBe(true);
      expect(await rows()).toEqual([
        { id: null, v: 'n2', updated_at: '2' },
        { id: '1', v: 'a', updated_at: '1' },
        { id: '2', v: 'b2', updated_at: '2' },
        { id: '3', v: 'c', updated_at: '2' },
      ]);
    });

    it('merge refuses new rows with duplicate keys and leaves the table as it was', async () => {
      const { run, rows } = await setup(incrementalModel("unique_key='id', incremental_strategy='merge'"), 'id,v,updated_at\n1,a,1\n');
      expect((await run()).success).toBe(true);
      const summary = await run('id,v,updated_at\n1,a,1\n2,x,2\n2,y,2\n');
      const result = summary.results.find((r) => r.uniqueId === 'model.p.m');
      expect(result?.status).toBe('error');
      expect(result?.message).toContain('duplicate unique_key values (id)');
      expect(result?.message).toContain('id=2, row_count=2');
      expect(await rows()).toEqual([{ id: '1', v: 'a', updated_at: '1' }]);
    });

    it('on_schema_change: fail stops, append_new_columns adds, sync_all_columns also drops', async () => {
      const withColumns = (config: string, select: string) =>
        `{{ config(materialized='incremental', ${config}) }}\nselect ${select} from {{ ref('src') }}\n{% if is_incremental() %}where updated_at > (select max(updated_at) from {{ this }}){% endif %}`;
      const { dir, run, rows } = await setup(withColumns("on_schema_change='fail'", 'id, v, updated_at'), 'id,v,updated_at\n1,a,1\n');
      expect((await run()).success).toBe(true);
      writeFiles(dir, { 'models/m.sql': withColumns("on_schema_change='fail'", "id, v, updated_at, 'x' as extra") });
      const failed = (await run('id,v,updated_at\n1,a,1\n2,b,2\n')).results.find((r) => r.uniqueId === 'model.p.m');
      expect(failed?.status).toBe('error');
      expect(failed?.message).toContain("new column 'extra'");
      expect(await rows()).toEqual([{ id: '1', v: 'a', updated_at: '1' }]);

      writeFiles(dir, { 'models/m.sql': withColumns("on_schema_change='append_new_columns'", "id, v, updated_at, 'x' as extra") });
      expect((await run()).success).toBe(true);
      expect(await rows('id, v, extra')).toEqual([
        { id: '1', v: 'a', extra: null },
        { id: '2', v: 'b', extra: 'x' },
      ]);

      writeFiles(dir, { 'models/m.sql': withColumns("on_schema_change='sync_all_columns'", "id, updated_at, 'y' as extra") });
      expect((await run('id,v,updated_at\n1,a,1\n2,b,2\n3,c,3\n')).success).toBe(true);
      expect(await rows('*')).toEqual([
        { id: '1', updated_at: '1', extra: null },
        { id: '2', updated_at: '2', extra: 'x' },
        { id: '3', updated_at: '3', extra: 'y' },
      ]);
    });

    it('--full-refresh rebuilds, unless the model sets full_refresh: false', async () => {
      const { dir, run, rows } = await setup(incrementalModel("incremental_strategy='append'"), 'id,v,updated_at\n1,a,1\n');
      expect((await run()).success).toBe(true);
      expect((await run('id,v,updated_at\n2,b,2\n', { fullRefresh: true })).success).toBe(true);
      expect(await rows()).toEqual([{ id: '2', v: 'b', updated_at: '2' }]);
      writeFiles(dir, { 'models/m.sql': incrementalModel("incremental_strategy='append', full_refresh=false") });
      expect((await run('id,v,updated_at\n3,c,3\n', { fullRefresh: true })).success).toBe(true);
      expect(await rows()).toEqual([
        { id: '2', v: 'b', updated_at: '2' },
        { id: '3', v: 'c', updated_at: '3' },
      ]);
    });
  });
}

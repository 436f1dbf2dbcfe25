import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProject, type RunOptions } from '../../core/run/run-project.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { MATERIALIZATION_TARGETS } from '../helpers/non-transactional-target.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

const events = (day2Amount: number) =>
  `occurred_at,amount\n2024-01-01 10:00:00,1\n2024-01-02 10:00:00,${day2Amount}\n2024-01-03 10:00:00,3\n2024-01-04 10:00:00,4\n2024-01-05 10:00:00,5\n`;
const model = (select: string) =>
  `{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='occurred_at', batch_size='day', begin='2024-01-01') }}\n${select}`;

for (const target of MATERIALIZATION_TARGETS) {
  describe(`microbatch on ${target.title}`, () => {
    async function setup(select: string) {
      const dir = writeProject({
        'dbt_project.yml': projectYml('p', 'seeds:\n  p:\n    events:\n      +event_time: occurred_at\n'),
        'seeds/events.csv': events(2),
        'models/daily.sql': model(select),
      });
      const schema = await target.writeProfile(dir, 'p');
      const run = async (start: string, end: string, options: Partial<RunOptions> = {}) =>
        (
          await runProject({
            projectDir: dir,
            adapters: target.adapters,
            env: { HOME: EMPTY_HOME },
            eventTimeStart: new Date(`${start}T00:00:00Z`),
            eventTimeEnd: new Date(`${end}T00:00:00Z`),
            ...options,
          })
        ).summary;
      const rows = () => target.query(dir, `select cast(occurred_at as date) as day, amount from ${schema}.daily order by 1`);
      return { dir, schema, run, rows };
    }

    it('builds each batch from the upstream rows of its window, and backfills one batch alone', async () => {
      const { dir, run, rows } = await setup("select occurred_at, amount from {{ ref('events') }}");
      const first = await run('2024-01-01', '2024-01-04');
      expect(first.success).toBe(true);
      expect(first.results.find((r) => r.uniqueId === 'model.p.daily')?.batchResults?.successful).toHaveLength(3);
      expect((await rows()).map((r) => [r.day?.slice(0, 10), r.amount])).toEqual([
        ['2024-01-01', '1'],
        ['2024-01-02', '2'],
        ['2024-01-03', '3'],
      ]);
      writeFiles(dir, { 'seeds/events.csv': events(20) });
      expect((await run('2024-01-02', '2024-01-03')).success).toBe(true);
      expect((await rows()).map((r) => [r.day?.slice(0, 10), r.amount])).toEqual([
        ['2024-01-01', '1'],
        ['2024-01-02', '20'],
        ['2024-01-03', '3'],
      ]);
    });

    it("filters a source by the event_time of its config (dbt's source config, from the properties file)", async () => {
      const { dir, run, rows } = await setup("select occurred_at, amount from {{ source('raw', 'events') }}");
      writeFiles(dir, {
        'models/sources.yml':
          'sources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n        config:\n          event_time: occurred_at\n',
      });
      const seeded = await run('2024-01-01', '2024-01-03', { command: 'seed', resourceTypes: ['seed'] });
      expect(seeded.results.map((r) => `${r.uniqueId}: ${r.status}`)).toEqual(['seed.p.events: success']);
      expect((await run('2024-01-02', '2024-01-04')).success).toBe(true);
      // Only the batches' window reaches the model: the source was filtered, not read whole.
      expect((await rows()).map((r) => [r.day?.slice(0, 10), r.amount])).toEqual([
        ['2024-01-02', '2'],
        ['2024-01-03', '3'],
      ]);
    });

    it("gives each batch's template model.batch as dbt does: id and bounds in Python's isoformat", async () => {
      const { dir, schema, run } = await setup(
        "select occurred_at, amount, '{{ model.batch.id }}' as batch_id, '{{ model.batch.event_time_start }}|{{ model.batch.event_time_end }}' as bounds from {{ ref('events') }}",
      );
      expect((await run('2024-01-01', '2024-01-03')).success).toBe(true);
      const rows = await target.query(dir, `select distinct batch_id, bounds from ${schema}.daily order by 1`);
      expect(rows).toEqual([
        { batch_id: '20240101', bounds: '2024-01-01T00:00:00+00:00|2024-01-02T00:00:00+00:00' },
        { batch_id: '20240102', bounds: '2024-01-02T00:00:00+00:00|2024-01-03T00:00:00+00:00' },
      ]);
    });

    it('keeps the batches that worked when one fails, and reports which', async () => {
      // The cast fails at run time only for day 3's row (a constant cast would fail while planning).
      const failOnDay3 =
        "select occurred_at, cast(case when amount = 3 then 'x' else cast(amount as varchar) end as integer) as amount from {{ ref('events') }}";
      const { dir, run, rows } = await setup(failOnDay3);
      const summary = await run('2024-01-01', '2024-01-05');
      const result = summary.results.find((r) => r.uniqueId === 'model.p.daily');
      expect(result?.status).toBe('error');
      expect(result?.batchResults?.successful.map((b) => b[0].slice(0, 10))).toEqual(['2024-01-01', '2024-01-02', '2024-01-04']);
      expect(result?.batchResults?.failed.map((b) => b[0].slice(0, 10))).toEqual(['2024-01-03']);
      expect((await rows()).map((r) => r.amount)).toEqual(['1', '2', '4']);
      const artifact = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as {
        results: { unique_id: string; batch_results: { failed: string[][] } | null }[];
      };
      expect(artifact.results.find((r) => r.unique_id === 'model.p.daily')?.batch_results?.failed).toHaveLength(1);
    });
  });
}

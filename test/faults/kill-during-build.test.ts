import { randomInt } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresOutput, queryDuckDbFile, queryPostgres, TEST_TARGETS, uniqueSchema } from '../helpers/targets.js';
import { seededRandom } from '../helpers/prng.js';
import { writeProject } from '../helpers/temp-project.js';
import { hash32, runStrata, STACK_TRACE, sums, sumsSql, type Ended } from './fault-helpers.js';

/**
 * Issue #18: builds killed (SIGINT or SIGKILL) at random moments leave the previous relation
 * intact (or the new one complete, when the kill landed after the commit), no __strata_ relations
 * after the next run, and the next run succeeds. STRATA_FAULT_SEED=<n> repeats a run's kills.
 */
const SEED = Number(process.env.STRATA_FAULT_SEED ?? randomInt(2 ** 31));
const KILLS = Number(process.env.STRATA_FAULT_KILLS ?? 6);
console.log(`kill-during-build: seed ${SEED} (set STRATA_FAULT_SEED=${SEED} to repeat these kills)`);

const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));

/** What differs between the databases: SQL for generated rows, sizes that make a build last about a second, how to look. */
interface Db {
  name: string;
  /** `from` ≤ i < `to` as a FROM item with the column i. */
  rows: (from: string, to: string) => string;
  md5: string;
  /** A config() fragment that makes each build slower (Postgres: a sleeping pre_hook). */
  hook: string;
  profile: (schema: string) => string;
  query: (dir: string, sql: string) => Promise<Record<string, string | null>[]>;
  leftovers: (schema: string) => string;
  size: { table: number; incremental: number; step: number; append: number; snapshot: number; seed: number };
}

const leftoverWhere = "table_name like '%\\_\\_strata\\_%' escape '\\'";
const ALL_DBS: Db[] = [
  {
    name: 'duckdb',
    rows: (from, to) => `range(${from}, ${to}) r(i)`,
    md5: 'md5(cast(i as varchar))',
    hook: '',
    profile: () => '      type: duckdb\n      path: test.duckdb\n      schema: main\n      threads: 1\n',
    query: (dir, sql) => queryDuckDbFile(join(dir, 'test.duckdb'), sql),
    leftovers: () => `select table_schema, table_name from information_schema.tables where ${leftoverWhere}`,
    size: { table: 250_000, incremental: 150_000, step: 40_000, append: 120_000, snapshot: 60_000, seed: 100_000 },
  },
  {
    name: 'postgres',
    rows: (from, to) => `generate_series(${from}, (${to}) - 1) g(i)`,
    md5: 'md5(cast(i as text))',
    hook: ", pre_hook='select pg_sleep(0.3)'",
    profile: (schema) => postgresOutput(schema, 1),
    query: (_dir, sql) => queryPostgres(sql),
    leftovers: (schema) =>
      `select table_schema, table_name from information_schema.tables where table_schema = '${schema}' and ${leftoverWhere}`,
    // Incremental and snapshot keys are matched with IS NOT DISTINCT FROM, which Postgres cannot hash
    // or merge-join: their time grows with the square of the rows, so they stay small.
    size: { table: 60_000, incremental: 4_000, step: 1_000, append: 30_000, snapshot: 4_000, seed: 40_000 },
  },
];
const DBS = ALL_DBS.filter((db) => TEST_TARGETS.some((t) => t.name === db.name));

/** One materialization built again and again, version `v` of its data each time. */
interface Scenario {
  name: string;
  files: Record<string, string>;
  /** Done (and not killed) before version `v` is built: write the CSV, build the snapshot's source. */
  prepare?: (dir: string, v: number) => Promise<void>;
  args: (v: number) => string[];
  /** The checksum query (`{schema}` is the target schema). */
  checksum: string;
  /** The checksum after a complete build of version `v`. */
  expected: (v: number) => Record<string, string>;
}

const vars = (v: number) => ['--vars', `{v: ${v}}`];

function scenarios(db: Db): Scenario[] {
  const { table: N, incremental: IN, step: M, append: S, snapshot: SN, seed: SEEDN } = db.size;
  const incremental = (strategy: string): Scenario => ({
    name: `incremental ${strategy}`,
    // Version v: ids v*M ≤ id < v*M + IN, each with v: later versions update some ids and add others.
    files: {
      'models/inc.sql': `{{ config(materialized='incremental', unique_key='id', incremental_strategy='${strategy}'${db.hook}) }}\nselect i as id, {{ var('v') }} as v, ${db.md5} as h from ${db.rows(`{{ var('v') }} * ${M}`, `{{ var('v') }} * ${M} + ${IN}`)}\n`,
    },
    args: (v) => ['run', ...vars(v)],
    checksum: sumsSql('{schema}.inc'),
    expected: (v) => sums(M, v * M + IN, (id) => Math.min(v, Math.floor(id / M))),
  });
  return [
    {
      name: 'table',
      files: {
        'models/t.sql': `{{ config(materialized='table'${db.hook}) }}\nselect i as id, {{ var('v') }} as v, ${db.md5} as h from ${db.rows('0', String(N))}\n`,
      },
      args: (v) => ['run', ...vars(v)],
      checksum: sumsSql('{schema}.t'),
      expected: (v) => sums(0, N, () => v),
    },
    {
      name: 'incremental append',
      // Version v holds ids below v*S; each run appends the ids the table lacks, with its version.
      files: {
        'models/app.sql': `{{ config(materialized='incremental', incremental_strategy='append'${db.hook}) }}\nselect i as id, {{ var('v') }} as v, ${db.md5} as h from ${db.rows('0', `{{ var('v') }} * ${S}`)}\n{% if is_incremental() %}where i > (select coalesce(max(id), -1) from {{ this }}){% endif %}\n`,
      },
      args: (v) => ['run', ...vars(v)],
      checksum: sumsSql('{schema}.app'),
      expected: (v) => sums(0, v * S, (id) => Math.floor(id / S) + 1),
    },
    incremental('delete+insert'),
    incremental('merge'),
    {
      name: 'snapshot',
      files: {
        'models/src.sql': `{{ config(materialized='table') }}\nselect i as id, {{ var('v') }} as v from ${db.rows('0', String(SN))}\n`,
        'snapshots/snap.yml': `snapshots:\n  - name: snap\n    relation: ref('src')\n    config:\n      unique_key: id\n      strategy: check\n      check_cols: [v]\n${db.hook ? '      pre_hook: "select pg_sleep(0.3)"\n' : ''}`,
      },
      prepare: async (dir, v) => {
        const src = await runStrata(['run', '-s', 'src', '--project-dir', dir, ...vars(v)]);
        if (src.code !== 0) throw new Error(`building the snapshot's source failed:\n${src.out}\n${src.err}`);
      },
      args: (v) => ['snapshot', ...vars(v)],
      // Every version changes every row: v versions of each id, the current one holding v.
      checksum:
        'select count(*) as n, sum(case when dbt_valid_to is null then 1 else 0 end) as cur, sum(case when dbt_valid_to is null then v else 0 end) as s2 from {schema}.snap',
      expected: (v) => ({ n: String(SN * v), cur: String(SN), s2: String(SN * v) }),
    },
    {
      name: 'seed',
      files: {
        'seeds/props.yml': `version: 2\nseeds:\n  - name: big\n${db.hook ? '    config:\n      pre_hook: "select pg_sleep(0.3)"\n' : ''}`,
      },
      prepare: async (dir, v) => {
        const lines = ['id,v,h'];
        for (let i = 0; i < SEEDN; i++) lines.push(`${i},${v},row ${i} of version ${v}`);
        writeFileSync(join(dir, 'seeds/big.csv'), `${lines.join('\n')}\n`);
      },
      args: () => ['seed'],
      checksum: sumsSql('{schema}.big'),
      expected: (v) => sums(0, SEEDN, () => v),
    },
  ];
}

/** One killed build and what followed it. */
interface Round {
  label: string;
  /** The signal reached a running process (otherwise the build had already finished). */
  killed: boolean;
  /** Whether the relation after the kill was the previous one or the new one. */
  landed: 'before' | 'after' | 'neither';
  problems: string[];
}
const ROUNDS: Round[] = [];

afterAll(() => {
  const kills = ROUNDS.filter((r) => r.killed);
  const survived = kills.filter((r) => r.problems.length === 0);
  const missed = ROUNDS.length - kills.length;
  console.log(
    `kill-during-build (seed ${SEED}): ${survived.length} of ${kills.length} kills survived (${kills.filter((r) => r.landed === 'before').length} left the previous relation, ${kills.filter((r) => r.landed === 'after').length} the new one); ${missed} kills came after the build had finished`,
  );
  for (const r of ROUNDS.filter((x) => x.problems.length > 0)) console.log(`FAILED ${r.label}:\n  ${r.problems.join('\n  ')}`);
});

const same = (a: Record<string, string | null> | undefined, b: Record<string, string | null>) => JSON.stringify(a) === JSON.stringify(b);
const printed = (e: Ended) =>
  `exit ${e.code ?? e.signal}${e.hung ? ' (hung, SIGKILLed)' : ''}: ${`${e.out}\n${e.err}`.trim().slice(-1500)}`;

describe.skipIf(!built)('kill during build', () => {
  for (const db of DBS) {
    for (const scenario of scenarios(db)) {
      it.concurrent(
        `${db.name} ${scenario.name}: ${KILLS} kills leave the old or the new relation, nothing half-made, and the next run succeeds`,
        { timeout: 170_000 },
        async () => {
          const rng = seededRandom(SEED ^ hash32(`${db.name} ${scenario.name}`));
          const schema = db.name === 'postgres' ? uniqueSchema() : 'main';
          const dir = writeProject({
            'dbt_project.yml': 'name: faults\nprofile: faults\n',
            'profiles.yml': `faults:\n  target: dev\n  outputs:\n    dev:\n${db.profile(schema)}`,
            ...scenario.files,
          });
          const run = (v: number, kill?: { signal: NodeJS.Signals; afterMs: number }) =>
            runStrata([...scenario.args(v), '--project-dir', dir], kill ? { kill } : {});
          const state = async () => (await db.query(dir, scenario.checksum.replaceAll('{schema}', schema)))[0];

          await scenario.prepare?.(dir, 1);
          const first = await run(1);
          expect(first.code, printed(first)).toBe(0);
          expect(await state()).toEqual(scenario.expected(1));
          let lasted = first.ms;
          const mine: Round[] = [];
          for (let round = 1; round <= KILLS; round++) {
            const v = round + 1;
            await scenario.prepare?.(dir, v);
            const before = await state();
            const signal: NodeJS.Signals = rng() < 0.5 ? 'SIGINT' : 'SIGKILL';
            const afterMs = Math.round(lasted * (0.1 + 0.85 * rng()));
            const label = `${db.name} ${scenario.name} round ${round}: ${signal} after ${afterMs} ms of a build that lasts about ${lasted} ms (seed ${SEED})`;
            const problems: string[] = [];
            const killed = await run(v, { signal, afterMs });
            if (killed.hung) problems.push(`the killed build did not stop: ${printed(killed)}`);
            if (STACK_TRACE.test(killed.err) || /internal error/i.test(killed.err))
              problems.push(`the killed build printed a stack trace or an internal error: ${printed(killed)}`);
            const after = await state();
            const expected = scenario.expected(v);
            const landed = same(after, before as Record<string, string>) ? 'before' : same(after, expected) ? 'after' : 'neither';
            if (landed === 'neither')
              problems.push(
                `after the kill the relation is neither the previous one ${JSON.stringify(before)} nor the new one ${JSON.stringify(expected)}: ${JSON.stringify(after)}`,
              );
            const next = await run(v);
            if (next.code !== 0) problems.push(`the next run failed: ${printed(next)}`);
            else lasted = next.ms;
            const final = await state();
            if (!same(final, expected))
              problems.push(`after the next run the relation is ${JSON.stringify(final)}, not ${JSON.stringify(expected)}`);
            const left = await db.query(dir, db.leftovers(schema));
            if (left.length > 0)
              problems.push(`relations left behind after the next run: ${left.map((r) => `${r.table_schema}.${r.table_name}`).join(', ')}`);
            const result = {
              label: `${label}, landed ${landed}${killed.killed ? '' : ' (the build had already finished)'}`,
              killed: killed.killed,
              landed,
              problems,
            } as const;
            mine.push(result);
            ROUNDS.push(result);
          }
          expect(mine.filter((r) => r.problems.length > 0).map((r) => `${r.label}\n  ${r.problems.join('\n  ')}`)).toEqual([]);
        },
      );
    }
  }
});

// Two builds at once on one target (20 rounds, exact row counts): test/integration/run-lock.test.ts.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { spawnCli, STACK_LINE, type CliExit } from '../helpers/spawn-cli.js';
import { PG_URL, postgresOutput, queryDuckDbFile, queryPostgres, TEST_TARGETS, uniqueSchema } from '../helpers/targets.js';
import { writeProject } from '../helpers/temp-project.js';

const repo = resolve(import.meta.dirname, '../..');
const pgDatabase = new URL(PG_URL).pathname.slice(1) || 'postgres';
const describePostgres = TEST_TARGETS.some((t) => t.name === 'postgres') ? describe : describe.skip;

/**
 * A seed, a table, an incremental model merged on a key and an incremental model that appends
 * one row per run: two runs at once without a lock break the table swap or duplicate rows.
 * `--vars '{hold: s}'` makes a Postgres run hold its lock for `s` seconds before the first node;
 * `--vars '{gate: k}'` until the test lets go of its advisory lock `k`.
 */
function lockProject(output: string): string {
  const ids = ['id', ...Array.from({ length: 100 }, (_, i) => String(i + 1))].join('\n');
  return writeProject({
    'dbt_project.yml':
      "name: lockp\nprofile: lockp\non-run-start:\n  - \"{% if var('hold', 0) %}select pg_sleep({{ var('hold') }}){% endif %}\"\n  - \"{% if var('gate', 0) %}select pg_advisory_xact_lock({{ var('gate') }}){% endif %}\"\n",
    'profiles.yml': `lockp:\n  target: dev\n  outputs:\n    dev:\n${output}`,
    'seeds/ids.csv': `${ids}\n`,
    'models/t.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('ids') }}",
    'models/merged.sql':
      "{{ config(materialized='incremental', unique_key='id') }}\nselect id, '{{ invocation_id }}' as last_run from {{ ref('ids') }}",
    'models/runs.sql':
      "{{ config(materialized='incremental') }}\nselect '{{ invocation_id }}' as run_id, (select count(*) from {{ ref('t') }}) as n",
  });
}

const COUNTS_SQL = (schema: string) => `select
  (select count(*) from ${schema}.ids) as ids,
  (select count(*) from ${schema}.t) as t,
  (select count(*) from ${schema}.merged) as merged,
  (select count(distinct id) from ${schema}.merged) as merged_ids,
  (select count(*) from ${schema}.runs) as runs,
  (select count(distinct run_id) from ${schema}.runs) as run_ids,
  (select min(n) from ${schema}.runs) as min_n`;

/** The pids named by "waiting for another strata run (pid n) on <target>" lines. */
function waitedFor(result: CliExit, target: string): number[] {
  const pattern = new RegExp(`^waiting for another strata run \\(pid (\\d+)[^)]*\\) on ${target.replace(/\./g, '\\.')}$`, 'gm');
  return [...`${result.out}\n${result.err}`.matchAll(pattern)].map((m) => Number(m[1]));
}

/** Resolves once the strata process `pid` holds its run lock on the test server. */
async function untilHoldsLock(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const rows = await queryPostgres(
      `select count(*) as n from pg_locks l join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted and a.application_name = 'strata pid ${pid} run lock'`,
    );
    if (rows[0]?.n === '1') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`strata pid ${pid} never took its run lock`);
}

/** Resolves once a spawned run says it waits for another. */
function untilWaiting(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((r) => {
    let err = '';
    child.stderr.on('data', (s: string) => {
      err += s;
      if (err.includes('waiting for another strata run')) r();
    });
  });
}

describePostgres('run lock on Postgres', () => {
  it('serializes two processes building one schema, round after round, with exact row counts', async () => {
    const schema = uniqueSchema();
    // Two copies of the project (as two CI jobs would have) writing to one schema.
    const dirs = [lockProject(postgresOutput(schema, 2)), lockProject(postgresOutput(schema, 2))];
    const target = `${pgDatabase}.${schema}`;
    let waits = 0;
    const rounds = 20;
    for (let round = 1; round <= rounds; round++) {
      const runs = dirs.map((dir) => spawnCli(['build', '--project-dir', dir, '--vars', '{hold: 0.2}']));
      const results = await Promise.all(runs.map((r) => r.done));
      for (const [i, result] of results.entries()) {
        expect(result.code, `round ${round}: ${result.out}\n${result.err}`).toBe(0);
        expect(result.err).not.toMatch(STACK_LINE);
        const other = runs[1 - i]?.child.pid;
        for (const pid of waitedFor(result, target)) {
          expect(pid).toBe(other);
          waits++;
        }
      }
      expect(await queryPostgres(COUNTS_SQL(schema))).toEqual([
        { ids: '100', t: '100', merged: '100', merged_ids: '100', runs: String(2 * round), run_ids: String(2 * round), min_n: '100' },
      ]);
    }
    // Both start together and hold the lock for 0.2s or more, so the later one usually waits (and
    // says so); how often depends on how fast each process starts.
    expect(waits).toBeGreaterThanOrEqual(1);
  }, 240_000);

  it('names the holder while waiting; --lock-timeout gives up with exit 2; Ctrl-C stops the wait; read-only commands take no lock', async () => {
    const schema = uniqueSchema();
    const dir = lockProject(postgresOutput(schema, 1));
    const other = lockProject(postgresOutput(schema, 1));
    const target = `${pgDatabase}.${schema}`;
    // The holder keeps the target until the test opens the gate.
    const gate = new pg.Client({ connectionString: PG_URL });
    await gate.connect();
    const key = randomInt(1, 2 ** 31);
    await gate.query('select pg_advisory_lock($1)', [key]);
    const holder = spawnCli(['build', '--project-dir', dir, '--vars', `{gate: ${key}}`]);
    const holderPid = holder.child.pid as number;
    try {
      await untilHoldsLock(holderPid);

      const [timedOut, notAtAll, compiled, listed] = await Promise.all([
        spawnCli(['run', '--project-dir', other, '--lock-timeout', '1']).done,
        spawnCli(['seed', '--project-dir', other, '--lock-timeout', '0']).done,
        spawnCli(['compile', '--project-dir', other]).done,
        spawnCli(['ls', '--project-dir', other]).done,
      ]);
      expect(timedOut.code, `${timedOut.out}\n${timedOut.err}`).toBe(2);
      expect(waitedFor(timedOut, target)).toEqual([holderPid]);
      expect(timedOut.err).toContain(
        `error[run-lock-timeout]: Another strata run (pid ${holderPid}) was still writing to ${target} after 1s of waiting (--lock-timeout 1). Let it finish, or raise --lock-timeout.`,
      );
      expect(notAtAll.code).toBe(2);
      expect(notAtAll.err).toContain(
        `error[run-lock-timeout]: Another strata run (pid ${holderPid}) is writing to ${target}, and --lock-timeout 0 does not wait.`,
      );
      for (const r of [timedOut, notAtAll]) expect(`${r.out}${r.err}`).not.toMatch(STACK_LINE);
      for (const r of [compiled, listed]) {
        expect(r.code, r.err).toBe(0);
        expect(waitedFor(r, target)).toEqual([]);
      }

      // Ctrl-C while waiting ends the wait (130, as any cancelled run) and leaves no session behind.
      const cancelled = spawnCli(['run', '--project-dir', other]);
      await untilWaiting(cancelled.child);
      cancelled.child.kill('SIGINT');
      const stopped = await cancelled.done;
      expect(stopped.code).toBe(130);
      expect(stopped.err).not.toMatch(STACK_LINE);

      // A run without a limit waits for the holder, then builds.
      const waiter = spawnCli(['run', '--project-dir', other, '-s', 'runs']);
      await untilWaiting(waiter.child);
      await gate.query('select pg_advisory_unlock($1)', [key]);
      const [held, waited] = await Promise.all([holder.done, waiter.done]);
      expect(held.code, held.err).toBe(0);
      expect(waited.code, waited.err).toBe(0);
      expect(waitedFor(waited, target)).toEqual([holderPid]);
      // Their lock sessions are gone with them (a backend may take a moment to exit).
      const lockSessions = `select count(*) as n from pg_stat_activity where application_name in ('strata pid ${holderPid} run lock', 'strata pid ${cancelled.child.pid} run lock')`;
      for (let i = 0; i < 40 && (await queryPostgres(lockSessions))[0]?.n !== '0'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await queryPostgres(lockSessions)).toEqual([{ n: '0' }]);
    } finally {
      // Whatever failed, the holder must not wait on the gate for ever.
      await gate.end().catch(() => undefined);
      holder.child.kill();
    }
  }, 180_000);
});

describe('run lock on DuckDB', () => {
  it('fails clearly, naming the process, when another process has the file open', async () => {
    const dir = writeProject({
      'dbt_project.yml': 'name: duckp\nprofile: duckp\n',
      'profiles.yml': 'duckp:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: held.duckdb\n',
      'models/a.sql': 'select 1 as x',
    });
    const file = join(dir, 'held.duckdb');
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api'; await DuckDBInstance.create(${JSON.stringify(file)}); console.log('ready'); setInterval(() => {}, 1000);`,
      ],
      { cwd: repo, env: { ...process.env, HOME: EMPTY_HOME } },
    );
    try {
      await new Promise<void>((r, reject) => {
        holder.stdout.on('data', (s: Buffer) => s.toString().includes('ready') && r());
        holder.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
      });
      const result = await spawnCli(['build', '--project-dir', dir]).done;
      expect(result.code).toBe(2);
      expect(result.err).toContain(
        `error[database-file-locked]: The DuckDB file ${file} is in use by another process (PID ${holder.pid}, `,
      );
      expect(result.err).toContain('Wait for it to finish, or stop it.');
      expect(`${result.out}${result.err}`).not.toMatch(STACK_LINE);
      expect(result.err).not.toContain('Internal error');
    } finally {
      holder.kill();
    }
  });

  it('serializes two runs on one file in one process', async () => {
    const dir = lockProject('      type: duckdb\n      path: test.duckdb\n      threads: 2\n');
    const target = 'test.main';
    for (let round = 1; round <= 3; round++) {
      const results = await Promise.all([cli(['build', '--project-dir', dir]), cli(['build', '--project-dir', dir])]);
      for (const r of results) expect(r.code, `${r.out}\n${r.err}`).toBe(0);
      // The in-process queue names this process as the holder.
      expect(results.flatMap((r) => waitedFor({ code: r.code, out: r.out, err: r.err }, target))).toEqual([process.pid]);
      expect(results.map((r) => r.err).join('\n')).toContain(
        `waiting for another strata run (pid ${process.pid}, this process) on ${target}`,
      );
      expect(await queryDuckDbFile(join(dir, 'test.duckdb'), COUNTS_SQL('main'))).toEqual([
        { ids: '100', t: '100', merged: '100', merged_ids: '100', runs: String(2 * round), run_ids: String(2 * round), min_n: '100' },
      ]);
    }
  });
});

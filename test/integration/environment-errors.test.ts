import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { spawnCli, STACK_LINE, type CliExit } from '../helpers/spawn-cli.js';
import { PG_URL, queryPostgres, TEST_TARGETS, uniqueSchema } from '../helpers/targets.js';
import { writeProject } from '../helpers/temp-project.js';

const env = { ...process.env, HOME: EMPTY_HOME, STRATA_PROFILES_DIR: '' };
const url = new URL(PG_URL);
const server = {
  host: url.hostname,
  port: Number(url.port || 5432),
  user: decodeURIComponent(url.username) || 'postgres',
  dbname: url.pathname.slice(1) || 'postgres',
};
const describePostgres = TEST_TARGETS.some((t) => t.name === 'postgres') ? describe : describe.skip;

/** A project with a seed, a model, a test, a snapshot and on-run hooks, building on `output`. */
function project(output: Record<string, string | number>): string {
  const lines = Object.entries(output)
    .map(([k, v]) => `      ${k}: ${v}\n`)
    .join('');
  return writeProject({
    'dbt_project.yml': 'name: envp\nprofile: envp\non-run-start: ["select 1"]\non-run-end: ["select 2"]\n',
    'profiles.yml': `envp:\n  target: dev\n  outputs:\n    dev:\n${lines}`,
    'seeds/s.csv': 'id\n1\n',
    'models/a.sql': "select id from {{ ref('s') }}",
    'models/a.yml': 'models:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    'snapshots/snap.sql':
      "{% snapshot snap %}{{ config(unique_key='id', strategy='check', check_cols='all') }}select id from {{ ref('s') }}{% endsnapshot %}",
  });
}

function postgres(overrides: Partial<typeof server>): Record<string, string | number> {
  return { type: 'postgres', ...server, ...overrides, schema: uniqueSchema(), threads: 2, connect_timeout: 5 };
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const { port } = listener.address() as { port: number };
  await new Promise((r) => listener.close(r));
  return port;
}

/** One clear sentence on stderr, exit 2, and never a stack trace or an "internal error". */
function expectEnvironmentError(result: CliExit, sentence: string | RegExp): void {
  expect(result.code, `${result.out}\n${result.err}`).toBe(2);
  if (typeof sentence === 'string') expect(result.err).toContain(sentence);
  else expect(result.err).toMatch(sentence);
  expect(`${result.out}\n${result.err}`).not.toMatch(STACK_LINE);
  expect(result.err).not.toMatch(/internal error/i);
}

describePostgres('Postgres that cannot be used', () => {
  it('a closed port: every command that connects says so, exit 2, no stack', async () => {
    const port = await closedPort();
    const dir = project(postgres({ host: '127.0.0.1', port }));
    const sentence = `error[connection-failed]: No Postgres server is answering at 127.0.0.1:${port} (connection refused). Is it running, and are host and port right?`;
    const commands = [['build'], ['run'], ['seed'], ['test'], ['snapshot'], ['docs', 'generate']];
    const results = await Promise.all(commands.map((c) => spawnCli([...c, '--project-dir', dir]).done));
    for (const result of results) expectEnvironmentError(result, sentence);
    // debug reports the same sentence as its connection test (its own exit code: a failed check).
    const debug = await spawnCli(['debug', '--project-dir', dir]).done;
    expect(debug.code).toBe(1);
    expect(debug.err).toContain(`Connection test: [ERROR] No Postgres server is answering at 127.0.0.1:${port}`);
  });

  it('an unknown host, a wrong user and a missing database, during build', async () => {
    const [host, user, database] = await Promise.all([
      spawnCli(['build', '--project-dir', project(postgres({ host: 'nohost.invalid' }))]).done,
      spawnCli(['build', '--project-dir', project(postgres({ user: 'strata_no_such_user' }))]).done,
      spawnCli(['build', '--project-dir', project(postgres({ dbname: 'strata_no_such_db' }))]).done,
    ]);
    expectEnvironmentError(host, "error[connection-failed]: Host 'nohost.invalid' cannot be resolved. Check 'host' in profiles.yml.");
    // Without a password the server says the role does not exist; with one, that authentication failed.
    expectEnvironmentError(
      user,
      new RegExp(
        `error\\[connection-failed\\]: (The server at ${server.host}:${server.port} rejected user 'strata_no_such_user' \\(role "strata_no_such_user" does not exist\\)\\. Check 'user' in profiles\\.yml\\.|Password authentication failed for user 'strata_no_such_user' at ${server.host}:${server.port}\\. Check 'user' and 'password' in profiles\\.yml\\.)`,
      ),
    );
    expectEnvironmentError(
      database,
      `error[connection-failed]: Database 'strata_no_such_db' does not exist on ${server.host}:${server.port}. Create it, or fix 'dbname' in profiles.yml.`,
    );
  });
});

describePostgres('Postgres that allows fewer sessions than threads', () => {
  it('goes on with the sessions it has when the server refuses more (a role limited to two)', async () => {
    const role = uniqueSchema();
    await queryPostgres(`create role ${role} login connection limit 2`);
    await queryPostgres(`grant create on database "${server.dbname}" to ${role}`);
    try {
      const schema = uniqueSchema();
      const dir = writeProject({
        'dbt_project.yml': 'name: few\nprofile: few\n',
        'profiles.yml': `few:\n  target: dev\n  outputs:\n    dev:\n${Object.entries({ ...postgres({ user: role }), schema, threads: 4 })
          .map(([k, v]) => `      ${k}: ${v}\n`)
          .join('')}`,
        ...Object.fromEntries(
          Array.from({ length: 6 }, (_, i) => [
            `models/m${i}.sql`,
            `{{ config(materialized='table') }}\nselect ${i} as x from pg_sleep(0.1)`,
          ]),
        ),
      });
      // One session holds the run lock, one builds: the other three threads' sessions are refused.
      const result = await spawnCli(['run', '--project-dir', dir]).done;
      expect(result.code, `${result.out}\n${result.err}`).toBe(0);
      expect(result.out).toContain('Done. PASS=6 WARN=0 ERROR=0 SKIP=0 TOTAL=6');
      await queryPostgres(`drop schema ${schema} cascade`);
    } finally {
      await queryPostgres(`drop owned by ${role}`);
      await queryPostgres(`drop role ${role}`);
    }
  });
});

describe('DuckDB files that cannot be used', () => {
  it('a path whose folder cannot be made is a clear error', async () => {
    const dir = project({ type: 'duckdb', path: 'blocker/sub/db.duckdb' });
    writeFileSync(join(dir, 'blocker'), 'a file where the folder should be');
    const result = await spawnCli(['build', '--project-dir', dir]).done;
    expectEnvironmentError(
      result,
      `error[database-file-unusable]: Cannot create the folder ${join(dir, 'blocker/sub')} for the DuckDB file (ENOTDIR). Check 'path' in profiles.yml.`,
    );
  });

  // Root writes anywhere, so a read-only folder only stops other users.
  it.skipIf(process.getuid?.() === 0)('a folder that cannot be written is a clear error', async () => {
    const dir = project({ type: 'duckdb', path: 'readonly/db.duckdb' });
    writeFileSync(join(dir, 'models/keep.sql'), 'select 1 as x');
    const folder = join(dir, 'readonly');
    mkdirSync(folder);
    chmodSync(folder, 0o555);
    try {
      const result = await spawnCli(['build', '--project-dir', dir]).done;
      expectEnvironmentError(
        result,
        new RegExp(
          `error\\[database-file-unusable\\]: Cannot open the DuckDB file ${join(folder, 'db.duckdb')}: .*Permission denied.*Check 'path' in profiles\\.yml`,
        ),
      );
    } finally {
      chmodSync(folder, 0o755);
    }
  });
});

describe('usage errors and a closed stdout', () => {
  it('--threads must be a positive whole number, and the error names the flag', async () => {
    const dir = project({ type: 'duckdb', path: 'db.duckdb' });
    for (const value of ['0', '-1', 'abc', '1.5', '']) {
      const result = await cli(['build', '--project-dir', dir, '--threads', value], env);
      expect(result.code).toBe(2);
      expect(result.err).toContain(
        `error: option '--threads <n>' argument '${value}' is invalid. expected a positive whole number, got '${value}'.`,
      );
      expect(result.err).not.toMatch(STACK_LINE);
    }
    const lock = await cli(['run', '--project-dir', dir, '--lock-timeout', 'soon'], env);
    expect(lock.code).toBe(2);
    expect(lock.err).toContain(
      "error: option '--lock-timeout <seconds>' argument 'soon' is invalid. expected a number of seconds (0 or more), got 'soon'.",
    );
    expect(existsSync(join(dir, 'db.duckdb'))).toBe(false);
  });

  it('stdout closed by its reader after the first line (`strata build | head -1`): quiet, exit 141 as SIGPIPE', async () => {
    // The version line comes first; a slow on-run-start hook makes sure later lines come after the reader has gone.
    const dir = writeProject({
      'dbt_project.yml':
        'name: pipe\nprofile: pipe\nmodels:\n  pipe:\n    nowhere:\n      +materialized: table\non-run-start: ["select count(*) from range(2000000000)"]\n',
      'profiles.yml': 'pipe:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: db.duckdb\n',
      ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`models/m${i}.sql`, `select ${i} as x`])),
    });
    const { child, done } = spawnCli(['build', '--project-dir', dir]);
    let first = '';
    child.stdout.on('data', (s: string) => {
      first += s;
      if (first.includes('\n')) child.stdout.destroy();
    });
    const result = await done;
    expect(first).toMatch(/^\d\d:\d\d:\d\d {2}Running with strata=/);
    expect(result.code, result.err).toBe(141);
    expect(result.err).not.toMatch(STACK_LINE);
    expect(result.err).toBe('');
  });
});

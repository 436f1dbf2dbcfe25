import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/run-cli.js';
import type { Terminal } from '../../cli/output/terminal.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { postgresOutput, TEST_TARGETS, uniqueSchema } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

const LONG_MODEL = 'a_model_whose_name_is_too_long_for_eighty_columns_of_terminal';
const schema = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/specs/dbt-log-event.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true }).compile(schema);
const ENV = { HOME: EMPTY_HOME };
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[\\d+m`);
const TIMESTAMP = /^\d\d:\d\d:\d\d {2}/m;

/** A seed, a view, a table with a long name, two passing tests and (optionally) a failing one. */
function project(extra: Record<string, string> = {}): string {
  return writeProject({
    'dbt_project.yml': projectYml('p'),
    'seeds/raw_people.csv': 'id,name\n1,a\n2,b\n',
    'models/stg_people.sql': "{{ log('building ' ~ this.identifier, info=True) }}select * from {{ ref('raw_people') }}",
    [`models/${LONG_MODEL}.sql`]: "{{ config(materialized='table') }}select * from {{ ref('stg_people') }}",
    'models/schema.yml': 'models:\n  - name: stg_people\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
    ...extra,
  });
}

/** Runs the CLI in-process on a Terminal that can pretend to be a terminal of some width. */
async function run(args: string[], env: NodeJS.ProcessEnv, tty?: { columns: number }) {
  const out: string[] = [];
  const err: string[] = [];
  const term: Terminal = { out: (l) => out.push(l), err: (l) => err.push(l), ...(tty ? { isTTY: true, columns: tty.columns } : {}) };
  const code = await runCli(args, term, { ...ENV, ...env });
  return { code, out, err };
}

function jsonLines(lines: string[]): Record<string, { name: string; code: string; level: string; msg: string }>[] {
  return lines.map((line) => {
    const event = JSON.parse(line) as Record<string, never>;
    expect(validate(event), `${line}\n${JSON.stringify(validate.errors)}`).toBe(true);
    return event;
  });
}

for (const target of TEST_TARGETS) {
  describe(`logging on ${target.title}`, () => {
    it('writes one dbt-shaped JSON event per line, on the console and in the log file', async () => {
      const dir = project({ 'tests/always_fails.sql': "select 1 as id where '{{ target.name }}' = 'dev'" });
      await target.writeProfile(dir, 'p', { threads: 1 });
      const result = await run(['--log-format', 'json', 'build', '--project-dir', dir, '--debug'], {});
      expect(result.code).toBe(1);
      const events = jsonLines([...result.out, ...result.err]);
      const names = new Set(events.map((e) => (e as unknown as { info: { name: string } }).info.name));
      for (const name of [
        'MainReportVersion',
        'MainReportArgs',
        'FoundStats',
        'ConcurrencyLine',
        'LogStartLine',
        'NodeStart',
        'LogSeedResult',
        'LogModelResult',
        'LogTestResult',
        'NodeFinished',
        'JinjaLogInfo',
        'FinishedRunningStats',
        'EndOfRunSummary',
        'RunResultFailure',
        'StatsLine',
        'CommandCompleted',
      ])
        expect(names, `${name}: ${[...result.out, ...result.err].join('\n')}`).toContain(name);
      const info = (e: unknown) => (e as { info: { name: string; code: string; msg: string; invocation_id: string } }).info;
      const data = (e: unknown) => (e as { data: Record<string, unknown> }).data;
      expect(info(events.find((e) => info(e).name === 'FoundStats')).msg).toBe('Found 2 models, 3 data tests, 1 seed');
      expect(info(events.find((e) => info(e).name === 'ConcurrencyLine')).code).toBe('Q027');
      const built = events.find((e) => info(e).name === 'LogModelResult' && info(e).msg.includes('stg_people'));
      expect(data(built).node_info).toMatchObject({
        unique_id: 'model.p.stg_people',
        resource_type: 'model',
        materialized: 'view',
        node_status: 'success',
        node_relation: { alias: 'stg_people' },
      });
      const failing = events.find((e) => info(e).name === 'LogTestResult' && info(e).msg.includes('always_fails'));
      expect((failing as unknown as { info: { level: string } }).info.level).toBe('error');
      // Every line carries the one invocation_id the artifacts record.
      const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { metadata: { invocation_id: string } };
      expect(new Set(events.map((e) => info(e).invocation_id))).toEqual(new Set([runResults.metadata.invocation_id]));

      const file = readFileSync(join(dir, 'logs/strata.log'), 'utf8').trimEnd().split('\n');
      expect(file.length).toBeGreaterThan(10);
      jsonLines(file);
    });

    it('shows a database error with its position, and keeps the log file in the debug format', async () => {
      const dir = project({ 'models/broken.sql': 'select 1 as ok,\n  no_such_function(2) as bad' });
      await target.writeProfile(dir, 'p', { threads: 1 });
      const result = await cli(['run', '--project-dir', dir, '-s', 'broken'], ENV);
      expect(result.code).toBe(1);
      // Both databases point at the line: DuckDB in its own message, Postgres as psql does.
      expect(result.err).toMatch(/LINE \d+:.*no_such_function\(2\)/);
      const lines = result.err.split('\n');
      const at = lines.findIndex((l) => /LINE \d+:.*no_such_function/.test(l));
      const caret = lines[at + 1] ?? '';
      expect(caret).toMatch(/^ *\^/);
      expect(lines[at]?.slice(caret.indexOf('^')).startsWith('no_such_function')).toBe(true);
      if (target.name === 'postgres') expect(result.err).toMatch(/HINT: {2}No function matches/);
      const log = readFileSync(join(dir, 'logs/strata.log'), 'utf8');
      expect(log).toMatch(/^={30} \d\d:\d\d:\d\d\.\d{6} \| [0-9a-f-]{36} ={30}$/m);
      expect(log).toMatch(/^\d\d:\d\d:\d\d\.\d{6} \[error\] \[Thread-\d+ *\]: 1 of 1 ERROR creating sql view model \S+\.broken/m);
    });
  });
}

describe('every line in JSON', () => {
  it('turns what any command prints into events: plain lines, results, errors', async () => {
    const dir = project();
    const compiled = await run(['compile', '--project-dir', dir, '--log-format', 'json'], {});
    expect(compiled.code).toBe(0);
    const notes = jsonLines(compiled.out).map((e) => (e as unknown as { info: { name: string; msg: string } }).info);
    expect(notes).toContainEqual(expect.objectContaining({ name: 'Note', msg: expect.stringMatching(/^Compiled \d+ nodes/) }));
    const listed = await run(['ls', '--project-dir', dir, '--log-format', 'json'], {});
    const rows = jsonLines(listed.out).map((e) => (e as unknown as { info: { name: string; code: string; msg: string } }).info);
    expect(rows).toContainEqual(expect.objectContaining({ name: 'ListCmdOut', code: 'Z049', msg: 'p.stg_people' }));
    writeFiles(dir, { 'models/bad.sql': "select * from {{ ref('nowhere') }}" });
    const failed = await run(['compile', '--project-dir', dir, '--log-format', 'json'], {});
    expect(failed.code).toBe(1);
    expect(failed.err.length).toBeGreaterThan(0);
    const errors = jsonLines(failed.err).map((e) => (e as unknown as { info: { level: string; msg: string } }).info);
    expect(errors[0]).toMatchObject({ level: 'error', msg: expect.stringContaining("ref('nowhere')") });
  });
});

describe('console text', () => {
  it('fits every row in 80 columns on a wide terminal, and in a narrower one', async () => {
    const dir = project();
    const wide = await run(['build', '--project-dir', dir], { NO_COLOR: '1' }, { columns: 200 });
    expect(wide.code).toBe(0);
    expect(wide.out[0]).toMatch(/^\d\d:\d\d:\d\d {2}Running with strata=\d/);
    expect(wide.out).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d {2}Found 2 models, 2 data tests, 1 seed$/));
    const rows = wide.out.filter((l) => / of 5 /.test(l));
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row.length, row).toBeLessThanOrEqual(80);
    expect(rows.filter((r) => r.length === 80)).toHaveLength(10);
    expect(rows).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d {2}\d of 5 START sql view model main\.stg_people \.+ \[RUN\]$/));
    expect(rows).toContainEqual(expect.stringMatching(/OK created \S.*…\S*columns_of_terminal \.+ \[OK in \d+\.\d\ds\]$/));
    expect(rows.some((r) => r.includes(LONG_MODEL))).toBe(false);

    const narrow = await run(['build', '--project-dir', dir], { NO_COLOR: '1' }, { columns: 60 });
    for (const row of narrow.out.filter((l) => / of 5 /.test(l))) expect(row.length, row).toBeLessThanOrEqual(60);
    const wider = await run(['build', '--project-dir', dir, '--printer-width', '120'], {});
    for (const row of wider.out.filter((l) => / of 5 /.test(l) && !l.includes(LONG_MODEL))) expect(row.length, row).toBe(120);
    // Piped (no terminal): short rows still fit 80 columns, a long name is kept whole.
    const piped = await run(['build', '--project-dir', dir], {});
    const pipedRows = piped.out.filter((l) => / of 5 /.test(l));
    expect(pipedRows.filter((r) => !r.includes(LONG_MODEL)).every((r) => r.length <= 80)).toBe(true);
    expect(pipedRows.filter((r) => r.includes(LONG_MODEL))).toHaveLength(2);
  });

  it('colours only a terminal, as NO_COLOR, FORCE_COLOR and --use-colors say', async () => {
    const dir = project();
    const args = ['build', '--project-dir', dir, '-s', '+stg_people'];
    expect((await run(args, {}, { columns: 100 })).out.join('\n')).toMatch(ANSI);
    expect((await run(args, { NO_COLOR: '1' }, { columns: 100 })).out.join('\n')).not.toMatch(ANSI);
    expect((await run(args, {})).out.join('\n')).not.toMatch(ANSI);
    expect((await run(args, { FORCE_COLOR: '1' })).out.join('\n')).toContain(`${ESC}[32mOK${ESC}[0m`);
    expect((await run([...args, '--no-use-colors'], { FORCE_COLOR: '1' })).out.join('\n')).not.toMatch(ANSI);
    expect((await run(['--use-colors', ...args], { NO_COLOR: '1' })).out.join('\n')).toMatch(ANSI);
  });

  it('--quiet keeps errors and results; --no-print hides template output; -d shows debug events', async () => {
    const dir = project();
    const quiet = await run(['-q', 'build', '--project-dir', dir], {});
    expect(quiet.code).toBe(0);
    expect(quiet.out).toEqual([]);
    const listed = await run(['ls', '--project-dir', dir, '--quiet'], {});
    expect(listed.out).toContain('p.stg_people');
    const noisy = await run(['build', '--project-dir', dir, '-s', '+stg_people'], {});
    expect(noisy.out).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d {2}building stg_people$/));
    const silent = await run(['build', '--project-dir', dir, '-s', '+stg_people', '--no-print'], {});
    expect(silent.out.join('\n')).not.toContain('building stg_people');
    const fromEnv = await run(['build', '--project-dir', dir, '-s', '+stg_people'], { DBT_PRINT: 'false' });
    expect(fromEnv.out.join('\n')).not.toContain('building stg_people');
    const debug = await run(['-d', 'build', '--project-dir', dir, '-s', '+stg_people'], {});
    expect(debug.out).toContainEqual(expect.stringMatching(/Began running node model\.p\.stg_people$/));
    const warnOnly = await run(['build', '--project-dir', dir, '-s', '+stg_people'], { STRATA_LOG_LEVEL: 'warn' });
    expect(warnOnly.out).toEqual([]);
  });

  it('rejects a bad logging value with one line and exit code 2', async () => {
    const dir = project();
    for (const [args, env] of [
      [['--log-format', 'xml', 'ls', '--project-dir', dir], {}],
      [['ls', '--project-dir', dir, '--log-level', 'loud'], {}],
      [['ls', '--project-dir', dir, '--printer-width', 'wide'], {}],
      [['ls', '--project-dir', dir], { DBT_LOG_FORMAT_FILE: 'yaml' }],
    ] as const) {
      const result = await run([...args], env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toHaveLength(1);
      expect(result.err[0]).toMatch(/^Error: Invalid value for '--[a-z-]+': /);
      expect(result.out).toEqual([]);
    }
  });
});

describe('the log file', () => {
  it('is appended by every command and rotated at --log-file-max-bytes, keeping five', async () => {
    const dir = project();
    expect((await cli(['ls', '--project-dir', dir], ENV)).code).toBe(0);
    expect((await cli(['compile', '--project-dir', dir], ENV)).code).toBe(0);
    expect((await cli(['run', '--project-dir', dir, '-s', 'no_such_model'], ENV)).code).toBeGreaterThanOrEqual(0);
    const log = readFileSync(join(dir, 'logs/strata.log'), 'utf8');
    expect(log.match(/Running with strata=/g)).toHaveLength(3);
    expect(log).toMatch(/Command `strata ls` succeeded/);
    expect(log).toMatch(/Command `strata compile` succeeded/);
    expect(log).not.toMatch(TIMESTAMP);
    expect(log).toMatch(/^\d\d:\d\d:\d\d\.\d{6} \[info \] \[MainThread\]: Running with strata=/m);

    for (let i = 0; i < 8; i++) expect((await cli(['ls', '--project-dir', dir, '--log-file-max-bytes', '600'], ENV)).code).toBe(0);
    const files = readdirSync(join(dir, 'logs')).sort();
    expect(files).toEqual(['strata.log', 'strata.log.1', 'strata.log.2', 'strata.log.3', 'strata.log.4', 'strata.log.5']);
    for (const f of files) expect(readFileSync(join(dir, 'logs', f)).length).toBeLessThanOrEqual(600);
  });

  it('goes to --log-path (or the project file log-path), and a directory that cannot be written only warns', async () => {
    const dir = project();
    const elsewhere = join(dir, 'elsewhere');
    expect((await cli(['ls', '--project-dir', dir, '--log-path', elsewhere], ENV)).code).toBe(0);
    expect(existsSync(join(elsewhere, 'strata.log'))).toBe(true);
    writeFiles(dir, { 'dbt_project.yml': projectYml('p', 'log-path: "my_logs"\n') });
    expect((await cli(['ls', '--project-dir', dir], ENV)).code).toBe(0);
    expect(existsSync(join(dir, 'my_logs/strata.log'))).toBe(true);

    writeFileSync(join(dir, 'not_a_dir'), 'x');
    const result = await run(['build', '--project-dir', dir, '--log-path', join(dir, 'not_a_dir')], {});
    expect(result.code).toBe(0);
    expect(result.err.filter((l) => l.includes('Cannot write the log file'))).toHaveLength(1);
  });

  it('stays removed when clean removes it, without a warning', async () => {
    const dir = project();
    writeFiles(dir, { 'dbt_project.yml': projectYml('p', 'clean-targets: ["target", "logs"]\n') });
    expect((await cli(['compile', '--project-dir', dir], ENV)).code).toBe(0);
    expect(existsSync(join(dir, 'logs/strata.log'))).toBe(true);
    const cleaned = await run(['clean', '--project-dir', dir], {});
    expect(cleaned.code).toBe(0);
    expect(cleaned.err).toEqual([]);
    expect(existsSync(join(dir, 'logs'))).toBe(false);
  });

  it('never holds a secret: env values used in profiles.yml, secret variables, passwords', async () => {
    const secret = 'pw-Zq81-never-logged';
    const token = 'tok-44xq-never-logged';
    const targets = [
      {
        name: 'duckdb',
        profile: `p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: test.duckdb\n      schema: "{{ 'main' if env_var('APP_DB_PW') else 'other' }}"\n`,
      },
      ...(TEST_TARGETS.some((t) => t.name === 'postgres')
        ? [
            {
              name: 'postgres',
              profile: `p:\n  target: dev\n  outputs:\n    dev:\n${postgresOutput(uniqueSchema(), 1).replace(/ {6}password: .*\n/, '')}      password: "{{ env_var('APP_DB_PW') }}"\n`,
            },
          ]
        : []),
    ];
    for (const t of targets) {
      const dir = project();
      writeFiles(dir, { 'profiles.yml': t.profile });
      const env = { ...ENV, APP_DB_PW: secret, DBT_ENV_SECRET_TOKEN: token };
      const result = await cli(
        [
          '--log-format-file',
          'json',
          'build',
          '--project-dir',
          dir,
          '-s',
          '+stg_people',
          '--vars',
          `{pw: ${secret}, token: ${token}}`,
          '-d',
        ],
        env,
      );
      expect(result.code, result.err).toBe(0);
      const log = readFileSync(join(dir, 'logs/strata.log'), 'utf8');
      expect(log).toContain('MainReportArgs');
      expect(log).toContain('*****');
      expect(log, t.name).not.toContain(secret);
      expect(log, t.name).not.toContain(token);
      expect(result.out).not.toContain(token);
    }
  });
});

describe('a closed pipe', () => {
  it('ends `strata ls | head -1` quietly', () => {
    const main = resolve(import.meta.dirname, '../../dist/cli/main.js');
    const dir = project();
    for (let i = 0; i < 300; i++) writeFiles(dir, { [`models/m_${i}.sql`]: 'select 1 as x' });
    const shell = spawnSync('sh', ['-c', `node ${JSON.stringify(main)} ls --project-dir ${JSON.stringify(dir)} | head -1`], {
      encoding: 'utf8',
      env: { ...process.env, HOME: EMPTY_HOME, STRATA_PROFILES_DIR: '' },
    });
    expect(shell.status).toBe(0);
    expect(shell.stdout).toMatch(/^p\.\w+\n$/);
    expect(shell.stderr).toBe('');
  });
});

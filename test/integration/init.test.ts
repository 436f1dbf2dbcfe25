import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InitInputs, profileSettingsInput, projectNameInput } from '../../cli/commands/init-prompts.js';
import { StrataUserError } from '../../core/diagnostics/diagnostic.js';
import { cli } from '../helpers/cli.js';
import { PG_URL, queryDuckDbFile, queryPostgres, uniqueSchema } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'strata-init-'));

describe('strata init', () => {
  it('scaffolds a project and a DuckDB profile in ~/.strata; the project builds and its tests pass', async () => {
    const home = fresh();
    const dir = join(fresh(), 'shop');
    const env = { HOME: home };
    const init = await cli(['init', dir, '--adapter', 'duckdb'], env);
    expect(init.code, init.err).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(
      ['.gitignore', 'README.md', 'analyses', 'macros', 'models', 'seeds', 'snapshots', 'strata_project.yml', 'tests'].sort(),
    );
    expect(readdirSync(join(dir, 'models/example')).sort()).toEqual(['first_model.sql', 'schema.yml', 'second_model.sql']);
    expect(readFileSync(join(dir, 'strata_project.yml'), 'utf8')).toContain('name: shop\nversion: \'1.0.0\'\nprofile: "shop"\n');
    const profiles = readFileSync(join(home, '.strata/profiles.yml'), 'utf8');
    expect(profiles).toContain('"shop":\n  target: dev');
    expect(profiles).toContain('type: duckdb');
    expect(profiles).toContain('path: "shop.duckdb"');

    const build = await cli(['build', '--project-dir', dir], env);
    expect(build.code, `${build.out}\n${build.err}`).toBe(0);
    expect(build.out).toMatch(/PASS=6 WARN=0 ERROR=0 SKIP=0 TOTAL=6/);
    expect(await queryDuckDbFile(join(dir, 'shop.duckdb'), 'select count(*) as n from main.second_model')).toEqual([{ n: '1' }]);
  });

  it('writes a Postgres profile whose password is an env_var reference; the project builds in the schema given', async () => {
    const url = new URL(PG_URL);
    const password = decodeURIComponent(url.password);
    const profilesDir = fresh();
    const dir = join(fresh(), 'pg_shop');
    const schema = uniqueSchema();
    const init = await cli(
      [
        'init',
        dir,
        '--adapter',
        'postgres',
        '--host',
        url.hostname,
        '--port',
        url.port || '5432',
        '--user',
        decodeURIComponent(url.username) || 'postgres',
        '--dbname',
        url.pathname.slice(1) || 'postgres',
        '--schema',
        schema,
        '--profiles-dir',
        profilesDir,
      ],
      { HOME: fresh() },
    );
    expect(init.code, init.err).toBe(0);
    const profiles = readFileSync(join(profilesDir, 'profiles.yml'), 'utf8');
    expect(profiles).toContain(`password: "{{ env_var('STRATA_ENV_SECRET_POSTGRES_PASSWORD') }}"`);
    if (password) expect(profiles).not.toContain(password);
    const env = { HOME: fresh(), STRATA_ENV_SECRET_POSTGRES_PASSWORD: password };
    const build = await cli(['build', '--project-dir', dir, '--profiles-dir', profilesDir], env);
    expect(build.code, `${build.out}\n${build.err}`).toBe(0);
    expect(await queryPostgres(`select id from ${schema}.first_model order by id`)).toEqual([{ id: '1' }, { id: '2' }]);
  });

  it('refuses to write into an existing folder (exit 1) and leaves it alone', async () => {
    const parent = fresh();
    writeFiles(parent, { 'taken/keep.txt': 'mine' });
    const result = await cli(['init', join(parent, 'taken'), '--adapter', 'duckdb', '--profiles-dir', fresh()], { HOME: fresh() });
    expect(result.code).toBe(1);
    expect(result.err).toContain('already exists');
    expect(readdirSync(join(parent, 'taken'))).toEqual(['keep.txt']);
  });

  it('without a terminal, names every flag it needs in one error (exit 1) and writes nothing', async () => {
    const empty = fresh();
    const noName = await cli(['init', '--project-dir', empty], { HOME: empty });
    expect(noName.code).toBe(1);
    expect(noName.err).toContain('[project_name], --adapter');
    const parent = fresh();
    const pg = await cli(['init', join(parent, 'p'), '--adapter', 'postgres'], { HOME: parent });
    expect(pg.code).toBe(1);
    expect(pg.err).toContain('--user, --dbname, --schema');
    expect(existsSync(join(parent, 'p'))).toBe(false);
    expect(existsSync(join(parent, '.strata'))).toBe(false);
  });

  it('rejects a project name dbt would reject', async () => {
    const result = await cli(['init', join(fresh(), '1-bad'), '--adapter', 'duckdb'], { HOME: fresh() });
    expect(result.code).toBe(1);
    expect(result.err).toContain("'1-bad' is not a valid project name");
  });

  it('inside a project, with no name, only sets up the profile the project names; an existing profiles.yml keeps its profiles', async () => {
    const project = writeProject({ 'dbt_project.yml': projectYml('existing', 'profile: warehouse\n') });
    const profilesDir = fresh();
    writeFiles(profilesDir, {
      'profiles.yml': 'other:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: other.duckdb\n',
    });
    const result = await cli(['init', '--project-dir', project, '--adapter', 'duckdb', '--profiles-dir', profilesDir], { HOME: fresh() });
    expect(result.code, result.err).toBe(0);
    // (logs/ is the command's log file, as for any command run with --project-dir.)
    expect(readdirSync(project).filter((f) => f !== 'logs')).toEqual(['dbt_project.yml']);
    const profiles = readFileSync(join(profilesDir, 'profiles.yml'), 'utf8');
    expect(profiles).toContain('other:\n  target: dev');
    expect(profiles).toContain('"warehouse":\n  target: dev');
    expect(profiles).toContain('path: "existing.duckdb"');
    // Run again: the profile is there, so it is left as it is.
    const again = await cli(
      ['init', '--project-dir', project, '--adapter', 'duckdb', '--duckdb-path', 'x.duckdb', '--profiles-dir', profilesDir],
      {
        HOME: fresh(),
      },
    );
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('left as it is');
    expect(readFileSync(join(profilesDir, 'profiles.yml'), 'utf8')).toBe(profiles);
  });
});

describe('init prompts', () => {
  /** Answers questions in order, recording what was asked. */
  const answering = (answers: string[]) => {
    const asked: string[] = [];
    return {
      asked,
      ask: async (question: string, fallback?: string) => {
        asked.push(fallback === undefined ? question : `${question} [${fallback}]`);
        return answers.shift() ?? '';
      },
    };
  };

  it('asks for what no flag gave, offering defaults an empty answer takes', async () => {
    const { ask, asked } = answering(['warehouse', 'postgres', '', '6543', 'ann', '', 'analytics', '', '4']);
    const inputs = new InitInputs(ask);
    const name = await projectNameInput(inputs, undefined);
    const settings = await profileSettingsInput(inputs, {}, name as string);
    inputs.finish();
    expect(name).toBe('warehouse');
    expect(settings).toEqual({
      adapter: 'postgres',
      host: 'localhost',
      port: 6543,
      user: 'ann',
      passwordEnv: 'STRATA_ENV_SECRET_POSTGRES_PASSWORD',
      dbname: 'analytics',
      schema: 'warehouse',
      threads: 4,
    });
    expect(asked[1]).toBe('Database (duckdb, postgres) [duckdb]');
    expect(asked).toContain('User');
  });

  it('asks nothing a flag answered', async () => {
    const { ask, asked } = answering(['']);
    const inputs = new InitInputs(ask);
    const settings = await profileSettingsInput(inputs, { adapter: 'duckdb', duckdbPath: 'db/x.duckdb' }, 'x');
    inputs.finish();
    expect(settings).toEqual({ adapter: 'duckdb', path: 'db/x.duckdb', threads: 1 });
    expect(asked).toEqual(['Threads [1]']);
  });

  it('asks again after a bad or empty answer, saying what was wrong', async () => {
    const { ask, asked } = answering(['9lives', 'shop', 'postgres', '', 'not-a-port', '5433', '', 'ann', '', 'db', 'sch', '']);
    const inputs = new InitInputs(ask);
    const name = await projectNameInput(inputs, undefined);
    const settings = await profileSettingsInput(inputs, {}, name as string);
    inputs.finish();
    expect(name).toBe('shop');
    expect(settings).toMatchObject({ adapter: 'postgres', port: 5433, user: 'ann', dbname: 'db', schema: 'sch' });
    expect(asked[1]).toMatch(/^'9lives' is not a valid project name.*\. Name of the new project/);
    expect(asked).toContain("port must be a whole number of at least 1, got 'not-a-port'. Port [5432]");
    expect(asked).toContain('an answer is needed. User');
  });

  it('rejects a bad answer with the flag it stands for', async () => {
    const inputs = new InitInputs(async () => 'oracle');
    await expect(profileSettingsInput(inputs, {}, 'x')).rejects.toThrow(StrataUserError);
    await expect(profileSettingsInput(new InitInputs(async () => 'oracle'), {}, 'x')).rejects.toThrow(
      /--adapter: expected one of duckdb, postgres/,
    );
  });
});

import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import { yamlLibrary } from '../template/yaml-library.js';
import { profileSearchPath } from './profiles.js';

/** The adapters `strata init` can write a profile for. */
export const INIT_ADAPTERS = ['duckdb', 'postgres'] as const;
export type InitAdapter = (typeof INIT_ADAPTERS)[number];

/** Where the password of a new Postgres profile is read from, unless the user types one. */
export const DEFAULT_PASSWORD_ENV = 'STRATA_ENV_SECRET_POSTGRES_PASSWORD';

/** The one output (`dev`) of a new profile. */
export type ProfileSettings =
  | { adapter: 'duckdb'; path: string; threads: number }
  | {
      adapter: 'postgres';
      host: string;
      port: number;
      user: string;
      /** A password the user typed: written as given (as dbt init does). */
      password?: string;
      /** Else the environment variable the password is read from, as `{{ env_var('…') }}`. */
      passwordEnv?: string;
      dbname: string;
      schema: string;
      threads: number;
    };

/** profiles.yml text for one profile with a `dev` output. Values are quoted, so no setting changes the YAML's shape. */
export function profileYaml(profile: string, settings: ProfileSettings): string {
  const q = (value: string) => JSON.stringify(value);
  const lines =
    settings.adapter === 'duckdb'
      ? ['type: duckdb', `path: ${q(settings.path)}`, 'schema: main', `threads: ${settings.threads}`]
      : [
          'type: postgres',
          `host: ${q(settings.host)}`,
          `port: ${settings.port}`,
          `user: ${q(settings.user)}`,
          ...(settings.password !== undefined
            ? [`password: ${q(settings.password)}`]
            : settings.passwordEnv
              ? [`password: ${q(`{{ env_var('${settings.passwordEnv}') }}`)}`]
              : []),
          `dbname: ${q(settings.dbname)}`,
          `schema: ${q(settings.schema)}`,
          `threads: ${settings.threads}`,
        ];
  return `${q(profile)}:\n  target: dev\n  outputs:\n    dev:\n${lines.map((l) => `      ${l}\n`).join('')}`;
}

/**
 * The profiles.yml a new profile goes to: the one Strata would read for `projectDir` (the folder
 * --profiles-dir or STRATA_PROFILES_DIR / DBT_PROFILES_DIR names, else the first that exists of
 * the project's, ~/.strata's and ~/.dbt's), else a new ~/.strata/profiles.yml. Writing to the file
 * that is read keeps an older ~/.dbt/profiles.yml from being hidden by a new one.
 */
export function profilesFileFor(options: { projectDir: string; profilesDir?: string; env: NodeJS.ProcessEnv }): string {
  const searched = profileSearchPath(options).map((d) => join(d, 'profiles.yml'));
  const explicit = options.profilesDir ?? (options.env.STRATA_PROFILES_DIR || options.env.DBT_PROFILES_DIR);
  if (explicit) return searched[0] as string;
  return searched.find((f) => existsSync(f)) ?? resolve(options.env.HOME ?? homedir(), '.strata', 'profiles.yml');
}

/**
 * Adds `yaml` (one profile) to `file`, creating it when missing. A profile of that name already
 * there is left as it is (`exists`): its settings may hold things init cannot know.
 */
export function addProfile(file: string, profile: string, yaml: string): 'added' | 'exists' {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, yaml, { mode: 0o600 });
    return 'added';
  }
  const text = readFileSync(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = yamlLibrary().parse(text);
  } catch (err) {
    throw new StrataUserError([
      diagnostic(
        'invalid-init',
        `${file} is not valid YAML (${(err as Error).message.split('\n')[0]}); fix it, or pass --skip-profile-setup.`,
      ),
    ]);
  }
  if (parsed !== null && typeof parsed === 'object' && Object.prototype.hasOwnProperty.call(parsed, profile)) return 'exists';
  appendFileSync(file, `${text.length > 0 && !text.endsWith('\n') ? '\n' : ''}${yaml}`);
  return 'added';
}

/**
 * The project in `dir`, if there is one: its name and the profile it names (dbt's init, run inside
 * a project, only sets that profile up). Undefined when `dir` holds no project file.
 */
export function existingProject(dir: string): { name: string; profile: string } | undefined {
  const file = ['strata_project.yml', 'dbt_project.yml'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) return undefined;
  let parsed: { name?: unknown; profile?: unknown } | null;
  try {
    parsed = yamlLibrary().parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch (err) {
    throw new StrataUserError([diagnostic('yaml-syntax', `${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`)]);
  }
  const name = typeof parsed?.name === 'string' ? parsed.name : 'default';
  return { name, profile: typeof parsed?.profile === 'string' ? parsed.profile : name };
}

import { diagnostic, StrataUserError } from '../../core/diagnostics/diagnostic.js';
import { DEFAULT_PASSWORD_ENV, INIT_ADAPTERS, type InitAdapter, type ProfileSettings } from '../../core/project/profile-setup.js';
import { isValidProjectName } from '../../core/project/starter-project.js';

/** Asks the user one question; `fallback` is what an empty answer means. */
export type Ask = (question: string, fallback?: string) => Promise<string>;

/** What `strata init` can be told by flags instead of prompts. */
export interface InitInputFlags {
  adapter?: string;
  host?: string;
  port?: string;
  user?: string;
  dbname?: string;
  schema?: string;
  threads?: string;
  passwordEnv?: string;
  duckdbPath?: string;
}

/** One input: its flag, its question, its default (none: required). */
interface Input {
  flag: string;
  question: string;
  fallback?: string;
  check?: (value: string) => string | undefined;
}

/** How many times a bad answer is asked again before init gives up. */
const MAX_TRIES = 3;

const whole = (what: string, min: number) => (value: string) =>
  /^\d+$/.test(value) && Number(value) >= min ? undefined : `${what} must be a whole number of at least ${min}, got '${value}'`;

/**
 * Fills in what init needs from flags, then from `ask` (only given when stdin is a terminal).
 * Without `ask`, every input missing a flag and a default is named in one error, so a script
 * learns every flag it must pass at once.
 */
export class InitInputs {
  private readonly missing: string[] = [];

  constructor(private readonly ask: Ask | undefined) {}

  /** Whether the user can be asked (defaults that only make sense when shown apply then). */
  get interactive(): boolean {
    return this.ask !== undefined;
  }

  /** The value of one input: the flag's, else the answer, else the default; undefined when missing (see {@link finish}). */
  async get(given: string | undefined, input: Input): Promise<string | undefined> {
    let value = given;
    // A bad or empty answer is asked again (naming the problem), as dbt's prompts do; a bad flag is an error at once.
    for (let tries = 0, problem = ''; value === undefined && this.ask; tries++) {
      if (tries === MAX_TRIES) throw new StrataUserError([diagnostic('invalid-init', `${input.flag}: ${problem}.`)]);
      const answer = (await this.ask(problem ? `${problem}. ${input.question}` : input.question, input.fallback)).trim() || input.fallback;
      problem = answer === undefined ? 'an answer is needed' : (input.check?.(answer) ?? '');
      if (!problem) value = answer;
    }
    value ??= input.fallback;
    if (value === undefined || value === '') {
      this.missing.push(input.flag);
      return undefined;
    }
    const problem = input.check?.(value);
    if (problem) throw new StrataUserError([diagnostic('invalid-init', `${input.flag}: ${problem}.`)]);
    return value;
  }

  /** Throws one error naming every missing flag. */
  finish(): void {
    if (this.missing.length === 0) return;
    throw new StrataUserError([
      diagnostic(
        'invalid-init',
        `strata init needs ${this.missing.join(', ')} when it cannot ask (no terminal to prompt on); pass ${this.missing.length === 1 ? 'it' : 'them'}, or --skip-profile-setup to write no profile.`,
      ),
    ]);
  }
}

/** The project name: given, or asked for; checked as dbt checks it. */
export async function projectNameInput(inputs: InitInputs, given: string | undefined): Promise<string | undefined> {
  return inputs.get(given, {
    flag: '[project_name]',
    question: 'Name of the new project (letters, digits and underscores)',
    check: (value) =>
      isValidProjectName(value)
        ? undefined
        : `'${value}' is not a valid project name: use letters, digits and underscores, not starting with a digit`,
  });
}

/** The settings of the profile's `dev` output, for the adapter chosen. */
export async function profileSettingsInput(inputs: InitInputs, flags: InitInputFlags, name: string): Promise<ProfileSettings | undefined> {
  const adapter = (await inputs.get(flags.adapter, {
    flag: '--adapter',
    question: `Database (${INIT_ADAPTERS.join(', ')})`,
    fallback: inputs.interactive ? 'duckdb' : undefined,
    check: (value) =>
      (INIT_ADAPTERS as readonly string[]).includes(value) ? undefined : `expected one of ${INIT_ADAPTERS.join(', ')}, got '${value}'`,
  })) as InitAdapter | undefined;
  if (adapter === undefined) return undefined;
  if (adapter === 'duckdb') {
    const path = await inputs.get(flags.duckdbPath, {
      flag: '--duckdb-path',
      question: 'DuckDB database file',
      fallback: `${name}.duckdb`,
    });
    const threads = await inputs.get(flags.threads, { flag: '--threads', question: 'Threads', fallback: '1', check: whole('threads', 1) });
    return path && threads ? { adapter, path, threads: Number(threads) } : undefined;
  }
  const host = await inputs.get(flags.host, { flag: '--host', question: 'Host', fallback: 'localhost' });
  const port = await inputs.get(flags.port, { flag: '--port', question: 'Port', fallback: '5432', check: whole('port', 1) });
  const user = await inputs.get(flags.user, { flag: '--user', question: 'User' });
  const passwordEnv = await inputs.get(flags.passwordEnv, {
    flag: '--password-env',
    question: 'Environment variable holding the password (profiles.yml reads it, never stores it)',
    fallback: DEFAULT_PASSWORD_ENV,
    check: (value) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(value) ? undefined : `'${value}' is not an environment variable name`),
  });
  const dbname = await inputs.get(flags.dbname, { flag: '--dbname', question: 'Database name' });
  const schema = await inputs.get(flags.schema, {
    flag: '--schema',
    question: 'Schema to build in',
    fallback: inputs.interactive ? name : undefined,
  });
  const threads = await inputs.get(flags.threads, { flag: '--threads', question: 'Threads', fallback: '1', check: whole('threads', 1) });
  if (!host || !port || !user || !passwordEnv || !dbname || !schema || !threads) return undefined;
  return { adapter, host, port: Number(port), user, passwordEnv, dbname, schema, threads: Number(threads) };
}

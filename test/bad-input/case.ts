/** One broken project or invocation, and what a dbt user expects Strata to say about it. */
export interface BadInputCase {
  /** Short description; the test's name. */
  name: string;
  /**
   * Files of the project (path → text or bytes), written over {@link DEFAULT_FILES}; `null`
   * leaves a default file out.
   */
  files: Record<string, string | Buffer | null>;
  /** Extra set-up on the written project folder (links, permissions). */
  setup?: (dir: string) => void;
  /** The command and its flags; `{dir}` is the project folder. `--project-dir {dir}` is added unless a flag names it. */
  argv: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Expected exit code: 0 when the input is accepted (or only warned about), 1 for bad input, 2 for a usage error. */
  exit: number;
  /**
   * The diagnostic code printed as `error[code]` (or `warning[code]`), as a regular expression
   * alternation where several codes are equally right; `usage` for a command-line usage error
   * printed by the option parser (`error: …`).
   */
  code?: string;
  /** `file:line` the diagnostic points at, the file relative to the project. */
  at?: string;
  /** A fragment the output must contain (a string, or a pattern). */
  message?: string | RegExp;
  /** Further checks on the project folder and on what was printed (stdout and stderr), after the command. */
  check?: (dir: string, printed: string) => Promise<void> | void;
  /** Needs the Postgres test server. */
  postgres?: boolean;
}

/** A project named p with profile p. */
export const PROJECT = 'name: p\nprofile: p\n';

/** A DuckDB profile for project p, its database file in the project. */
export const DUCKDB_PROFILE =
  'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: test.duckdb\n      schema: main\n      threads: 1\n';

/** What every case starts from (unless it replaces or removes a file). */
export const DEFAULT_FILES: Record<string, string> = { 'dbt_project.yml': PROJECT, 'profiles.yml': DUCKDB_PROFILE };

/** A model that works. */
export const MODEL = 'select 1 as x\n';

/** A postgres profile for project p with `fields` (indented for an output) in place of the connection settings. */
export function postgresProfile(fields: string): string {
  return `p:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n${fields
    .split('\n')
    .filter(Boolean)
    .map((l) => `      ${l}\n`)
    .join('')}`;
}

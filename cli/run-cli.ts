import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { StrataUserError } from '../core/diagnostics/diagnostic.js';
import { StrataEnvironmentError } from '../core/diagnostics/environment-error.js';
import { registerClean } from './commands/clean.js';
import { registerCompile } from './commands/compile.js';
import { registerDebug } from './commands/debug.js';
import { registerDeps } from './commands/deps.js';
import { registerLs } from './commands/ls.js';
import { registerRun } from './commands/run.js';
import { registerRetry } from './commands/retry.js';
import { registerDocs } from './commands/docs.js';
import { registerPublish } from './commands/publish.js';
import { printDiagnostics } from './output/diagnostics.js';
import { onTemplateLog } from '../core/template/invocation.js';
import { processTerminal, type Terminal } from './output/terminal.js';

/** The package version, from the nearest package.json above this file (source or dist layout). */
function version(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code, as dbt's:
 * 0 success; 1 bad input, a bad flag or a failed node; 2 a command stopped by its environment
 * (a database that cannot be reached, a target another run holds) or by a bug in Strata;
 * 130 cancelled by Ctrl-C; 141 stdout closed by its reader (as a tool stopped by SIGPIPE).
 */
export async function runCli(
  argv: readonly string[],
  term: Terminal = processTerminal,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = Math.max(exitCode, code);
  };
  const program = new Command('strata')
    .description('SQL transformations with dbt-compatible projects, on DuckDB and Postgres')
    .version(version(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => term.out(s.trimEnd()), writeErr: (s) => term.err(s.trimEnd()) })
    .showHelpAfterError();
  registerRun(program, term, env, setExit);
  registerCompile(program, term, env);
  registerLs(program, term, env);
  registerDebug(program, term, env, setExit);
  registerDeps(program, term, env);
  registerClean(program, term, env, setExit);
  registerRetry(program, term, env, setExit);
  registerDocs(program, term, env);
  registerPublish(program, term, env);
  // `{{ log('…', info=True) }}` and `print()` in templates are shown as they happen.
  onTemplateLog((message) => term.out(message));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return term.outputClosed?.aborted ? SIGPIPE_EXIT : exitCode;
  } catch (err) {
    if (term.outputClosed?.aborted) return SIGPIPE_EXIT;
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    if (err instanceof StrataUserError) {
      printDiagnostics(term, err.diagnostics, resolveProjectDir(argv));
      return 1;
    }
    if (err instanceof StrataEnvironmentError) {
      printDiagnostics(term, [err.diagnostic], '.');
      return 2;
    }
    term.err(`Internal error in Strata (please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 2;
  } finally {
    onTemplateLog(undefined);
  }
}

/** What a shell reports for a process stopped by SIGPIPE (128 + 13). */
const SIGPIPE_EXIT = 141;

/** Diagnostics name files relative to the project; find it to print source excerpts. */
function resolveProjectDir(argv: readonly string[]): string {
  const i = argv.indexOf('--project-dir');
  const inline = argv.find((a) => a.startsWith('--project-dir='));
  return i >= 0 && argv[i + 1] ? (argv[i + 1] as string) : inline ? inline.slice('--project-dir='.length) : '.';
}

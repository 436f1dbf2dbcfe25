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
import { registerParse } from './commands/parse.js';
import { registerShow } from './commands/show.js';
import { envSetting } from './commands/flag-env.js';
import { applyEnvDefaults } from './commands/env-defaults.js';
import { registerRun } from './commands/run.js';
import { registerRetry } from './commands/retry.js';
import { registerDocs } from './commands/docs.js';
import { registerPublish } from './commands/publish.js';
import { registerSource } from './commands/source.js';
import { registerRunOperation } from './commands/run-operation.js';
import { registerClone } from './commands/clone.js';
import { registerInit } from './commands/init.js';
import { printDiagnostics } from './output/diagnostics.js';
import { briefUsageErrors, commanderExitCode } from './output/usage-errors.js';
import { withGlobalCiOptions } from './commands/ci-flags.js';
import { inCommand, onTemplateLog } from '../core/template/invocation.js';
import { processTerminal, type Terminal } from './output/terminal.js';
import { EventLogger } from './output/event-logger.js';
import { startLoggingOnAction } from './output/command-start.js';
import { addLogOptions, LogSettingsError } from './output/log-settings.js';

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
 * 0 success; 1 bad input or a failed node; 2 a command line commander cannot parse (an unknown
 * or malformed flag, as click's usage errors), a command stopped by its environment (a database
 * that cannot be reached, a target another run holds) or a bug in Strata;
 * 130 cancelled by Ctrl-C; 141 stdout closed by its reader (as a tool stopped by SIGPIPE).
 */
export async function runCli(
  argv: readonly string[],
  output: Terminal = processTerminal,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  // Every line goes through the event logger: formats, levels, the log file (docs/logging.md).
  const logger = new EventLogger(output, env, version());
  const term = logger.terminal;
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = Math.max(exitCode, code);
  };
  const program = buildProgram(term, env, setExit);
  startLoggingOnAction(program, logger, env);
  // `{{ log('…', info=True) }}` and `print()` in templates are shown as they happen.
  onTemplateLog((message) => logger.templateLog(message));
  try {
    await inCommand(() => program.parseAsync([...argv], { from: 'user' }));
    return logger.finish(term.outputClosed?.aborted ? SIGPIPE_EXIT : exitCode);
  } catch (err) {
    if (term.outputClosed?.aborted) return logger.finish(SIGPIPE_EXIT);
    if (err instanceof CommanderError) return logger.finish(commanderExitCode(err));
    // A bad value for a logging flag is a usage error, as dbt's click reports it.
    if (err instanceof LogSettingsError) {
      term.err(`Error: ${err.message}`);
      return logger.finish(2);
    }
    if (err instanceof StrataUserError) {
      printDiagnostics(term, err.diagnostics, resolveProjectDir(argv, env));
      return logger.finish(1);
    }
    if (err instanceof StrataEnvironmentError) {
      printDiagnostics(term, [err.diagnostic], '.');
      return logger.finish(2);
    }
    term.err(`Internal error in Strata (please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return logger.finish(2);
  } finally {
    onTemplateLog(undefined);
  }
}

/**
 * The commander program with every command registered, not yet run: runCli parses argv with it,
 * and the CLI reference (cli/reference/) is generated from it.
 */
export function buildProgram(term: Terminal, env: NodeJS.ProcessEnv, setExit: (code: number) => void): Command {
  const program = new Command('strata')
    .description('SQL transformations with dbt-compatible projects, on DuckDB and Postgres')
    .version(version(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => term.out(s.trimEnd()), writeErr: (s) => term.err(s.trimEnd()) });
  addLogOptions(program);
  withGlobalCiOptions(program);
  applyEnvDefaults(program, env);
  registerRun(program, term, env, setExit);
  registerCompile(program, term, env);
  registerLs(program, term, env);
  registerParse(program, term, env);
  registerShow(program, term, env);
  registerDebug(program, term, env, setExit);
  registerDeps(program, term, env);
  registerClean(program, term, env, setExit);
  registerRetry(program, term, env, setExit);
  registerDocs(program, term, env);
  registerPublish(program, term, env);
  registerSource(program, term, env, setExit);
  registerRunOperation(program, term, env, setExit);
  registerClone(program, term, env, setExit);
  registerInit(program, term, env);
  // A bad flag prints one line with a suggestion, not the whole help (usage-errors.ts).
  briefUsageErrors(program);
  return program;
}

/** What a shell reports for a process stopped by SIGPIPE (128 + 13). */
const SIGPIPE_EXIT = 141;

/** Diagnostics name files relative to the project; find it to print source excerpts. */
function resolveProjectDir(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const i = argv.indexOf('--project-dir');
  const inline = argv.find((a) => a.startsWith('--project-dir='));
  if (i >= 0 && argv[i + 1]) return argv[i + 1] as string;
  return inline ? inline.slice('--project-dir='.length) : (envSetting(env, 'project-dir') ?? '.');
}

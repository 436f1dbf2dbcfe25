import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ProjectOptions } from '../../core/compile/compile-project.js';
import { ciProjectOptions, indirectSelectionOption, withCiProjectOptions, type CiFlags } from './ci-flags.js';

/** Options every project command takes, as commander hands them over. */
export interface CommonFlags extends CiFlags {
  projectDir?: string;
  profilesDir?: string;
  target?: string;
  vars?: string;
  select?: string[];
  exclude?: string[];
  selector?: string;
  state?: string;
  defer?: boolean;
  favorState?: boolean;
  consumers?: string;
}

/** Adds --project-dir, --profiles-dir, --target, --vars and the CI flags (ci-flags.ts). */
export function withProjectOptions(command: Command): Command {
  command
    .option('--project-dir <dir>', 'project directory (default: current directory)')
    .option(
      '--profiles-dir <dir>',
      'directory holding profiles.yml, used alone (default: $STRATA_PROFILES_DIR, $DBT_PROFILES_DIR, else the project, ~/.strata, ~/.dbt)',
    )
    .option('-t, --target <name>', 'target (output) of the profile to use')
    .option('--vars <yaml>', "variables for var(), as YAML: '{key: value}'");
  return withCiProjectOptions(command);
}

/** Adds -s/--select and --exclude. */
export function withSelectionOptions(command: Command): Command {
  return command
    .addOption(new Option('-s, --select <selector...>', 'nodes to include: names, +model, model+, tag:x, path:dir, ...'))
    .addOption(new Option('-m, --models <selector...>', 'alias of --select').hideHelp())
    .option('--exclude <selector...>', 'nodes to leave out')
    .option('--selector <name>', 'a named selector from selectors.yml')
    .option('--state <dir>', "another run's artifacts (manifest.json, run_results.json) for state: and result: selectors and --defer")
    .option('--defer', 'read unselected upstream models from the --state run when they are not built in this target')
    .option('--favor-state', 'with --defer, prefer the --state relations even when built here')
    .option('--consumers <dir>', "downstream projects' manifests: name the consumers of a public model changed against --state")
    .addOption(indirectSelectionOption());
}

/**
 * Turns flags into library options. The library is loaded here, on first use, so the CLI starts
 * without loading what the command does not need.
 */
export async function projectOptions(flags: CommonFlags & { models?: string[] }, env: NodeJS.ProcessEnv): Promise<ProjectOptions> {
  const [{ BUILTIN_ADAPTERS }, { parseVars }, { loadState }] = await Promise.all([
    import('../../adapters/index.js'),
    import('../../core/project/parse-vars.js'),
    import('../../core/graph/state.js'),
  ]);
  const select = [...(flags.select ?? []), ...(flags.models ?? [])];
  return {
    adapters: BUILTIN_ADAPTERS,
    env,
    vars: parseVars(flags.vars),
    ...(flags.projectDir ? { projectDir: flags.projectDir } : {}),
    ...(flags.profilesDir ? { profilesDir: flags.profilesDir } : {}),
    ...(flags.target ? { target: flags.target } : {}),
    ...(select.length ? { select } : {}),
    ...(flags.exclude ? { exclude: flags.exclude } : {}),
    ...(flags.selector ? { selector: flags.selector } : {}),
    ...(flags.state ? { state: loadState(flags.state) } : {}),
    ...(flags.defer ? { defer: true } : {}),
    ...(flags.consumers ? { consumers: flags.consumers } : {}),
    ...ciProjectOptions(flags, env),
  };
}

/** Parses a positive whole number option; commander names the flag in the usage error. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive whole number, got '${value}'.`);
  return n;
}

/** Parses a number of seconds, 0 or more (fractions allowed). */
export function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`expected a number of seconds (0 or more), got '${value}'.`);
  return n;
}

/** Parses a date or timestamp option, read as UTC when it has no zone. */
export function parseTime(value: string): Date {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? `${value}T00:00:00Z`
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(value)
      ? value
      : `${value.replace(' ', 'T')}Z`;
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError(`expected a date or timestamp such as 2024-01-31 or '2024-01-31 12:00', got '${value}'`);
  return date;
}

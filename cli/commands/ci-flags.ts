import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ProjectOptions } from '../../core/compile/compile-project.js';
import { StrataUserError, diagnostic } from '../../core/diagnostics/diagnostic.js';
import { didYouMean } from '../../core/diagnostics/suggest.js';
import { ALL_WARNINGS_ERRORS, readWarnErrorOptions, type WarnErrorPolicy } from '../../core/diagnostics/warn-error.js';
import { INDIRECT_SELECTION_MODES, type IndirectSelection } from '../../core/project/project-flags.js';
import type { NodeType } from '../../core/project/types.js';
import { yamlLibrary } from '../../core/template/yaml-library.js';
import { envBoolean, envSetting } from './flag-env.js';

/**
 * The flags CI jobs lean on (docs/ci-flags.md): warn-error, indirect selection, target-path,
 * profile, partial parsing, resource types. Each reads its DBT_/STRATA_ variable when not given,
 * and the project's `flags:` block (read by the library) when neither is.
 */
export interface CiFlags {
  profile?: string;
  targetPath?: string;
  partialParse?: boolean;
  warnError?: boolean;
  warnErrorOptions?: WarnErrorPolicy;
  indirectSelection?: IndirectSelection;
}

/** Adds --profile, --target-path, --[no-]partial-parse, --warn-error and --warn-error-options. */
export function withCiProjectOptions(command: Command): Command {
  return command
    .option('--profile <name>', "the profile to use instead of the project file's (env: DBT_PROFILE)")
    .option(
      '--target-path <dir>',
      "where artifacts are written, relative to the project (default: the project's target-path, else target; env: DBT_TARGET_PATH)",
    )
    .option('--partial-parse', 'reuse the parse results of unchanged files (the default; env: DBT_PARTIAL_PARSE)')
    .option('--no-partial-parse', 'parse every file afresh, ignoring and not writing the parse cache')
    .option('--warn-error', 'treat every warning as an error (env: DBT_WARN_ERROR)')
    .option(
      '--warn-error-options <yaml>',
      `warnings to promote, keep or silence by name: '{"error": "all" | [names], "warn": [names], "silence": [names]}' (env: DBT_WARN_ERROR_OPTIONS)`,
      (text: string) => warnErrorOptionsArgument(text),
    );
}

/**
 * dbt's global spelling, before the command (`strata --warn-error build`): the program takes
 * --warn-error, --warn-error-options, --[no-]partial-parse and -x/--fail-fast wherever they are
 * written, and hands them to the command that runs unless it was given its own.
 */
export function withGlobalCiOptions(program: Command): Command {
  program
    .option('--warn-error', 'treat every warning as an error (env: DBT_WARN_ERROR)')
    .option('--warn-error-options <yaml>', 'warnings to promote, keep or silence by name (env: DBT_WARN_ERROR_OPTIONS)', (text: string) =>
      warnErrorOptionsArgument(text),
    )
    .option('--partial-parse', 'reuse the parse results of unchanged files (the default; env: DBT_PARTIAL_PARSE)')
    .option('--no-partial-parse', 'parse every file afresh')
    .option('-x, --fail-fast', 'stop at the first failure');
  program.hook('preAction', (root, action) => {
    for (const key of ['warnError', 'warnErrorOptions', 'partialParse', 'failFast']) {
      const value: unknown = root.getOptionValue(key);
      if (value !== undefined && action !== root && action.getOptionValue(key) === undefined) action.setOptionValue(key, value);
    }
  });
  return program;
}

/** The --indirect-selection option. */
export function indirectSelectionOption(): Option {
  return new Option(
    '--indirect-selection <mode>',
    'which tests of the selected nodes join the selection (default: eager; env: DBT_INDIRECT_SELECTION)',
  )
    .choices(INDIRECT_SELECTION_MODES)
    .argParser((value: string) => {
      const mode = INDIRECT_SELECTION_MODES.find((m) => m === value.toLowerCase());
      if (!mode)
        throw new InvalidArgumentError(
          `expected one of ${INDIRECT_SELECTION_MODES.join(', ')}.${didYouMean(value, INDIRECT_SELECTION_MODES)}`,
        );
      return mode;
    });
}

/** The library options these flags set: the command line first, then the environment. */
export function ciProjectOptions(flags: CiFlags, env: NodeJS.ProcessEnv): Partial<ProjectOptions> {
  const profile = flags.profile ?? envSetting(env, 'profile');
  const targetPath = flags.targetPath ?? envSetting(env, 'target-path');
  const partialParse = flags.partialParse ?? envBoolean(env, 'partial-parse');
  const indirect = flags.indirectSelection ?? envIndirectSelection(env);
  const warnError = warnErrorPolicy(flags, env);
  return {
    ...(profile ? { profile } : {}),
    ...(targetPath ? { targetPath } : {}),
    ...(partialParse !== undefined ? { parseCache: partialParse } : {}),
    ...(indirect ? { indirectSelection: indirect } : {}),
    ...(warnError ? { warnError } : {}),
  };
}

/** `--store-failures`, else DBT_STORE_FAILURES. */
export function storeFailuresSetting(flag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return flag ?? envBoolean(env, 'store-failures') ?? false;
}

/**
 * The warn-error policy from the command line (--warn-error or --warn-error-options), else from
 * DBT_WARN_ERROR / DBT_WARN_ERROR_OPTIONS; undefined leaves it to the project's `flags:`.
 */
function warnErrorPolicy(flags: CiFlags, env: NodeJS.ProcessEnv): WarnErrorPolicy | undefined {
  if (flags.warnError !== undefined || flags.warnErrorOptions !== undefined) {
    if (flags.warnError && flags.warnErrorOptions)
      throw usage('--warn-error and --warn-error-options cannot be used together; --warn-error is \'{"error": "all"}\'.');
    return flags.warnError ? ALL_WARNINGS_ERRORS : flags.warnErrorOptions;
  }
  const all = envBoolean(env, 'warn-error');
  const text = envSetting(env, 'warn-error-options');
  if (all && text !== undefined) throw usage('DBT_WARN_ERROR and DBT_WARN_ERROR_OPTIONS cannot both be set.');
  if (all !== undefined) return all ? ALL_WARNINGS_ERRORS : { error: [], warn: [], silence: [] };
  if (text === undefined) return undefined;
  const read = readWarnErrorOptions(parseYaml(text, 'DBT_WARN_ERROR_OPTIONS'), 'DBT_WARN_ERROR_OPTIONS');
  if (!read.policy) throw usage(read.problems.join(' '));
  return read.policy;
}

function warnErrorOptionsArgument(text: string): WarnErrorPolicy {
  let value: unknown;
  try {
    value = yamlLibrary().parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const read = readWarnErrorOptions(value, 'the value');
  if (!read.policy) throw new InvalidArgumentError(read.problems.join(' '));
  return read.policy;
}

function envIndirectSelection(env: NodeJS.ProcessEnv): IndirectSelection | undefined {
  const value = envSetting(env, 'indirect-selection');
  if (value === undefined) return undefined;
  const mode = INDIRECT_SELECTION_MODES.find((m) => m === value.trim().toLowerCase());
  if (!mode) throw usage(`DBT_INDIRECT_SELECTION is '${value}'; expected one of ${INDIRECT_SELECTION_MODES.join(', ')}.`);
  return mode;
}

function parseYaml(text: string, source: string): unknown {
  try {
    return yamlLibrary().parse(text);
  } catch (err) {
    throw usage(`${source} is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}

function usage(message: string): StrataUserError {
  return new StrataUserError([diagnostic('invalid-flag', message)]);
}

// --resource-type and --exclude-resource-type (build, test), with dbt's names.

/** dbt's resource type names, and the node types of each that these commands run. */
const RESOURCE_TYPES: Record<string, readonly NodeType[]> = {
  model: ['model'],
  seed: ['seed'],
  snapshot: ['snapshot'],
  test: ['test'],
  unit_test: ['unit_test'],
  analysis: [],
  source: [],
  exposure: [],
  metric: [],
  semantic_model: [],
  saved_query: [],
  default: ['model', 'seed', 'snapshot', 'test', 'unit_test'],
  all: ['model', 'seed', 'snapshot', 'test', 'unit_test'],
};

/** Adds --resource-type and --exclude-resource-type (and their plural spellings, as dbt). */
export function withResourceTypeOptions(command: Command): Command {
  const names = Object.keys(RESOURCE_TYPES).join(', ');
  return command
    .option('--resource-type <types...>', `only these resource types (${names}; env: DBT_RESOURCE_TYPES)`, collectTypes)
    .addOption(new Option('--resource-types <types...>').hideHelp().argParser(collectTypes))
    .option('--exclude-resource-type <types...>', 'leave out these resource types (env: DBT_EXCLUDE_RESOURCE_TYPES)', collectTypes)
    .addOption(new Option('--exclude-resource-types <types...>').hideHelp().argParser(collectTypes));
}

/** --resource-type and --exclude-resource-type as commander hands them over. */
export interface ResourceTypeFlags {
  resourceType?: string[];
  resourceTypes?: string[];
  excludeResourceType?: string[];
  excludeResourceTypes?: string[];
}

/** The node types to run: the command's own, narrowed by --resource-type and --exclude-resource-type. */
export function resourceTypesSetting(
  flags: ResourceTypeFlags,
  env: NodeJS.ProcessEnv,
  commandTypes: readonly NodeType[] | undefined,
): readonly NodeType[] | undefined {
  const include = [...(flags.resourceType ?? []), ...(flags.resourceTypes ?? [])];
  const exclude = [...(flags.excludeResourceType ?? []), ...(flags.excludeResourceTypes ?? [])];
  const fromEnv = (flag: string) => {
    const value = envSetting(env, flag);
    return value === undefined
      ? []
      : value
          .split(/[\s,]+/)
          .filter(Boolean)
          .map((t) => checkedType(t, `DBT_${flag.replace(/-/g, '_').toUpperCase()}`));
  };
  const included = include.length ? include : fromEnv('resource-types');
  const excluded = exclude.length ? exclude : fromEnv('exclude-resource-types');
  if (!included.length && !excluded.length) return commandTypes;
  const base = commandTypes ?? RESOURCE_TYPES.all ?? [];
  const wanted = included.length ? new Set(included.flatMap((t) => RESOURCE_TYPES[t] ?? [])) : new Set(base);
  const dropped = new Set(excluded.flatMap((t) => RESOURCE_TYPES[t] ?? []));
  return base.filter((t) => wanted.has(t) && !dropped.has(t));
}

function collectTypes(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .filter(Boolean)
      .map((t) => checkedType(t)),
  ];
}

/** A dbt resource type name, lower-cased; an unknown one is a usage error naming the valid ones. */
function checkedType(value: string, source?: string): string {
  const type = value.trim().toLowerCase();
  if (type in RESOURCE_TYPES) return type;
  const message = `'${value}' is not a resource type (valid: ${Object.keys(RESOURCE_TYPES).join(', ')}).${didYouMean(type, Object.keys(RESOURCE_TYPES))}`;
  if (source) throw usage(`${source}: ${message}`);
  throw new InvalidArgumentError(message);
}

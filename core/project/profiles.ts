import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Adapter, ProfileOutput } from '../adapter/adapter.js';
import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { envVarFunction } from '../template/base-scope.js';
import { cliVarFunction, macroFreeEngine, renderYamlValues } from './render-yaml.js';
import type { ResolvedTarget } from './types.js';
import { parseYaml, validateYaml } from './yaml-file.js';
import { readProjectText } from './read-text.js';

/** Where to look for profiles and which target to use. */
export interface ProfileOptions {
  /** Absolute project directory. */
  projectDir: string;
  /** Absolute target-path, where the built-in DuckDB file goes. */
  targetPath: string;
  /** Profile named by the project file. */
  profile: string | undefined;
  /** Where the project file names it (the `profile:` key), for errors about it. */
  profileAt?: SourceLocation;
  /** The profile was named by `--profile` (or DBT_PROFILE), not the project file. */
  profileFromFlag?: boolean;
  /** `--profiles-dir`. */
  profilesDir?: string;
  /** `--target`. */
  target?: string;
  /** Environment for `env_var()` and the profiles-dir variables. */
  env: NodeJS.ProcessEnv;
  /** `--vars`, what `var()` sees in profiles.yml. */
  vars?: Record<string, unknown>;
}

const profileSchema = z.strictObject({
  target: z.string().optional(),
  outputs: z.record(z.string(), z.record(z.string(), z.unknown())),
});

/**
 * The folder named by `--profiles-dir`, else STRATA_PROFILES_DIR, else DBT_PROFILES_DIR (an empty
 * variable counts as unset), with what named it.
 */
function explicitProfilesDir(options: Pick<ProfileOptions, 'profilesDir' | 'env'>): { dir: string; source: string } | undefined {
  const named: [string | undefined, string][] = [
    [options.profilesDir, '--profiles-dir'],
    [options.env.STRATA_PROFILES_DIR, 'STRATA_PROFILES_DIR'],
    [options.env.DBT_PROFILES_DIR, 'DBT_PROFILES_DIR'],
  ];
  const found = named.find(([dir]) => typeof dir === 'string' && dir.length > 0);
  return found ? { dir: resolve(found[0] as string), source: found[1] } : undefined;
}

/**
 * Directories searched for profiles.yml: the folder named by `--profiles-dir`, STRATA_PROFILES_DIR
 * or DBT_PROFILES_DIR alone (as in dbt, a folder asked for is never silently replaced by another),
 * else the project, ~/.strata, ~/.dbt.
 */
export function profileSearchPath(options: Pick<ProfileOptions, 'profilesDir' | 'env' | 'projectDir'>): string[] {
  const explicit = explicitProfilesDir(options);
  if (explicit) return [explicit.dir];
  const home = options.env.HOME ?? homedir();
  return [options.projectDir, join(home, '.strata'), join(home, '.dbt')].map((d) => resolve(d));
}

/** The one output of the built-in target. */
const BUILT_IN_TARGET = 'dev';

/**
 * Chooses the connection target. The built-in DuckDB file is used only when nothing asks for
 * anything else: no profiles.yml anywhere, no `profile:` in the project file and no `--target`
 * but `dev`. A named profile or target that cannot be found is an error, as in dbt, never a silent
 * build somewhere else (a CI job missing its profiles.yml must not go green on DuckDB).
 */
export function resolveTarget(
  options: ProfileOptions,
  adapters: readonly Adapter[],
): { target?: ResolvedTarget; diagnostics: Diagnostic[] } {
  const explicit = explicitProfilesDir(options);
  const searched = profileSearchPath(options);
  const file = searched.map((d) => join(d, 'profiles.yml')).find((f) => existsSync(f));
  if (!file) {
    if (explicit) {
      const missing = `no profiles.yml in ${explicit.dir} (the folder ${explicit.source} names${existsSync(explicit.dir) ? '' : ', which does not exist'})`;
      return {
        diagnostics: [
          diagnostic(
            'profile-not-found',
            options.profile ? `Could not find profile named '${options.profile}': ${missing}.` : `No profile: ${missing}.`,
          ),
        ],
      };
    }
    const looked = `no profiles.yml was found (looked in ${searched.join(', ')})`;
    if (options.profile) {
      return {
        diagnostics: [
          diagnostic(
            'profile-not-found',
            `Could not find profile named '${options.profile}': ${looked}. Create one with that profile, or ${options.profileFromFlag ? 'leave out --profile' : "remove 'profile:' from the project file"} to build on the built-in DuckDB target.`,
            options.profileAt,
          ),
        ],
      };
    }
    if (options.target !== undefined && options.target !== BUILT_IN_TARGET) {
      return {
        diagnostics: [
          diagnostic(
            'target-not-found',
            `Could not find target '${options.target}': ${looked}, so the only target is the built-in DuckDB target (valid target names: ${BUILT_IN_TARGET}).`,
          ),
        ],
      };
    }
    return builtInDuckDb(options, adapters);
  }
  const encoding: Diagnostic[] = [];
  const parsed = parseYaml(file, readProjectText(file, file, encoding));
  if (encoding.length || !parsed.yaml) return { diagnostics: [...encoding, ...parsed.diagnostics] };
  const yaml = parsed.yaml;
  const diagnostics: Diagnostic[] = [];
  // dbt's ProfileRenderer: natively, with env_var (secrets allowed here only) and --vars, and only
  // the profile's `target` and the chosen output, so another output's unset env var does no harm.
  const scope = { env_var: envVarFunction(options.env, { allowSecrets: true }), var: cliVarFunction(options.vars ?? {}) };
  const render = (value: unknown, path: readonly PropertyKey[]) =>
    renderYamlValues(yaml, value, path, macroFreeEngine(), scope, diagnostics);
  const profiles = yaml.value !== null && typeof yaml.value === 'object' ? (yaml.value as Record<string, unknown>) : {};
  const profileName = options.profile ?? Object.keys(profiles).find((k) => k !== 'config');
  if (!profileName || !(profileName in profiles)) {
    const names = Object.keys(profiles).filter((k) => k !== 'config');
    const message = options.profile
      ? `Could not find profile named '${options.profile}' (named by ${options.profileFromFlag ? '--profile' : 'the project file'}) in ${file} (profiles: ${names.join(', ') || 'none'}).${didYouMean(options.profile, names)}`
      : `${file} defines no profile.`;
    return {
      diagnostics: [
        ...diagnostics,
        diagnostic('profile-not-found', message, (options.profile && options.profileAt) || { file, line: 1, column: 1 }),
      ],
    };
  }
  const checked = validateYaml(yaml, profileSchema, profiles[profileName], [profileName], `profile '${profileName}'`);
  if (!checked.data) return { diagnostics: [...diagnostics, ...checked.diagnostics] };
  const chosen = options.target ?? render(checked.data.target, [profileName, 'target']) ?? 'dev';
  const targetName = String(chosen);
  const raw = checked.data.outputs[targetName];
  if (!raw) {
    const names = Object.keys(checked.data.outputs);
    // Named by --target, the outputs are where to look; named by the profile, its `target:` line.
    const at =
      options.target === undefined && checked.data.target !== undefined
        ? yaml.locate([profileName, 'target'])
        : yaml.locate([profileName, 'outputs']);
    return {
      diagnostics: [
        ...diagnostics,
        diagnostic(
          'target-not-found',
          `The profile '${profileName}' does not have a target named '${targetName}' (valid target names: ${names.join(', ')}).${didYouMean(targetName, names)}`,
          at,
        ),
      ],
    };
  }
  const outputPath = [profileName, 'outputs', targetName];
  const output = render(raw, outputPath) as Record<string, unknown>;
  const type = String(output.type ?? '');
  const adapter = adapters.find((a) => a.name === type);
  if (!adapter) {
    const names = adapters.map((a) => a.name);
    return {
      diagnostics: [
        ...diagnostics,
        diagnostic(
          'unsupported-adapter',
          `Adapter type '${type}' is not available (available: ${names.join(', ')}).${didYouMean(type, names)}`,
          yaml.locate([...outputPath, 'type']),
        ),
      ],
    };
  }
  const result = adapter.parseConfig(output, options.projectDir);
  if ('problems' in result) {
    // A key that is set points at itself; one that is missing, at the output's name.
    const at = (key: string) => (output[key] == null ? yaml.locate(outputPath.slice(0, -1), targetName) : yaml.locate(outputPath, key));
    return {
      diagnostics: [
        ...diagnostics,
        ...result.problems.map((p) =>
          diagnostic('yaml-schema', `Profile '${profileName}', target '${targetName}': ${p.message}`, at(p.key)),
        ),
      ],
    };
  }
  return { target: { profileName, targetName, type, config: result.config, info: result.target, profilesFile: file }, diagnostics };
}

function builtInDuckDb(options: ProfileOptions, adapters: readonly Adapter[]): { target?: ResolvedTarget; diagnostics: Diagnostic[] } {
  const adapter = adapters.find((a) => a.name === 'duckdb');
  if (!adapter) return { diagnostics: [diagnostic('profile-not-found', 'No profiles.yml found and the DuckDB adapter is not available.')] };
  const result = adapter.parseConfig({ type: 'duckdb', path: join(options.targetPath, 'strata.duckdb'), threads: 4 }, options.projectDir);
  if ('problems' in result) throw new Error(`built-in DuckDB profile rejected: ${result.problems.map((p) => p.message).join('; ')}`);
  return {
    target: { profileName: 'default', targetName: BUILT_IN_TARGET, type: 'duckdb', config: result.config, info: result.target },
    diagnostics: [],
  };
}

/**
 * The other outputs of the target's profile that `adapter` serves, each rendered and checked as
 * if chosen (`--defer` finds the database file of the target a state was built on by them). An
 * output that does not render or check is left out: it is not the one this command runs on.
 */
export function otherProfileOutputs(
  target: ResolvedTarget,
  adapter: Adapter,
  options: Pick<ProfileOptions, 'projectDir' | 'env' | 'vars'>,
): ProfileOutput[] {
  if (!target.profilesFile) return [];
  const ignored: Diagnostic[] = [];
  const parsed = parseYaml(target.profilesFile, readProjectText(target.profilesFile, target.profilesFile, ignored));
  const profile = (parsed.yaml?.value as Record<string, unknown> | null | undefined)?.[target.profileName];
  const outputs = (profile as { outputs?: unknown } | undefined)?.outputs;
  if (!parsed.yaml || outputs === null || typeof outputs !== 'object') return [];
  const yaml = parsed.yaml;
  const scope = { env_var: envVarFunction(options.env, { allowSecrets: true }), var: cliVarFunction(options.vars ?? {}) };
  return Object.entries(outputs as Record<string, unknown>).flatMap(([name, raw]) => {
    if (name === target.targetName || raw === null || typeof raw !== 'object') return [];
    const problems: Diagnostic[] = [];
    const output = renderYamlValues(yaml, raw, [target.profileName, 'outputs', name], macroFreeEngine(), scope, problems);
    if (problems.length || (output as Record<string, unknown>).type !== adapter.name) return [];
    const result = adapter.parseConfig(output as Record<string, unknown>, options.projectDir);
    return 'problems' in result ? [] : [{ name, config: result.config, target: result.target }];
  });
}

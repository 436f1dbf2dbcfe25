import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Adapter } from '../adapter/adapter.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { envVarFunction } from '../template/base-scope.js';
import { cliVarFunction, macroFreeEngine, renderYamlValues } from './render-yaml.js';
import type { ResolvedTarget } from './types.js';
import { parseYaml, validateYaml } from './yaml-file.js';

/** Where to look for profiles and which target to use. */
export interface ProfileOptions {
  /** Absolute project directory. */
  projectDir: string;
  /** Absolute target-path, where the built-in DuckDB file goes. */
  targetPath: string;
  /** Profile named by the project file. */
  profile: string | undefined;
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
 * Directories searched for profiles.yml, in order: `--profiles-dir`, STRATA_PROFILES_DIR,
 * DBT_PROFILES_DIR, the project, ~/.strata, ~/.dbt.
 */
export function profileSearchPath(options: Pick<ProfileOptions, 'profilesDir' | 'env' | 'projectDir'>): string[] {
  const home = options.env.HOME ?? homedir();
  return [options.profilesDir, options.env.STRATA_PROFILES_DIR, options.env.DBT_PROFILES_DIR, options.projectDir, join(home, '.strata'), join(home, '.dbt')]
    .filter((d): d is string => typeof d === 'string' && d.length > 0)
    .map((d) => resolve(d));
}

/** Chooses the connection target; with no profiles.yml anywhere, an embedded DuckDB file. */
export function resolveTarget(options: ProfileOptions, adapters: readonly Adapter[]): { target?: ResolvedTarget; diagnostics: Diagnostic[] } {
  const explicitDir = options.profilesDir ?? options.env.STRATA_PROFILES_DIR ?? options.env.DBT_PROFILES_DIR;
  const file = profileSearchPath(options).map((d) => join(d, 'profiles.yml')).find((f) => existsSync(f));
  if (!file) {
    if (explicitDir) return { diagnostics: [diagnostic('profile-not-found', `No profiles.yml in ${resolve(explicitDir)}.`)] };
    return builtInDuckDb(options, adapters);
  }
  const parsed = parseYaml(file, readFileSync(file, 'utf8'));
  if (!parsed.yaml) return { diagnostics: parsed.diagnostics };
  const yaml = parsed.yaml;
  const diagnostics: Diagnostic[] = [];
  // dbt's ProfileRenderer: natively, with env_var (secrets allowed here only) and --vars, and only
  // the profile's `target` and the chosen output, so another output's unset env var does no harm.
  const scope = { env_var: envVarFunction(options.env, { allowSecrets: true }), var: cliVarFunction(options.vars ?? {}) };
  const render = (value: unknown, path: readonly PropertyKey[]) => renderYamlValues(yaml, value, path, macroFreeEngine(), scope, diagnostics);
  const profiles = yaml.value !== null && typeof yaml.value === 'object' ? (yaml.value as Record<string, unknown>) : {};
  const profileName = options.profile ?? Object.keys(profiles).find((k) => k !== 'config');
  if (!profileName || !(profileName in profiles)) {
    const names = Object.keys(profiles).filter((k) => k !== 'config');
    const message = options.profile
      ? `Profile '${options.profile}' (named by the project file) is not in ${file}.${didYouMean(options.profile, names)}`
      : `${file} defines no profile.`;
    return { diagnostics: [...diagnostics, diagnostic('profile-not-found', message, { file, line: 1, column: 1 })] };
  }
  const checked = validateYaml(yaml, profileSchema, profiles[profileName], [profileName], `profile '${profileName}'`);
  if (!checked.data) return { diagnostics: [...diagnostics, ...checked.diagnostics] };
  const chosen = options.target ?? render(checked.data.target, [profileName, 'target']) ?? 'dev';
  const targetName = String(chosen);
  const raw = checked.data.outputs[targetName];
  if (!raw) {
    const names = Object.keys(checked.data.outputs);
    return { diagnostics: [...diagnostics, diagnostic('target-not-found', `Target '${targetName}' is not an output of profile '${profileName}' (outputs: ${names.join(', ')}).${didYouMean(targetName, names)}`, yaml.locate([profileName, 'outputs']))] };
  }
  const outputPath = [profileName, 'outputs', targetName];
  const output = render(raw, outputPath) as Record<string, unknown>;
  const type = String(output.type ?? '');
  const adapter = adapters.find((a) => a.name === type);
  if (!adapter) {
    const names = adapters.map((a) => a.name);
    return { diagnostics: [...diagnostics, diagnostic('unsupported-adapter', `Adapter type '${type}' is not available (available: ${names.join(', ')}).${didYouMean(type, names)}`, yaml.locate([...outputPath, 'type']))] };
  }
  const result = adapter.parseConfig(output, options.projectDir);
  if ('problems' in result) {
    return { diagnostics: [...diagnostics, ...result.problems.map((p) => diagnostic('yaml-schema', `Profile '${profileName}', target '${targetName}': ${p.message}`, yaml.locate(outputPath, p.key)))] };
  }
  return { target: { profileName, targetName, type, config: result.config, info: result.target, profilesFile: file }, diagnostics };
}

function builtInDuckDb(options: ProfileOptions, adapters: readonly Adapter[]): { target?: ResolvedTarget; diagnostics: Diagnostic[] } {
  const adapter = adapters.find((a) => a.name === 'duckdb');
  if (!adapter) return { diagnostics: [diagnostic('profile-not-found', 'No profiles.yml found and the DuckDB adapter is not available.')] };
  const result = adapter.parseConfig({ type: 'duckdb', path: join(options.targetPath, 'strata.duckdb'), threads: 4 }, options.projectDir);
  if ('problems' in result) throw new Error(`built-in DuckDB profile rejected: ${result.problems.map((p) => p.message).join('; ')}`);
  return { target: { profileName: options.profile ?? 'default', targetName: options.target ?? 'dev', type: 'duckdb', config: result.config, info: result.target }, diagnostics: [] };
}

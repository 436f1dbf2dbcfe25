import type { TargetInfo } from '../adapter/adapter.js';
import { TemplateCallError, splitArgs } from './call-args.js';
import type { RenderScope } from './engine.js';

/** What every render sees regardless of pass: vars, env vars, target. */
export interface BaseScopeInput {
  /** Project name (`project_name`). */
  projectName: string;
  /** Vars after `--vars` overrides. */
  vars: Record<string, unknown>;
  /** Target facts; `name` and `profile_name` are added. */
  target: TargetInfo & { name: string; profile_name: string };
  /** Environment to read `env_var` from. */
  env: NodeJS.ProcessEnv;
  /** True in the compile pass (dbt's `execute`). */
  execute: boolean;
}

/** Env vars whose values must never reach SQL, artifacts or logs (dbt's convention, and Strata's). */
export function isSecretEnvVar(name: string): boolean {
  return name.startsWith('DBT_ENV_SECRET_') || name.startsWith('STRATA_ENV_SECRET_');
}

/**
 * `env_var('NAME', 'default')`, shared with YAML rendering. Secret variables are only allowed
 * where the value stays in memory (profiles.yml), never in SQL that is written to target/.
 */
export function envVarFunction(env: NodeJS.ProcessEnv, options: { allowSecrets?: boolean } = {}): (...args: unknown[]) => string {
  return (...args) => {
    const { positional } = splitArgs(args);
    const name = String(positional[0]);
    if (isSecretEnvVar(name) && !options.allowSecrets) {
      throw new TemplateCallError('missing-env-var', `Secret environment variable '${name}' can only be used in profiles.yml: its value would end up in compiled SQL and artifacts.`);
    }
    const value = env[name];
    if (value !== undefined) return value;
    if (positional.length > 1) return String(positional[1]);
    throw new TemplateCallError('missing-env-var', `Environment variable '${name}' is not set and env_var() was given no default.`);
  };
}

/** Builds the names shared by both passes. */
export function baseScope(input: BaseScopeInput): RenderScope {
  const varFn = (...args: unknown[]): unknown => {
    const { positional } = splitArgs(args);
    const name = String(positional[0]);
    if (Object.prototype.hasOwnProperty.call(input.vars, name)) return input.vars[name];
    if (positional.length > 1) return positional[1];
    throw new TemplateCallError('missing-var', `Required var '${name}' is not set: define it under 'vars:' in the project file or pass --vars "{${name}: ...}".`);
  };
  return {
    var: varFn,
    env_var: envVarFunction(input.env),
    target: input.target,
    project_name: input.projectName,
    execute: input.execute,
    log: () => '',
    exceptions: {
      raise_compiler_error: (message: unknown) => {
        throw new TemplateCallError('template-render', String(message));
      },
      warn: () => '',
    },
  };
}

import type { TargetInfo } from '../adapter/adapter.js';
import { TemplateCallError, splitArgs } from './call-args.js';
import { currentInvocation, templateLog, type Invocation } from './invocation.js';
import { PyDateTime } from './python-modules.js';
import { takesTemplateValues } from './py-values.js';
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
      throw new TemplateCallError(
        'missing-env-var',
        `Secret environment variable '${name}' can only be used in profiles.yml: its value would end up in compiled SQL and artifacts.`,
      );
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
    throw new TemplateCallError(
      'missing-var',
      `Required var '${name}' is not set: define it under 'vars:' in the project file or pass --vars "{${name}: ...}".`,
    );
  };
  // dbt's `var.has_var('name')`.
  const hasVar = (name: unknown) => Object.prototype.hasOwnProperty.call(input.vars, String(name));
  return {
    // Template values as they are: a default of 2.0 stays a float, as in dbt.
    var: Object.assign(takesTemplateValues(varFn), { has_var: hasVar }),
    env_var: envVarFunction(input.env),
    target: input.target,
    project_name: input.projectName,
    execute: input.execute,
    // Shown in the compile pass only: the parse pass may be skipped (parse cache) or run twice.
    log: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      if (input.execute && (keywords.info === true || positional[1] === true)) templateLog(String(positional[0]));
      return '';
    },
    get invocation_id() {
      return currentInvocation().invocationId;
    },
    get run_started_at() {
      return invocationValues(currentInvocation()).runStartedAt;
    },
    get flags() {
      return invocationValues(currentInvocation()).flags;
    },
    exceptions: {
      raise_compiler_error: (message: unknown) => {
        throw new TemplateCallError('template-render', String(message));
      },
      warn: (message: unknown) => {
        templateLog(`Warning: ${String(message)}`);
        return '';
      },
    },
  };
}

// Every node's scope is spread from the base scope, which reads these getters: build them once per invocation.
const derived = new WeakMap<Invocation, { runStartedAt: PyDateTime; flags: Record<string, unknown> }>();

function invocationValues(invocation: Invocation): { runStartedAt: PyDateTime; flags: Record<string, unknown> } {
  let values = derived.get(invocation);
  if (!values)
    derived.set(invocation, (values = { runStartedAt: new PyDateTime(invocation.startedAt), flags: invocationFlags(invocation.args) }));
  return values;
}

/** dbt's `flags`: the command's options in upper case (FULL_REFRESH, WHICH, ...). */
function invocationFlags(args: Record<string, unknown>): Record<string, unknown> {
  const flags: Record<string, unknown> = { FULL_REFRESH: false, STORE_FAILURES: false, EMPTY: false, FAIL_FAST: false, WHICH: 'run' };
  for (const [key, value] of Object.entries(args)) flags[key.toUpperCase()] = value;
  return flags;
}

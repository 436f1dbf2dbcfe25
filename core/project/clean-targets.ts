import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { diagnostic, throwIfErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { envVarFunction } from '../template/base-scope.js';
import { cliVarFunction, macroFreeEngine, renderYamlValues } from './render-yaml.js';
import { parseYaml } from './yaml-file.js';

/**
 * What `strata clean` deletes: the project file's `clean-targets` (default: its target path),
 * read without loading the project, so `clean` works before `deps` and on a project that does not
 * load (as `dbt clean` does).
 */
export function readCleanTargets(root: string, env: NodeJS.ProcessEnv, vars: Record<string, unknown>): string[] {
  const file = ['strata_project.yml', 'dbt_project.yml'].map((n) => join(root, n)).find((f) => existsSync(f));
  if (!file)
    throwIfErrors([
      diagnostic('project-file-missing', `No strata_project.yml or dbt_project.yml in ${root}. Use --project-dir to point at a project.`),
    ]);
  const diagnostics: Diagnostic[] = [];
  const parsed = parseYaml(basename(file as string), readFileSync(file as string, 'utf8'));
  throwIfErrors(parsed.diagnostics);
  const value = (parsed.yaml?.value ?? {}) as Record<string, unknown>;
  const scope = { env_var: envVarFunction(env), var: cliVarFunction(vars) };
  const read = (key: string) =>
    parsed.yaml && key in value ? renderYamlValues(parsed.yaml, value[key], [key], macroFreeEngine(), scope, diagnostics) : undefined;
  const targets = read('clean-targets');
  const targetPath = read('target-path');
  throwIfErrors(diagnostics);
  if (Array.isArray(targets)) return targets.map(String);
  return [typeof targetPath === 'string' ? targetPath : 'target'];
}

import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { admitsStrata, DBT_COMPATIBLE_VERSION } from './dbt-version.js';
import { IGNORED_PROJECT_KEYS, type ProjectFile } from './project-file.js';
import type { YamlFile } from './yaml-file.js';

/**
 * What a project file says that Strata should tell the user about: a `require-dbt-version` that
 * does not admit the dbt version Strata behaves as (an error, as in dbt), and dbt keys Strata
 * accepts but does not act on where that could surprise (a warning).
 */
export function checkProjectFile(file: ProjectFile, yaml: YamlFile, packageName?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const required = file['require-dbt-version'];
  if (required !== undefined && !admitsStrata(required)) {
    const who = packageName ? `Package '${packageName}'` : `Project '${file.name}'`;
    const ranges = (Array.isArray(required) ? required : [required]).map((r) => JSON.stringify(String(r))).join(', ');
    const fix = packageName
      ? `install a version of ${packageName} that supports dbt ${DBT_COMPATIBLE_VERSION}`
      : `widen require-dbt-version to admit ${DBT_COMPATIBLE_VERSION}`;
    out.push(
      diagnostic(
        'incompatible-dbt-version',
        `${who} requires dbt ${ranges}; Strata behaves as dbt ${DBT_COMPATIBLE_VERSION}. To use it, ${fix}.`,
        yaml.locate(['require-dbt-version']),
      ),
    );
  }
  for (const [key, why] of Object.entries(IGNORED_PROJECT_KEYS)) {
    if (why && key in file) out.push(diagnostic('ignored-setting', `'${key}' has no effect in Strata: ${why}.`, yaml.locate([key])));
  }
  return out;
}

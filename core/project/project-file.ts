import { z } from 'zod';

const configTree = z.record(z.string(), z.unknown());
const pathList = z.array(z.string());

/** `strata_project.yml` / `dbt_project.yml`. Keys follow dbt's; unknown keys are errors. */
export const projectFileSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and underscores, not starting with a digit'),
  version: z.union([z.string(), z.number()]).optional(),
  'config-version': z.number().optional(),
  profile: z.string().optional(),
  'model-paths': pathList.optional(),
  'seed-paths': pathList.optional(),
  'macro-paths': pathList.optional(),
  'test-paths': pathList.optional(),
  'snapshot-paths': pathList.optional(),
  'analysis-paths': pathList.optional(),
  'docs-paths': pathList.optional(),
  'asset-paths': pathList.optional(),
  'target-path': z.string().optional(),
  'packages-install-path': z.string().optional(),
  'clean-targets': pathList.optional(),
  'require-dbt-version': z.union([z.string(), z.array(z.string())]).optional(),
  'query-comment': z.unknown().optional(),
  quoting: z.record(z.string(), z.boolean()).optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  models: configTree.optional(),
  seeds: configTree.optional(),
  snapshots: configTree.optional(),
  tests: configTree.optional(),
  data_tests: configTree.optional(),
  unit_tests: configTree.optional(),
  sources: configTree.optional(),
  analyses: configTree.optional(),
  'on-run-start': z.union([z.string(), z.array(z.string())]).optional(),
  'on-run-end': z.union([z.string(), z.array(z.string())]).optional(),
  dispatch: z.array(z.object({ macro_namespace: z.string(), search_order: z.array(z.string()) })).optional(),
  flags: z.record(z.string(), z.unknown()).optional(),
  // dbt keys that change nothing in Strata: accepted (see IGNORED_PROJECT_KEYS).
  'log-path': z.string().optional(),
  'dbt-cloud': z.unknown().optional(),
  'restrict-access': z.boolean().optional(),
  exposures: configTree.optional(),
  metrics: configTree.optional(),
  'semantic-models': configTree.optional(),
  'saved-queries': configTree.optional(),
  functions: configTree.optional(),
  'function-paths': pathList.optional(),
  'source-paths': pathList.optional(),
  'data-paths': pathList.optional(),
  'modules-path': z.string().optional(),
});

/**
 * Keys of dbt's dbt_project.yml that Strata accepts without acting on them, each with why (shown as
 * a warning where the difference could surprise). The others are silent: they configure dbt Cloud,
 * logs or resources Strata does not build.
 */
export const IGNORED_PROJECT_KEYS: Record<string, string | undefined> = {
  // Read by the CLI's logger before the project loads (cli/output/command-start.ts), not by the loader.
  'log-path': undefined,
  'dbt-cloud': undefined,
  'restrict-access': "Strata checks model access ('access: private/protected') whether or not restrict-access is set",
  exposures: undefined,
  metrics: undefined,
  'semantic-models': undefined,
  'saved-queries': undefined,
  functions: undefined,
  'function-paths': undefined,
  'source-paths': "dbt 1.0 renamed it; Strata reads models from 'model-paths' only, so rename the key",
  'data-paths': "dbt 1.0 renamed it; Strata reads seeds from 'seed-paths' only, so rename the key",
  'modules-path': "dbt 1.0 renamed it; use 'packages-install-path'",
};

/** The project file as written. */
export type ProjectFile = z.infer<typeof projectFileSchema>;

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
});

/** The project file as written. */
export type ProjectFile = z.infer<typeof projectFileSchema>;

import { z } from 'zod';
import { nodeConfigSchema } from './node-config.js';

/** A test entry: `unique`, or `{accepted_values: {values: [...]}}`. Arguments are checked when tests run. */
const testEntry = z.union([z.string(), z.record(z.string(), z.unknown())]);
const tests = z.array(testEntry);
const meta = z.record(z.string(), z.unknown());
const tags = z.union([z.string(), z.array(z.string())]);
const docs = z.object({ show: z.boolean().optional(), node_color: z.string().optional() }).loose();

const constraint = z.object({
  type: z.enum(['not_null', 'unique', 'primary_key', 'foreign_key', 'check', 'custom']),
  name: z.string().optional(),
  expression: z.string().optional(),
  columns: z.array(z.string()).optional(),
  to: z.string().optional(),
  to_columns: z.array(z.string()).optional(),
  warn_unenforced: z.boolean().optional(),
  warn_unsupported: z.boolean().optional(),
});

/** A column under a model, seed, snapshot or source table. */
export const columnSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  data_type: z.string().optional(),
  meta: meta.optional(),
  tags: tags.optional(),
  quote: z.boolean().optional(),
  tests: tests.optional(),
  data_tests: tests.optional(),
  constraints: z.array(constraint).optional(),
  config: z.strictObject({ meta: meta.optional(), tags: tags.optional() }).optional(),
  granularity: z.string().optional(),
  docs: docs.optional(),
});

const versionEntry = z.strictObject({
  v: z.union([z.number(), z.string()]),
  defined_in: z.string().optional(),
  description: z.string().optional(),
  config: nodeConfigSchema.optional(),
  columns: z
    .array(
      z.union([
        columnSchema,
        z.strictObject({ include: z.union([z.string(), z.array(z.string())]), exclude: z.array(z.string()).optional() }),
      ]),
    )
    .optional(),
  tests: tests.optional(),
  data_tests: tests.optional(),
  deprecation_date: z.union([z.string(), z.date()]).optional(),
  docs: docs.optional(),
});

/** A model, seed, snapshot or analysis entry in a properties file. */
export const nodePropertiesSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  config: nodeConfigSchema.optional(),
  columns: z.array(columnSchema).optional(),
  tests: tests.optional(),
  data_tests: tests.optional(),
  docs: docs.optional(),
  meta: meta.optional(),
  tags: tags.optional(),
  access: z.enum(['private', 'protected', 'public']).optional(),
  group: z.string().optional(),
  constraints: z.array(constraint).optional(),
  latest_version: z.union([z.number(), z.string()]).optional(),
  versions: z.array(versionEntry).optional(),
  deprecation_date: z.union([z.string(), z.date()]).optional(),
  time_spine: z.unknown().optional(),
  relation: z.string().optional(),
});

const sourceTable = z.strictObject({
  name: z.string(),
  identifier: z.string().optional(),
  description: z.string().optional(),
  columns: z.array(columnSchema).optional(),
  tests: tests.optional(),
  data_tests: tests.optional(),
  meta: meta.optional(),
  tags: tags.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  quoting: z.record(z.string(), z.boolean()).optional(),
  loaded_at_field: z.string().nullable().optional(),
  loaded_at_query: z.string().nullable().optional(),
  freshness: z.unknown().optional(),
  external: z.unknown().optional(),
  docs: docs.optional(),
});

/** A `sources:` entry. */
export const sourceSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  database: z.string().optional(),
  schema: z.string().optional(),
  loader: z.string().optional(),
  meta: meta.optional(),
  tags: tags.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  quoting: z.record(z.string(), z.boolean()).optional(),
  loaded_at_field: z.string().nullable().optional(),
  loaded_at_query: z.string().nullable().optional(),
  freshness: z.unknown().optional(),
  overrides: z.string().optional(),
  tables: z.array(sourceTable).optional(),
});

const loose = z.array(z.record(z.string(), z.unknown()));

/** A whole properties file (`models/**.yml`). Sections Strata does not act on yet are still accepted. */
export const propertiesFileSchema = z.strictObject({
  version: z.union([z.number(), z.string()]).optional(),
  models: z.array(nodePropertiesSchema).optional(),
  seeds: z.array(nodePropertiesSchema).optional(),
  snapshots: z.array(nodePropertiesSchema).optional(),
  analyses: z.array(nodePropertiesSchema).optional(),
  sources: z.array(sourceSchema).optional(),
  macros: loose.optional(),
  unit_tests: loose.optional(),
  exposures: loose.optional(),
  groups: z
    .array(
      z.strictObject({
        name: z.string(),
        description: z.string().optional(),
        owner: z.object({ name: z.string().optional(), email: z.string().optional() }).loose(),
        config: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
  metrics: loose.optional(),
  semantic_models: loose.optional(),
  saved_queries: loose.optional(),
  data_tests: loose.optional(),
});

/** A properties file as written. */
export type PropertiesFile = z.infer<typeof propertiesFileSchema>;
/** One model/seed/snapshot entry. */
export type NodeProperties = z.infer<typeof nodePropertiesSchema>;
/** One column entry. */
export type ColumnProperties = z.infer<typeof columnSchema>;
/** One source entry. */
export type SourceProperties = z.infer<typeof sourceSchema>;

import { z } from 'zod';

const stringOrList = z.union([z.string(), z.array(z.string())]);
const hook = z.union([z.string(), z.object({ sql: z.string(), transaction: z.boolean().optional() }).loose()]);
const hooks = z.union([hook, z.array(hook)]);

/**
 * Every config key a model, seed, snapshot or test accepts, whether set in the project file,
 * a properties file or `config()`. Strict: a misspelled key is an error, not a silent no-op
 * (dbt's most common trap). Adapter-specific keys that real dbt projects set are accepted too.
 */
export const nodeConfigShape = {
  enabled: z.boolean(),
  materialized: z.string(),
  schema: z.string().nullable(),
  database: z.string().nullable(),
  alias: z.string().nullable(),
  tags: stringOrList,
  meta: z.record(z.string(), z.unknown()),
  docs: z.object({ show: z.boolean().optional(), node_color: z.string().optional() }).loose(),
  persist_docs: z.object({ relation: z.boolean().optional(), columns: z.boolean().optional() }),
  full_refresh: z.boolean().nullable(),
  unique_key: stringOrList.nullable(),
  incremental_strategy: z.string().nullable(),
  on_schema_change: z.enum(['ignore', 'fail', 'append_new_columns', 'sync_all_columns']),
  incremental_predicates: z.array(z.string()),
  merge_update_columns: z.array(z.string()),
  merge_exclude_columns: z.array(z.string()),
  event_time: z.string().nullable(),
  batch_size: z.enum(['hour', 'day', 'month', 'year']),
  begin: z.union([z.string(), z.date()]),
  lookback: z.number().int(),
  concurrent_batches: z.boolean().nullable(),
  pre_hook: hooks,
  post_hook: hooks,
  sql_header: z.string().nullable(),
  grants: z.record(z.string(), stringOrList),
  contract: z.object({ enforced: z.boolean().optional(), alias_types: z.boolean().optional() }),
  access: z.enum(['private', 'protected', 'public']),
  group: z.string().nullable(),
  quoting: z.record(z.string(), z.boolean()),
  column_types: z.record(z.string(), z.string()),
  quote_columns: z.boolean().nullable(),
  delimiter: z.string(),
  strategy: z.enum(['timestamp', 'check']),
  updated_at: z.string(),
  check_cols: z.union([z.literal('all'), z.array(z.string())]),
  target_schema: z.string(),
  target_database: z.string(),
  snapshot_meta_column_names: z.record(z.string(), z.string()),
  hard_deletes: z.enum(['ignore', 'invalidate', 'new_record']),
  invalidate_hard_deletes: z.boolean(),
  dbt_valid_to_current: z.string(),
  severity: z.string(),
  warn_if: z.string(),
  error_if: z.string(),
  fail_calc: z.string(),
  where: z.string().nullable(),
  limit: z.number().int().nullable(),
  store_failures: z.boolean().nullable(),
  store_failures_as: z.enum(['table', 'view', 'ephemeral']).nullable(),
  // Adapter-specific keys that dbt projects commonly carry; accepted so those projects load.
  indexes: z.array(z.record(z.string(), z.unknown())),
  unlogged: z.boolean(),
  partition_by: z.unknown(),
  cluster_by: z.unknown(),
  file_format: z.string(),
  location: z.string(),
  // dbt-duckdb's external models: the file format and DuckDB COPY options.
  format: z.string(),
  options: z.record(z.string(), z.unknown()),
  packages: z.array(z.string()),
} as const;

/** A partial node config as written by the user. */
export const nodeConfigSchema = z.strictObject(nodeConfigShape).partial();

/** Config keys, for suggestions and for telling configs from folder names in the project file. */
export const NODE_CONFIG_KEYS: ReadonlySet<string> = new Set(Object.keys(nodeConfigShape));

/** The config a user wrote, before defaults. */
export type PartialNodeConfig = z.infer<typeof nodeConfigSchema>;

/** Fully resolved config of one node: defaults filled in for the keys every node needs. */
export type NodeConfig = PartialNodeConfig & {
  enabled: boolean;
  materialized: string;
  tags: string[];
  meta: Record<string, unknown>;
  pre_hook: string[];
  post_hook: string[];
};

/** dbt spells hooks with hyphens in the project file; configs are stored with underscores. */
export function normalizeConfigKey(key: string): string {
  return key === 'pre-hook' || key === 'post-hook' ? key.replace('-', '_') : key;
}

/**
 * Merges configs from lowest to highest precedence. Tags, meta and hooks accumulate as in dbt;
 * every other key is replaced by the more specific level.
 */
export function mergeConfigs(...levels: readonly PartialNodeConfig[]): PartialNodeConfig {
  const out: Record<string, unknown> = {};
  for (const level of levels) {
    for (const [key, value] of Object.entries(level)) {
      if (value === undefined) continue;
      const prev = out[key];
      if (key === 'tags' || key === 'pre_hook' || key === 'post_hook') out[key] = [...asList(prev), ...asList(value)];
      else if (key === 'meta' && isRecord(prev) && isRecord(value)) out[key] = { ...prev, ...value };
      else out[key] = value;
    }
  }
  return out as PartialNodeConfig;
}

/**
 * What a node without tags, meta or hooks holds: one shared, frozen empty list and mapping (a
 * project of 10,000 nodes would otherwise keep 40,000 empty ones alive). Nothing changes a node's
 * config in place; frozen, an attempt would fail loudly rather than change every node.
 */
const NO_ITEMS: string[] = Object.freeze([]) as unknown as string[];
const NO_META: Record<string, unknown> = Object.freeze({});

/** Fills the defaults every node has. */
export function finalizeConfig(config: PartialNodeConfig, defaultMaterialized: string): NodeConfig {
  return {
    ...config,
    enabled: config.enabled ?? true,
    materialized: config.materialized ?? defaultMaterialized,
    tags: config.tags === undefined ? NO_ITEMS : [...new Set(asList(config.tags).map(String))],
    meta: config.meta ?? NO_META,
    pre_hook: config.pre_hook === undefined ? NO_ITEMS : asList(config.pre_hook).map(hookSql),
    post_hook: config.post_hook === undefined ? NO_ITEMS : asList(config.post_hook).map(hookSql),
  };
}

function hookSql(h: unknown): string {
  return typeof h === 'string' ? h : String((h as { sql: string }).sql);
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { isDeepStrictEqual } from 'node:util';
import { dbtConfigDefaults, MERGED_CONFIG_KEYS } from '../project/dbt-config-defaults.js';

// A node's config in the one form state comparison compares, whoever wrote it: dbt 1.5–1.10
// (every default key written, the set growing with each version) or Strata (old manifests: only
// the keys set). A key left at dbt's default counts as absent, so "absent" and "default" are equal.

/** Keys dbt leaves out of config comparison (CompareBehavior.Exclude): the relation has its own check. */
const NOT_COMPARED = new Set(['alias', 'schema', 'database', 'tags', 'group']);

/** The only keys dbt compares for a test (TestConfig.same_contents). */
const TEST_KEYS = ['severity', 'where', 'limit', 'fail_calc', 'warn_if', 'error_if', 'store_failures_as', 'sql_header'];

/** dbt derives `store_failures_as` from `store_failures` when it is not set (TestConfig.finalize_and_validate). */
const STORE_FAILURES_AS: Record<string, string> = { true: 'table', false: 'ephemeral' };

/**
 * A config's compared keys as sorted JSON, in dbt's JSON names (`pre-hook`): values equal to dbt's
 * default for the resource type dropped, partial objects filled in, hooks reduced to their SQL.
 */
export function comparableConfig(config: Readonly<Record<string, unknown>>, resourceType: string): string {
  const defaults = dbtConfigDefaults(resourceType);
  const values = new Map<string, unknown>();
  for (const [key, value] of Object.entries(config))
    values.set(key === 'pre_hook' || key === 'post_hook' ? key.replace('_', '-') : key, value);
  // dbt 1.9 spells `invalidate_hard_deletes: true` as `hard_deletes: invalidate`; Strata fills the latter in.
  if (values.get('invalidate_hard_deletes') === true) values.set('hard_deletes', values.get('hard_deletes') ?? 'invalidate');
  values.delete('invalidate_hard_deletes');
  if (values.get('hard_deletes') === 'ignore') values.delete('hard_deletes');
  if (resourceType === 'test') {
    const sfa = values.get('store_failures_as') ?? STORE_FAILURES_AS[String(values.get('store_failures'))];
    values.set('store_failures_as', sfa);
  }
  const keys = resourceType === 'test' ? TEST_KEYS : [...values.keys()].filter((k) => !NOT_COMPARED.has(k)).sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = comparableValue(key, values.get(key), defaults[key]);
    if (value !== undefined) out[key] = value;
  }
  return stableJson(out);
}

/** The value compared for one key; undefined when unset or at the default. */
function comparableValue(key: string, value: unknown, defaultValue: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (key === 'snapshot_meta_column_names' && typeof value === 'object') return metaColumnNames(value as Record<string, unknown>);
  let v = value;
  if (key === 'pre-hook' || key === 'post-hook')
    v = (Array.isArray(value) ? value : [value]).map((h: unknown) => (typeof h === 'string' ? h : (h as { sql: string }).sql));
  else if (value instanceof Date) v = value.toISOString();
  else if (MERGED_CONFIG_KEYS.has(key) && typeof value === 'object') v = { ...(defaultValue as object), ...value };
  else if (key === 'severity') v = String(value).toLowerCase();
  if (key === 'severity' ? v === 'error' : isDeepStrictEqual(v, defaultValue)) return undefined;
  if (Array.isArray(v) && v.length === 0 && defaultValue === undefined) return undefined;
  return v;
}

/** A snapshot's meta column names, a column named as dbt names it by default counting as unset. */
function metaColumnNames(names: Record<string, unknown>): Record<string, unknown> | undefined {
  const renamed = Object.entries(names).filter(([column, name]) => name !== null && name !== undefined && name !== column);
  return renamed.length > 0 ? Object.fromEntries(renamed) : undefined;
}

/**
 * The relation a node is configured with (not as rendered: dev and production differ by design).
 * `defaultAlias` is the alias the node gets unless one is set (a model version's `<name>_v<v>`).
 */
export function configuredRelation(
  config: Readonly<Record<string, unknown>> | undefined,
  resourceType: string,
  defaultAlias?: string,
): string {
  const defaults: Record<string, unknown> = { ...dbtConfigDefaults(resourceType), ...(defaultAlias ? { alias: defaultAlias } : {}) };
  const part = (key: string) => {
    const value = config?.[key] ?? null;
    return value === defaults[key] ? null : value;
  };
  return stableJson([part('database'), part('schema'), part('alias')]);
}

/** JSON with object keys sorted: equal values give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

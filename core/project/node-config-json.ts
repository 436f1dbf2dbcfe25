import { isDeepStrictEqual } from 'node:util';
import { dbtConfigDefaults, MERGED_CONFIG_KEYS, SNAPSHOT_META_COLUMN_NAMES } from './dbt-config-defaults.js';
import type { NodeConfig } from './node-config.js';

// A node's config in dbt's JSON form (the manifest's `config`): written by the manifest, compared
// by state selection and read back by re-compile, so it sits with the config on this floor.

/**
 * Config as dbt writes it: every default key of the node's kind (dbt's order), then what is set;
 * hooks under `pre-hook`/`post-hook` as objects, dates as text. What Strata fills in where dbt
 * leaves the default (a model version's alias `impliedAlias`, dbt's snapshot column names, a test's
 * severity) is written as dbt writes it.
 */
export function manifestConfig(config: NodeConfig, resourceType: string, impliedAlias?: string): Record<string, unknown> {
  const defaults = dbtConfigDefaults(resourceType);
  // One shallow copy of the shared defaults: their nested values are frozen and never changed.
  const out: Record<string, unknown> = { ...defaults };
  for (const key in config) {
    const value = (config as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (key === 'pre_hook' || key === 'post_hook') {
      const name = key.replace('_', '-');
      const hooks = value as string[];
      // An empty list is the default where dbt has hooks; tests have none to write.
      if (hooks.length > 0) out[name] = hooks.map((sql, index) => ({ sql, transaction: true, index }));
    } else if (value instanceof Date) out[key] = value.toISOString();
    else if (key === 'alias' && value === impliedAlias) continue;
    else if (key === 'severity' && value === 'error') out[key] = 'ERROR';
    else if (key === 'snapshot_meta_column_names') out[key] = dbtMetaColumnNames(value as Record<string, string>);
    else if (MERGED_CONFIG_KEYS.has(key) && typeof value === 'object' && value !== null)
      out[key] = { ...(defaults[key] as object), ...value };
    else out[key] = value;
  }
  return out;
}

/** dbt writes null for a snapshot meta column left with its own name. */
function dbtMetaColumnNames(names: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...SNAPSHOT_META_COLUMN_NAMES };
  for (const [column, name] of Object.entries(names)) out[column] = name === column ? null : name;
  return out;
}

/** What every node's config holds after loading, whatever its value: never dropped when read back. */
const ALWAYS_KEPT = new Set(['enabled', 'materialized', 'tags', 'meta', 'pre-hook', 'post-hook']);

/**
 * The inverse of {@link manifestConfig}: a node's config read back from its manifest entry. Keys
 * left at dbt's default are dropped, so the config is the one the node had when it was written.
 */
export function configFromManifest(config: Record<string, unknown>, resourceType = 'model'): NodeConfig {
  const defaults = dbtConfigDefaults(resourceType);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!ALWAYS_KEPT.has(key) && key in defaults && isDeepStrictEqual(value, defaults[key])) continue;
    if (key === 'pre-hook' || key === 'post-hook') out[key.replace('-', '_')] = (value as { sql: string }[]).map((h) => h.sql);
    else out[key] = value;
  }
  return out as unknown as NodeConfig;
}

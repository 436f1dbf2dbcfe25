import type { NodeConfig } from './node-config.js';

// A node's config in dbt's JSON form (the manifest's `config`): written by the manifest, compared
// by state selection and read back by re-compile, so it sits with the config on this floor.

/** Config as dbt writes it: hooks under `pre-hook`/`post-hook` as objects, dates as text. */
export function manifestConfig(config: NodeConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in config) {
    const value = (config as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (key === 'pre_hook' || key === 'post_hook') {
      out[key.replace('_', '-')] = (value as string[]).map((sql, index) => ({ sql, transaction: true, index }));
    } else out[key] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

/** The inverse of {@link manifestConfig}: a node's config read back from its manifest entry. */
export function configFromManifest(config: Record<string, unknown>): NodeConfig {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'pre-hook' || key === 'post-hook') out[key.replace('-', '_')] = (value as { sql: string }[]).map((h) => h.sql);
    else out[key] = value;
  }
  return out as unknown as NodeConfig;
}

import { z } from 'zod';
import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import type { ConfigKind } from './config-tree.js';
import { FILE_SOURCE_KEYS } from './file-source.js';
import { hasFreshness, mergeFreshness, readFreshness, type FreshnessThreshold } from './freshness.js';

/**
 * dbt's SourceConfig: what a source table can be configured with, from the project file's
 * `sources:` tree or a properties file's `config:` (`freshness` is checked by readFreshness).
 */
const sourceConfigShape = {
  enabled: z.boolean(),
  event_time: z.string().nullable(),
  freshness: z.unknown(),
  loaded_at_field: z.string().nullable(),
  loaded_at_query: z.string().nullable(),
  meta: z.record(z.string(), z.unknown()),
  tags: z.union([z.string(), z.array(z.string())]),
};

const sourceConfigSchema = z.strictObject(sourceConfigShape).partial();

/** Source config names. */
export const SOURCE_CONFIG_KEYS: ReadonlySet<string> = new Set(Object.keys(sourceConfigShape));

// The project file's `sources:` may also set a file source's keys (dbt-duckdb reads them as extra
// config): kept on the level as written, checked by core/project/file-source.ts.
const projectSourceConfigSchema = sourceConfigSchema.extend(Object.fromEntries(FILE_SOURCE_KEYS.map((k) => [k, z.unknown().optional()])));

/** One level's source configs: a folder or name in the project file, or a properties entry. */
export interface SourceConfigLevel {
  enabled?: boolean;
  event_time?: string | null;
  /** Null: switched off from here down. */
  freshness?: FreshnessThreshold | null;
  loaded_at_field?: string | null;
  loaded_at_query?: string | null;
  meta?: Record<string, unknown>;
  tags?: string | string[];
  /** The project file's: a file source's keys (`+external_location`, `+format` …), as written. */
  files?: Record<string, unknown>;
}

/** What a source table ends up with once every level is applied. */
export interface ResolvedSourceConfig {
  enabled: boolean;
  eventTime?: string;
  /** Absent when no threshold can fire. */
  freshness?: FreshnessThreshold;
  loadedAtField?: string;
  loadedAtQuery?: string;
  meta: Record<string, unknown>;
  tags: string[];
}

/**
 * The project file's `sources:` tree. Keys dbt accepts there that are no source config
 * (`+quoting`, `+database`, `+schema`, `+docs`...) do nothing in dbt; they are warned about.
 */
export const SOURCE_CONFIGS: ConfigKind = {
  schema: projectSourceConfigSchema,
  keys: new Set([...SOURCE_CONFIG_KEYS, ...FILE_SOURCE_KEYS]),
  ignored: (key, path) =>
    `'+${key}' under '${path.join('.')}' is not a source config (dbt's are ${[...SOURCE_CONFIG_KEYS].join(', ')}); it has no effect.`,
  finish: (config, locate, diagnostics): SourceConfigLevel => {
    const { freshness, ...rest } = config;
    const read = readFreshness(freshness, (p) => locate(['freshness', ...p]), diagnostics);
    const isFileKey = ([k]: [string, unknown]) => (FILE_SOURCE_KEYS as readonly string[]).includes(k);
    const files = Object.fromEntries(Object.entries(rest).filter(isFileKey));
    return {
      ...(Object.fromEntries(Object.entries(rest).filter((e) => !isFileKey(e))) as SourceConfigLevel),
      ...(read !== undefined ? { freshness: read } : {}),
      ...(Object.keys(files).length > 0 ? { files } : {}),
    };
  },
};

/** Checks a properties entry's `config:` (except freshness and loaded_at_*, read with the entry's own keys). */
export function readEntryConfig(
  config: Record<string, unknown>,
  locate: (path: readonly PropertyKey[]) => SourceLocation,
  diagnostics: Diagnostic[],
): Pick<SourceConfigLevel, 'enabled' | 'event_time' | 'meta' | 'tags'> {
  const picked = Object.fromEntries(
    (['enabled', 'event_time', 'meta', 'tags'] as const).filter((k) => config[k] !== undefined).map((k) => [k, config[k]]),
  );
  const checked = sourceConfigSchema.pick({ enabled: true, event_time: true, meta: true, tags: true }).safeParse(picked);
  if (checked.success) return checked.data;
  for (const issue of checked.error.issues) {
    const key = String(issue.path[0]);
    diagnostics.push(diagnostic('yaml-schema', `'config.${key}': ${issue.message}`, locate([key])));
  }
  return {};
}

/**
 * Applies source config levels from the least specific (the project file's top) to the most
 * specific (the table's `config:`), as dbt does: meta merges key by key, tags accumulate,
 * freshness merges per threshold, everything else is replaced. A level's loaded_at_field, even
 * null, drops a less specific loaded_at_query.
 */
export function resolveSourceConfig(levels: readonly SourceConfigLevel[]): ResolvedSourceConfig {
  let enabled = true;
  let eventTime: string | null | undefined;
  let field: string | null | undefined;
  let query: string | null | undefined;
  const meta: Record<string, unknown> = {};
  const tags: string[] = [];
  for (const level of levels) {
    if (level.enabled !== undefined) enabled = level.enabled;
    if (level.event_time !== undefined) eventTime = level.event_time;
    if (level.loaded_at_query !== undefined && level.loaded_at_query !== null) query = level.loaded_at_query;
    else if (level.loaded_at_field !== undefined) query = null;
    if (level.loaded_at_field !== undefined) field = level.loaded_at_field;
    Object.assign(meta, level.meta);
    if (level.tags !== undefined) tags.push(...(Array.isArray(level.tags) ? level.tags : [level.tags]));
  }
  const freshness = mergeFreshness(levels.map((l) => l.freshness));
  return {
    enabled,
    meta,
    tags: [...new Set(tags)],
    ...(eventTime ? { eventTime } : {}),
    ...(hasFreshness(freshness) ? { freshness } : {}),
    ...(field ? { loadedAtField: field } : {}),
    ...(query ? { loadedAtQuery: query } : {}),
  };
}

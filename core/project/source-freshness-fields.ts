import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { hasFreshness, mergeFreshness, readFreshness, type FreshnessThreshold } from './freshness.js';

type Locate = (path: readonly PropertyKey[]) => SourceLocation;

/** A source's or a table's own freshness settings, as written (top-level keys and `config:`). */
export interface FreshnessLevel {
  /** `freshness:` (undefined: not written; null: switched off). */
  freshness: FreshnessThreshold | null | undefined;
  /** `config: {freshness: ...}` (dbt 1.10 placement), applied after the top-level key. */
  configFreshness: FreshnessThreshold | null | undefined;
  /** `loaded_at_field` (or `config.loaded_at_field`); null when written as null. */
  loadedAtField: string | null | undefined;
  /** `loaded_at_query` (or `config.loaded_at_query`). */
  loadedAtQuery: string | null | undefined;
}

/** What a source table ends up with. */
export interface SourceFreshnessFields {
  freshness?: FreshnessThreshold;
  loadedAtField?: string;
  loadedAtQuery?: string;
}

interface Written {
  name: string;
  freshness?: unknown;
  loaded_at_field?: string | null | undefined;
  loaded_at_query?: string | null | undefined;
  config?: Record<string, unknown> | undefined;
}

/**
 * Reads one level (a source or one of its tables) at `entry` in the file. Writing both a
 * loaded_at_field and a loaded_at_query at one level is an error, as in dbt.
 */
export function readFreshnessLevel(
  written: Written,
  entry: readonly PropertyKey[],
  locate: Locate,
  diagnostics: Diagnostic[],
): FreshnessLevel {
  const config = written.config ?? {};
  const at = (path: readonly PropertyKey[]) => locate([...entry, ...path]);
  const field = 'loaded_at_field' in config ? textOrNull(config.loaded_at_field, ['config', 'loaded_at_field']) : written.loaded_at_field;
  const query = 'loaded_at_query' in config ? textOrNull(config.loaded_at_query, ['config', 'loaded_at_query']) : written.loaded_at_query;
  if (field !== undefined && field !== null && query !== undefined && query !== null)
    diagnostics.push(
      diagnostic(
        'invalid-freshness',
        `Cannot specify both loaded_at_field and loaded_at_query on ${entry.length > 2 ? 'table' : 'source'} '${written.name}': keep one.`,
        at(['loaded_at_query']),
      ),
    );
  return {
    freshness: readFreshness(written.freshness, (p) => at(['freshness', ...p]), diagnostics),
    configFreshness: readFreshness(config.freshness, (p) => at(['config', 'freshness', ...p]), diagnostics),
    loadedAtField: field,
    loadedAtQuery: query,
  };

  function textOrNull(value: unknown, path: readonly PropertyKey[]): string | null | undefined {
    if (value === null || typeof value === 'string') return value;
    diagnostics.push(diagnostic('invalid-freshness', `'${String(path.at(-1))}' must be a string.`, at(path)));
    return undefined;
  }
}

/**
 * A table's freshness from the project's `sources: {+freshness}`, its source and itself (dbt's
 * precedence). A table's loaded_at_field, even null, replaces the source's loaded_at_query.
 */
export function resolveSourceFreshness(
  project: FreshnessThreshold | null | undefined,
  source: FreshnessLevel,
  table: FreshnessLevel,
): SourceFreshnessFields {
  const freshness = mergeFreshness([project, source.freshness, source.configFreshness, table.freshness, table.configFreshness]);
  const loadedAtField = table.loadedAtField !== undefined ? table.loadedAtField : source.loadedAtField;
  const loadedAtQuery =
    table.loadedAtQuery !== undefined && table.loadedAtQuery !== null
      ? table.loadedAtQuery
      : table.loadedAtField !== undefined
        ? null
        : source.loadedAtQuery;
  return {
    ...(hasFreshness(freshness) ? { freshness } : {}),
    ...(loadedAtField ? { loadedAtField } : {}),
    ...(loadedAtQuery ? { loadedAtQuery } : {}),
  };
}

/** The project file's `sources: {+freshness: ...}` (only the top level, as dbt reads it). */
export function projectSourceFreshness(
  yaml: { value: unknown; locate: Locate },
  diagnostics: Diagnostic[],
): FreshnessThreshold | null | undefined {
  const sources = (yaml.value as { sources?: unknown } | null)?.sources;
  if (!sources || typeof sources !== 'object' || !('+freshness' in sources)) return undefined;
  return readFreshness(
    (sources as Record<string, unknown>)['+freshness'],
    (p) => yaml.locate(['sources', '+freshness', ...p]),
    diagnostics,
  );
}

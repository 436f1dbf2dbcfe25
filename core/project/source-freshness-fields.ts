import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { readFreshness } from './freshness.js';
import { readEntryConfig, type SourceConfigLevel } from './source-config.js';

type Locate = (path: readonly PropertyKey[]) => SourceLocation;

interface Written {
  name: string;
  freshness?: unknown;
  loaded_at_field?: string | null | undefined;
  loaded_at_query?: string | null | undefined;
  meta?: Record<string, unknown> | undefined;
  tags?: string | string[] | undefined;
  config?: Record<string, unknown> | undefined;
}

/**
 * A source's or a table's own configs at `entry` in the file, as two levels: its top-level keys,
 * then its `config:` (dbt 1.10's placement), which wins. Writing both a loaded_at_field and a
 * loaded_at_query at one level is an error, as in dbt.
 */
export function readSourceEntryLevels(
  written: Written,
  entry: readonly PropertyKey[],
  locate: Locate,
  diagnostics: Diagnostic[],
): [SourceConfigLevel, SourceConfigLevel] {
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
  const freshness = readFreshness(written.freshness, (p) => at(['freshness', ...p]), diagnostics);
  const configFreshness = readFreshness(config.freshness, (p) => at(['config', 'freshness', ...p]), diagnostics);
  const own: SourceConfigLevel = {
    ...(written.meta ? { meta: written.meta } : {}),
    ...(written.tags !== undefined ? { tags: written.tags } : {}),
    ...(freshness !== undefined ? { freshness } : {}),
  };
  const configured: SourceConfigLevel = {
    ...readEntryConfig(config, (p) => at(['config', ...p]), diagnostics),
    ...(configFreshness !== undefined ? { freshness: configFreshness } : {}),
    ...(field !== undefined ? { loaded_at_field: field } : {}),
    ...(query !== undefined ? { loaded_at_query: query } : {}),
  };
  return [own, configured];

  function textOrNull(value: unknown, path: readonly PropertyKey[]): string | null | undefined {
    if (value === null || typeof value === 'string') return value;
    diagnostics.push(diagnostic('invalid-freshness', `'${String(path.at(-1))}' must be a string.`, at(path)));
    return undefined;
  }
}

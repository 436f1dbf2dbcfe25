import type { SqlDialect } from '../adapter/dialect.js';
import { fileMetadataCall } from '../project/file-reader.js';
import type { SourceDefinition } from '../project/types.js';

/**
 * The query that measures a source table's freshness: the newest load time and the database's
 * current time, each as whole microseconds since the Unix epoch (`max_loaded_at_us`,
 * `snapshotted_at_us`; the first null for an empty table).
 *
 * dbt's collect_freshness selects `max(loaded_at_field)` and the current timestamp and converts
 * them to UTC in Python, reading a value without a zone as UTC already. Converting in SQL does
 * the same with no driver in between: `extract(epoch from …)` gives a timestamptz's true instant
 * and a plain timestamp's (or date's) wall-clock time read as UTC, on DuckDB and Postgres alike,
 * whatever the session's time zone.
 *
 * `loadedAtQuery`, when given (already rendered), replaces `max(loaded_at_field)` and the filter,
 * as dbt's collect_freshness_custom_sql: its single value is the load time.
 *
 * A file source (DuckDB) without either is as fresh as its newest file: the newest modification
 * time among the files its locations match, listed by `read_blob` without reading them (none
 * matched: null, as an empty table). Its loaded_at_field, when set, is read through the reader call.
 */
export function freshnessQuery(dialect: SqlDialect, source: SourceDefinition, loadedAtQuery?: string): string {
  const byFileTime = !loadedAtQuery && !source.loadedAtField && source.fileLocations !== undefined;
  const locations = source.fileLocations ?? [];
  const measured = loadedAtQuery
    ? `select (select * from (\n${loadedAtQuery.trim().replace(/;\s*$/, '')}\n) as loaded_at_query) as max_loaded_at, current_timestamp as snapshotted_at`
    : byFileTime
      ? [
          'select max(last_modified) as max_loaded_at, current_timestamp as snapshotted_at',
          `from ${fileMetadataCall(locations.length === 1 ? (locations[0] as string) : locations)}`,
        ].join('\n')
      : [
          `select max(${source.loadedAtField ?? ''}) as max_loaded_at, current_timestamp as snapshotted_at`,
          `from ${source.relation.readAs ?? dialect.qualify(source.relation)}`,
          ...(source.freshness?.filter ? [`where ${source.freshness.filter}`] : []),
        ].join('\n');
  return [
    'select',
    '  cast(extract(epoch from max_loaded_at) * 1000000 as bigint) as max_loaded_at_us,',
    '  cast(extract(epoch from snapshotted_at) * 1000000 as bigint) as snapshotted_at_us',
    'from (',
    measured,
    ') as freshness',
  ].join('\n');
}

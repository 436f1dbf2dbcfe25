import type { Adapter, ConnectionPool } from '../adapter/adapter.js';
import type { Connection } from '../adapter/connection.js';
import { EMPTY_TABLE_LOADED_AT_US, type FreshnessResult } from '../artifacts/sources-artifact.js';
import { freshnessQuery } from '../plan/freshness-query.js';
import { freshnessStatus } from '../project/freshness.js';
import type { Project, SourceDefinition } from '../project/types.js';
import type { TemplateEngine } from '../template/engine.js';
import { relationValue } from '../template/relation-value.js';
import { TemplateCallError } from '../template/call-args.js';

/** What the freshness check reports as it goes. */
export type FreshnessEvent =
  | { type: 'start'; index: number; total: number; source: SourceDefinition }
  | { type: 'done'; index: number; total: number; source: SourceDefinition; result: FreshnessResult };

/** What to check and how. */
export interface FreshnessRunOptions {
  project: Project;
  adapter: Adapter;
  engine: TemplateEngine;
  /** Source ids to check, in order; each should have freshness criteria. */
  sources: readonly string[];
  /** Checks at once (one session each where the database allows several). */
  threads: number;
  signal?: AbortSignal;
  onEvent?: (event: FreshnessEvent) => void;
}

/**
 * `strata source freshness`: for each source table, the newest load time against the database's
 * clock, judged by its warn_after/error_after. A failing query is that table's runtime error; the
 * others still run. Throws only when the database cannot be reached.
 */
export async function checkSourceFreshness(options: FreshnessRunOptions): Promise<{ results: FreshnessResult[]; elapsed: number }> {
  const started = performance.now();
  const { project, adapter } = options;
  const sources = options.sources.map((id) => project.sources.get(id)).filter((s) => s !== undefined);
  const results: FreshnessResult[] = new Array<FreshnessResult>(sources.length);
  if (sources.length === 0) return { results: [], elapsed: 0 };
  const threads = adapter.capabilities.concurrentConnections ? Math.max(1, options.threads) : 1;
  const pool: ConnectionPool = await adapter.connect(project.target.config, { size: threads });
  const cancel = () => void pool.cancelAll();
  options.signal?.addEventListener('abort', cancel, { once: true });
  let next = 0;
  const worker = async (thread: number) => {
    while (next < sources.length && !options.signal?.aborted) {
      const index = next++;
      const source = sources[index] as SourceDefinition;
      options.onEvent?.({ type: 'start', index: index + 1, total: sources.length, source });
      const result = await pool.withConnection((connection) => checkOne(options, connection, source, `Thread-${thread}`));
      results[index] = result;
      options.onEvent?.({ type: 'done', index: index + 1, total: sources.length, source, result });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(threads, sources.length) }, (_, i) => worker(i + 1)));
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    await pool.close();
  }
  return { results: results.filter((r) => r !== undefined), elapsed: (performance.now() - started) / 1000 };
}

async function checkOne(
  options: FreshnessRunOptions,
  connection: Connection,
  source: SourceDefinition,
  threadId: string,
): Promise<FreshnessResult> {
  const startedAt = new Date();
  const clock = performance.now();
  const failed = (message: string): FreshnessResult => ({
    uniqueId: source.uniqueId,
    status: 'runtime error',
    message,
    threadId,
    executionTime: (performance.now() - clock) / 1000,
  });
  if (!source.freshness) return failed(`Source ${source.sourceName}.${source.name} has no freshness criteria (warn_after or error_after).`);
  if (!source.loadedAtField && !source.loadedAtQuery && source.relation.readAs !== undefined && !source.fileLocations)
    return failed(
      `Could not compute freshness for source ${source.sourceName}.${source.name}: its external_location is a reader call whose files Strata cannot tell; add a 'loaded_at_field'.`,
    );
  // A file source without either is measured by its files' modification times (freshness-query.ts).
  if (!source.loadedAtField && !source.loadedAtQuery && !source.fileLocations)
    return failed(
      `Could not compute freshness for source ${source.sourceName}.${source.name}: no 'loaded_at_field' or 'loaded_at_query' provided, and the ${options.adapter.name} adapter does not support metadata-based freshness checks.`,
    );
  try {
    const rendered = source.loadedAtQuery ? renderLoadedAtQuery(options, source, source.loadedAtQuery) : undefined;
    const { rows } = await connection.execute(freshnessQuery(options.adapter.dialect, source, rendered), {
      single: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const row = rows[0] ?? {};
    const snapshotted = microseconds(row.snapshotted_at_us);
    if (snapshotted === null) return failed(`The freshness query of ${source.sourceName}.${source.name} returned no current time.`);
    const loaded = microseconds(row.max_loaded_at_us);
    // An empty table was loaded "infinitely long ago" (dbt: 0001-01-01).
    const ageSeconds = loaded === null ? (snapshotted - EMPTY_TABLE_LOADED_AT_US) / 1e6 : (snapshotted - loaded) / 1e6;
    return {
      uniqueId: source.uniqueId,
      status: freshnessStatus(source.freshness, ageSeconds),
      maxLoadedAtUs: loaded,
      snapshottedAtUs: snapshotted,
      ageSeconds,
      criteria: source.freshness,
      threadId,
      startedAt: startedAt.toISOString(),
      completedAt: new Date().toISOString(),
      executionTime: (performance.now() - clock) / 1000,
    };
  } catch (err) {
    return failed(err instanceof Error ? err.message : String(err));
  }
}

/** A bigint column as a number (Postgres' driver hands int8 over as text). */
function microseconds(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** `loaded_at_query` may use Jinja: `this` is the source table, `source()` any declared source. */
function renderLoadedAtQuery(options: FreshnessRunOptions, source: SourceDefinition, text: string): string {
  if (!text.includes('{{') && !text.includes('{%')) return text;
  const { project, adapter } = options;
  const sourceFn = (name: unknown, table: unknown) => {
    const found = [...project.sources.values()].find((s) => s.sourceName === String(name) && s.name === String(table));
    if (!found)
      throw new TemplateCallError('unknown-source', `source('${String(name)}', '${String(table)}') is not declared under 'sources:'.`);
    return relationValue(found.relation, adapter.dialect);
  };
  const { output, diagnostic } = options.engine.renderString(text, source.originalFilePath, {
    this: relationValue(source.relation, adapter.dialect),
    source: sourceFn,
  });
  if (diagnostic) throw new Error(`loaded_at_query of ${source.sourceName}.${source.name}: ${diagnostic.message}`);
  return output ?? '';
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { criteriaJson, type FreshnessStatus, type FreshnessThreshold } from '../project/freshness.js';
import { artifactMetadata, type InvocationInfo } from './run-results.js';

/** The dbt artifact version Strata's sources.json follows. */
export const SOURCES_SCHEMA = 'https://schemas.getdbt.com/dbt/sources/v3.json';

/** One source table's freshness check. */
export type FreshnessResult = MeasuredFreshness | FreshnessRuntimeError;

/** A check that ran: the table's age and the verdict. */
export interface MeasuredFreshness {
  uniqueId: string;
  status: FreshnessStatus;
  /** Newest load time, microseconds since the epoch (UTC); null for an empty table. */
  maxLoadedAtUs: number | null;
  /** The database's current time, microseconds since the epoch. */
  snapshottedAtUs: number;
  /** Seconds between the two. */
  ageSeconds: number;
  criteria: FreshnessThreshold;
  threadId: string;
  startedAt: string;
  completedAt: string;
  executionTime: number;
}

/** A check that could not run (the query failed, no loaded_at_field). */
export interface FreshnessRuntimeError {
  uniqueId: string;
  status: 'runtime error';
  message: string;
  threadId: string;
  executionTime: number;
}

/** dbt's stand-in for an empty table's load time: 0001-01-01, "infinitely long ago". */
export const EMPTY_TABLE_LOADED_AT_US = new Date('0001-01-01T00:00:00Z').getTime() * 1000;

/** An instant as Python's `datetime.isoformat()` writes an aware UTC one: microseconds only when non-zero. */
export function isoUtc(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const base = new Date(ms).toISOString().slice(0, 19);
  const fraction = ((micros % 1_000_000) + 1_000_000) % 1_000_000;
  return `${base}${fraction ? `.${String(fraction).padStart(6, '0')}` : ''}+00:00`;
}

/** sources.json in dbt's v3 shape. */
export function sourcesArtifact(results: readonly FreshnessResult[], elapsed: number, invocation: InvocationInfo): Record<string, unknown> {
  const metadata = artifactMetadata(SOURCES_SCHEMA, invocation);
  return {
    metadata,
    results: results.map((r) =>
      r.status === 'runtime error'
        ? { unique_id: r.uniqueId, error: r.message, status: 'runtime error' }
        : {
            unique_id: r.uniqueId,
            max_loaded_at: isoUtc(r.maxLoadedAtUs ?? EMPTY_TABLE_LOADED_AT_US),
            snapshotted_at: isoUtc(r.snapshottedAtUs),
            max_loaded_at_time_ago_in_s: r.ageSeconds,
            status: r.status,
            criteria: criteriaJson(r.criteria),
            adapter_response: { _message: 'SELECT 1', code: 'SELECT', rows_affected: 1 },
            timing: [
              { name: 'compile', started_at: r.startedAt, completed_at: r.startedAt },
              { name: 'execute', started_at: r.startedAt, completed_at: r.completedAt },
            ],
            thread_id: r.threadId,
            execution_time: r.executionTime,
          },
    ),
    elapsed_time: elapsed,
  };
}

/** Writes the artifact to `file` (target/sources.json unless `--output` says). */
export function writeSourcesArtifact(file: string, artifact: Record<string, unknown>): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(artifact, null, 2)}\n`);
}

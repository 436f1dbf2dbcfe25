import { startInvocation } from '../template/invocation.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlDialect } from '../adapter/dialect.js';
import type { Project } from '../project/types.js';
import type { NodeResult, RunSummary } from './node-result.js';

/** The dbt artifact version Strata's run_results.json follows. */
export const RUN_RESULTS_SCHEMA = 'https://schemas.getdbt.com/dbt/run-results/v6.json';

/** Version reported in artifacts' `dbt_version`, so tools that check it accept the file. */
export const ARTIFACT_DBT_VERSION = '1.9.0';

/** What the invocation was, for the artifact's metadata and `args`. */
export interface InvocationInfo {
  /** Unique id of this invocation. */
  invocationId: string;
  /** When it started. */
  startedAt: Date;
  /** The command and its options, as dbt records them. */
  args: Record<string, unknown>;
}

/** A fresh invocation record, also what templates rendered from now on see as `invocation_id`. */
export function newInvocation(args: Record<string, unknown>): InvocationInfo {
  return startInvocation(args);
}

/** The metadata block every dbt artifact starts with. */
export function artifactMetadata(
  schemaVersion: string,
  invocation: InvocationInfo,
  env: Record<string, string> = {},
): Record<string, unknown> {
  return {
    dbt_schema_version: schemaVersion,
    dbt_version: ARTIFACT_DBT_VERSION,
    generated_at: new Date().toISOString(),
    invocation_id: invocation.invocationId,
    invocation_started_at: invocation.startedAt.toISOString(),
    env,
  };
}

/** run_results.json in dbt's v6 shape. */
export function runResultsArtifact(
  project: Project,
  summary: RunSummary,
  invocation: InvocationInfo,
  dialect: SqlDialect,
): Record<string, unknown> {
  return {
    metadata: artifactMetadata(RUN_RESULTS_SCHEMA, invocation),
    results: summary.results.map((r) => resultEntry(project, r, dialect, invocation.args.which === 'compile')),
    elapsed_time: summary.elapsed,
    args: invocation.args,
  };
}

function resultEntry(project: Project, result: NodeResult, dialect: SqlDialect, compiledOnly: boolean): Record<string, unknown> {
  const node = project.nodes.get(result.uniqueId);
  const ran = result.status !== 'skipped';
  const isTest = node?.resourceType === 'test' || node?.resourceType === 'unit_test';
  return {
    // dbt reports a test that could not run as 'error' and a passing one as 'pass' (a compiled one as 'success').
    status: isTest && result.status === 'success' && !compiledOnly ? 'pass' : result.status,
    timing: ran ? timingEntries(result) : [],
    thread_id: result.threadId,
    execution_time: result.executionTime,
    adapter_response: result.adapterResponse
      ? { _message: result.adapterResponse.message, code: result.adapterResponse.code, rows_affected: result.adapterResponse.rowsAffected }
      : {},
    message: result.message,
    failures: result.failures ?? (node?.resourceType === 'test' || node?.resourceType === 'unit_test' ? 0 : null),
    unique_id: result.uniqueId,
    compiled: result.compiledSql !== undefined,
    compiled_code: result.compiledSql ?? null,
    relation_name:
      node && node.config.materialized !== 'ephemeral' && (!isTest || result.storedFailures) ? dialect.qualify(node.relation) : null,
    batch_results: result.batchResults ?? null,
  };
}

/** dbt's `compile` then `execute` steps; executing starts when compiling ends. */
function timingEntries(result: NodeResult): Record<string, string>[] {
  const compile = result.compileTiming;
  return [
    ...(compile ? [{ name: 'compile', started_at: compile.startedAt, completed_at: compile.completedAt }] : []),
    { name: 'execute', started_at: compile?.completedAt ?? result.startedAt, completed_at: result.completedAt },
  ];
}

/** Writes target/run_results.json. */
export function writeRunResults(project: Project, artifact: Record<string, unknown>): string {
  mkdirSync(project.targetPath, { recursive: true });
  const file = join(project.targetPath, 'run_results.json');
  writeFileSync(file, `${JSON.stringify(artifact, null, 2)}\n`);
  return file;
}

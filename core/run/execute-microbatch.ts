import type { Connection } from '../adapter/connection.js';
import type { ExistingRelation } from '../adapter/relation.js';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import { planBatches, timestampLiteral, type Batch, type BatchSize } from '../plan/batches.js';
import { shouldFullRefresh } from '../plan/full-refresh.js';
import type { ProjectNode } from '../project/types.js';
import { statementsLog, writeNodeArtifact } from '../artifacts/artifact-paths.js';
import { hooksAround, runPlan, type NodeContext } from './run-plan.js';
import type { NodeResult } from '../artifacts/node-result.js';

type Outcome = Omit<NodeResult, 'uniqueId' | 'executionTime' | 'startedAt' | 'completedAt' | 'threadId'>;

/**
 * A microbatch model: one compile and one transaction per batch, so a failed batch rolls back alone
 * and the others stay written. A failed batch is retried once on its own before it counts as failed.
 */
export async function executeMicrobatch(
  ctx: NodeContext,
  node: ProjectNode,
  connection: Connection,
  existing: ExistingRelation | undefined,
): Promise<Outcome> {
  const c = node.config;
  const at = { file: node.originalFilePath, line: 1, column: 1 };
  const missing = [!c.event_time && 'event_time', !c.begin && 'begin', !c.batch_size && 'batch_size'].filter(Boolean);
  if (missing.length > 0)
    throw new StrataUserError([
      diagnostic('invalid-config', `${node.name}: incremental_strategy 'microbatch' needs ${missing.map((m) => `'${m}'`).join(', ')}.`, at),
    ]);
  const fullRefresh = shouldFullRefresh(c, ctx.fullRefresh);
  let current = existing?.kind === 'table' && !fullRefresh ? existing : undefined;
  const batches = planBatches({
    batchSize: c.batch_size as BatchSize,
    begin: new Date(c.begin instanceof Date ? c.begin : `${String(c.begin)}${String(c.begin).length <= 10 ? 'T00:00:00Z' : ''}`),
    lookback: c.lookback ?? 1,
    now: ctx.now,
    incremental: current !== undefined,
    ...(ctx.eventTimeStart ? { start: ctx.eventTimeStart } : {}),
    ...(ctx.eventTimeEnd ? { end: ctx.eventTimeEnd } : {}),
  });
  const successful: [string, string][] = [];
  const failed: [string, string][] = [];
  const errors: string[] = [];
  const sqlLog: string[] = [];
  let replaceFirst = fullRefresh && existing !== undefined;
  for (const batch of batches) {
    const label: [string, string] = [batch.start.toISOString(), batch.end.toISOString()];
    let lastError: unknown;
    for (let attempt = 0; attempt < 2 && !ctx.signal.aborted; attempt++) {
      try {
        await runBatch(ctx, node, connection, batch, current, replaceFirst ? existing : undefined, sqlLog);
        lastError = undefined;
        break;
      } catch (err) {
        if (err instanceof StrataUserError) throw err;
        lastError = err;
      }
    }
    if (lastError === undefined && !ctx.signal.aborted) {
      successful.push(label);
      // After the first written batch the table exists; later batches add to it.
      current = { ...node.relation, kind: 'table' };
      replaceFirst = false;
    } else {
      failed.push(label);
      errors.push(
        `batch ${timestampLiteral(batch.start)}: ${ctx.signal.aborted ? 'cancelled' : lastError instanceof Error ? lastError.message : String(lastError)}`,
      );
    }
  }
  const compiledPath = writeNodeArtifact(ctx.project, node, 'run', sqlLog.join('\n\n'));
  if (current) await ctx.relations.record(connection, { ...node.relation, kind: 'table' });
  const batchResults = { successful, failed };
  const summary = `${successful.length} of ${batches.length} batch${batches.length === 1 ? '' : 'es'}`;
  if (failed.length > 0)
    return {
      status: 'error',
      message: `Microbatch ${node.uniqueId}: ${failed.length} of ${batches.length} batches failed (each retried once): ${errors.join('; ')}`,
      batchResults,
      compiledPath,
    };
  return {
    status: 'success',
    message: `built ${summary} of ${node.relation.schema}.${node.relation.identifier}`,
    action: `built ${summary}`,
    relation: node.relation,
    batchResults,
    compiledPath,
  };
}

async function runBatch(
  ctx: NodeContext,
  node: ProjectNode,
  connection: Connection,
  batch: Batch,
  current: ExistingRelation | undefined,
  replacing: ExistingRelation | undefined,
  sqlLog: string[],
): Promise<void> {
  const context = { isIncremental: current !== undefined, batch };
  const compiledSql = (await ctx.compiler.compileWithDatabase(node.uniqueId, context, (fn) => fn(connection))).compiledSql;
  writeNodeArtifact(ctx.project, node, 'compiled', compiledSql);
  // The first batch of a full refresh swaps out the old table; other first batches create it.
  const existing = current ?? replacing;
  const { statements } = await runPlan(
    connection,
    {
      node,
      compiledSql,
      existing,
      batch,
      fullRefresh: current === undefined,
      dialect: ctx.adapter.dialect,
      capabilities: ctx.adapter.capabilities,
    },
    ctx.signal,
    await hooksAround(ctx, node, context, connection),
  );
  sqlLog.push(`-- batch ${timestampLiteral(batch.start)} .. ${timestampLiteral(batch.end)}`, statementsLog(statements));
}

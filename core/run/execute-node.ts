import type { Connection } from '../adapter/connection.js';
import type { ExistingRelation } from '../adapter/relation.js';
import { statementsLog, writeNodeArtifact } from '../artifacts/artifact-paths.js';
import type { NodeResult } from '../artifacts/node-result.js';
import type { Compiler } from '../compile/compiler.js';
import { StrataUserError } from '../diagnostics/diagnostic.js';
import { checkContract } from '../plan/contract.js';
import { externalFilesOf, externalRunsIncrementally } from '../plan/external.js';
import { incrementalStrategy, runsIncrementally } from '../plan/incremental.js';
import type { PlanInput } from '../plan/plan-input.js';
import { hasEnforcedContract } from '../project/contract-declaration.js';
import type { ConstraintDef, ProjectNode } from '../project/types.js';
import { executeMicrobatch } from './execute-microbatch.js';
import { externalFilesExist as filesExist } from './file-swap.js';
import { executeTest } from './execute-test.js';
import { executeUnitTest } from './execute-unit-test.js';
import { CheckFailure, hooksAround, runPlan, type NodeContext } from './run-plan.js';
import { mainResponse, recordResponses, timed } from './statement-responses.js';

/** Compiles, plans and runs one node on a connection. Never throws for user or database errors. */
export async function executeNode(ctx: NodeContext, target: ProjectNode, session: Connection, threadId: string): Promise<NodeResult> {
  let node = target;
  const started = new Date();
  // What the database says about each statement, for run_results' adapter_response; what a
  // template asked while compiling (run_query) is not the node's work, so that is left out.
  const { connection, responses } = recordResponses(session);
  let compileTiming: NodeResult['compileTiming'];
  let compiledResponses = 0;
  const finish = (fields: Omit<NodeResult, 'uniqueId' | 'executionTime' | 'startedAt' | 'completedAt' | 'threadId'>): NodeResult => {
    const completed = new Date();
    const adapterResponse = mainResponse(responses.slice(compiledResponses));
    return {
      uniqueId: node.uniqueId,
      executionTime: (completed.getTime() - started.getTime()) / 1000,
      startedAt: started.toISOString(),
      completedAt: completed.toISOString(),
      threadId,
      ...(compileTiming ? { compileTiming } : {}),
      ...(adapterResponse ? { adapterResponse } : {}),
      ...fields,
    };
  };
  let compiledPath: string | undefined;
  let compiledSql: string | undefined;
  const compiledFields = () => (compiledPath ? { compiledPath, compiledSql } : {});
  try {
    if (node.resourceType === 'test') return finish(await executeTest(ctx, node, connection));
    if (node.resourceType === 'unit_test') return finish(await executeUnitTest(ctx, node, connection));
    const existing = await ctx.relations.lookup(connection, node.relation);
    if (node.config.materialized === 'incremental' && incrementalStrategy(node) === 'microbatch') {
      return finish(await executeMicrobatch(ctx, node, connection, existing));
    }
    const roots = { projectRoot: ctx.project.root, externalRoot: ctx.project.target.info.external_root };
    const externalFilesExist = node.config.materialized === 'external' ? filesExist(externalFilesOf(node, roots)) : undefined;
    const isIncremental =
      (node.config.materialized === 'incremental' && runsIncrementally(node, existing, ctx.fullRefresh)) ||
      externalRunsIncrementally(node, existing, ctx.fullRefresh, externalFilesExist);
    if (node.resourceType !== 'seed') {
      const compile = await timed(() => ctx.compiler.compileWithDatabase(node.uniqueId, { isIncremental }, (fn) => fn(connection)));
      compiledSql = compile.value.compiledSql;
      compileTiming = compile.timing;
      compiledResponses = responses.length;
      compiledPath = writeNodeArtifact(ctx.project, node, 'compiled', compiledSql);
    }
    if (hasEnforcedContract(node) && compiledSql !== undefined) {
      checkContract(node, await connection.describeQuery(compiledSql));
      node = withResolvedForeignKeys(node, ctx.compiler);
    }
    const dependents = existing ? await connection.dependentViews(node.relation) : [];
    const foreignKeys =
      existing?.kind === 'table' && ctx.adapter.capabilities.foreignKeys ? await connection.dependentForeignKeys(node.relation) : [];
    const input: PlanInput = {
      node,
      compiledSql: compiledSql ?? '',
      existing,
      dependents,
      foreignKeys,
      fullRefresh: ctx.fullRefresh,
      buildId: ctx.buildId,
      dialect: ctx.adapter.dialect,
      capabilities: ctx.adapter.capabilities,
      ...roots,
      externalFilesExist,
    };
    const { plan, statements } = await runPlan(connection, input, ctx.signal, await hooksAround(ctx, node, { isIncremental }, connection));
    writeNodeArtifact(ctx.project, node, 'run', statementsLog(statements));
    if (plan.relation && plan.kind)
      await ctx.relations.record(connection, { ...plan.relation, kind: plan.kind } satisfies ExistingRelation);
    const relationText = plan.relation ? `${plan.relation.schema}.${plan.relation.identifier}` : '';
    return finish({
      status: 'success',
      message: `${plan.action} ${relationText}`.trim(),
      action: plan.action,
      ...(plan.relation ? { relation: plan.relation } : {}),
      ...compiledFields(),
    });
  } catch (err) {
    if (err instanceof StrataUserError)
      return finish({ status: 'error', message: err.message, diagnostics: [...err.diagnostics], ...compiledFields() });
    if (!(err instanceof Error)) throw err;
    if (err instanceof CheckFailure) return finish({ status: 'error', message: err.message, ...compiledFields() });
    const where = compiledPath ? ` (compiled SQL: ${compiledPath})` : '';
    const reason = ctx.signal.aborted ? 'cancelled' : err.message.trim();
    return finish({ status: 'error', message: `Database error in ${node.uniqueId}${where}: ${reason}`, ...compiledFields() });
  }
}

/** A contract's foreign keys name their target as `ref('x')`/`source('a', 'b')`; render them to relations. */
function withResolvedForeignKeys(node: ProjectNode, compiler: Compiler): ProjectNode {
  const resolve = (c: ConstraintDef): ConstraintDef =>
    c.type === 'foreign_key' && c.to && /^\s*(ref|source)\s*\(/.test(c.to)
      ? { ...c, to: compiler.renderExpression(node.uniqueId, c.to) }
      : c;
  const columns = Object.fromEntries(
    Object.entries(node.columns).map(([name, column]) => [name, { ...column, constraints: column.constraints.map(resolve) }]),
  );
  return { ...node, columns, ...(node.constraints ? { constraints: node.constraints.map(resolve) } : {}) };
}

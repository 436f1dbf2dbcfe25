import type { Adapter } from '../adapter/adapter.js';
import type { Connection } from '../adapter/connection.js';
import type { Compiler } from '../compile/compiler.js';
import { StrataUserError } from '../diagnostics/diagnostic.js';
import { planNode } from '../plan/materializations.js';
import type { Plan } from '../plan/plan.js';
import type { Project, ProjectNode } from '../project/types.js';
import { writeNodeArtifact } from './artifact-paths.js';
import type { RelationCache } from './relation-cache.js';
import type { NodeResult } from './results.js';

/** What executing one node needs. */
export interface NodeContext {
  project: Project;
  adapter: Adapter;
  compiler: Compiler;
  relations: RelationCache;
  signal: AbortSignal;
}

/** Compiles, plans and runs one node on a connection. Never throws for user or database errors. */
export async function executeNode(ctx: NodeContext, node: ProjectNode, connection: Connection, threadId: string): Promise<NodeResult> {
  const started = new Date();
  const finish = (fields: Omit<NodeResult, 'uniqueId' | 'executionTime' | 'startedAt' | 'completedAt' | 'threadId'>): NodeResult => {
    const completed = new Date();
    return { uniqueId: node.uniqueId, executionTime: (completed.getTime() - started.getTime()) / 1000, startedAt: started.toISOString(), completedAt: completed.toISOString(), threadId, ...fields };
  };
  let compiledPath: string | undefined;
  let compiledSql: string | undefined;
  try {
    compiledSql = node.resourceType === 'seed' ? '' : ctx.compiler.compile(node.uniqueId).compiledSql;
    if (node.resourceType !== 'seed') compiledPath = writeNodeArtifact(ctx.project, node, 'compiled', compiledSql);
    const existing = await ctx.relations.lookup(connection, node.relation);
    const dependents = existing ? await connection.dependentViews(node.relation) : [];
    const plan = planNode({ node, compiledSql, existing, dependents, dialect: ctx.adapter.dialect, capabilities: ctx.adapter.capabilities });
    writeNodeArtifact(ctx.project, node, 'run', plan.statements.map((s) => `-- ${s.purpose}\n${s.sql};`).join('\n\n'));
    await runPlan(connection, plan, ctx.signal);
    if (plan.relation && plan.kind) await ctx.relations.record(connection, { ...plan.relation, kind: plan.kind });
    return finish({ status: 'success', message: plan.action, action: plan.action, ...(plan.relation ? { relation: plan.relation } : {}), ...(compiledPath ? { compiledPath, compiledSql } : {}) });
  } catch (err) {
    if (err instanceof StrataUserError) {
      return finish({ status: 'error', message: err.message, diagnostics: [...err.diagnostics] });
    }
    if (!(err instanceof Error)) throw err;
    const where = compiledPath ? ` (compiled SQL: ${compiledPath})` : '';
    const reason = ctx.signal.aborted ? 'cancelled' : err.message.trim();
    return finish({ status: 'error', message: `Database error in ${node.uniqueId}${where}: ${reason}`, ...(compiledPath ? { compiledPath, compiledSql } : {}) });
  }
}

async function runPlan(connection: Connection, plan: Plan, signal: AbortSignal): Promise<void> {
  const runAll = async (c: Connection) => {
    for (const statement of plan.statements) {
      try {
        if (statement.load) await c.loadCsv(statement.load.relation, statement.load.file, statement.load.columns, { signal });
        else await c.execute(statement.sql, { signal });
      } catch (err) {
        // Say which step failed: "re-point dependent view ..." explains far more than the bare error.
        if (err instanceof Error) err.message = `${err.message.trim()} (while trying to ${statement.purpose})`;
        throw err;
      }
    }
  };
  if (plan.statements.length === 0) return;
  if (plan.transactional) await connection.transaction(runAll);
  else await runAll(connection);
}

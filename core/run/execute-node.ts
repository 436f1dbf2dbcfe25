import type { Adapter } from '../adapter/adapter.js';
import type { Connection } from '../adapter/connection.js';
import { relationKey, type ColumnInfo, type ExistingRelation } from '../adapter/relation.js';
import type { Compiler, NodeCompileContext } from '../compile/compiler.js';
import { StrataUserError } from '../diagnostics/diagnostic.js';
import { incrementalStrategy, runsIncrementally } from '../plan/incremental.js';
import { checkContract, hasEnforcedContract } from '../plan/contract.js';
import { executeMicrobatch } from './execute-microbatch.js';
import { executeTest } from './execute-test.js';
import { executeUnitTest } from './execute-unit-test.js';
import { planNode, type PlanInput } from '../plan/materializations.js';
import type { Plan, Statement } from '../plan/plan.js';
import { afterBuildStatements, preHookStatements } from '../plan/hooks.js';
import type { ConstraintDef, Project, ProjectNode } from '../project/types.js';
import { statementsLog, writeNodeArtifact } from './artifact-paths.js';
import type { RelationCache } from './relation-cache.js';
import type { NodeResult } from './results.js';

/** What executing one node needs. */
export interface NodeContext {
  project: Project;
  adapter: Adapter;
  compiler: Compiler;
  relations: RelationCache;
  signal: AbortSignal;
  /** The run's --full-refresh flag. */
  fullRefresh: boolean;
  /** The run's --store-failures flag. */
  storeFailures: boolean;
  /** The time the run started: "now" for microbatch windows. */
  now: Date;
  /** Short id unique to this run (constraint names). */
  buildId: string;
  /** `--event-time-start` / `--event-time-end`: a microbatch backfill range. */
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
}

/** A plan step failed for a reason that is about the data, not the database (e.g. duplicate keys). */
export class CheckFailure extends Error {}

/** Compiles, plans and runs one node on a connection. Never throws for user or database errors. */
export async function executeNode(ctx: NodeContext, target: ProjectNode, connection: Connection, threadId: string): Promise<NodeResult> {
  let node = target;
  const started = new Date();
  const finish = (fields: Omit<NodeResult, 'uniqueId' | 'executionTime' | 'startedAt' | 'completedAt' | 'threadId'>): NodeResult => {
    const completed = new Date();
    return { uniqueId: node.uniqueId, executionTime: (completed.getTime() - started.getTime()) / 1000, startedAt: started.toISOString(), completedAt: completed.toISOString(), threadId, ...fields };
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
    const isIncremental = node.config.materialized === 'incremental' && runsIncrementally(node, existing, ctx.fullRefresh);
    if (node.resourceType !== 'seed') {
      compiledSql = (await ctx.compiler.compileWithDatabase(node.uniqueId, { isIncremental }, (fn) => fn(connection))).compiledSql;
      compiledPath = writeNodeArtifact(ctx.project, node, 'compiled', compiledSql);
    }
    if (hasEnforcedContract(node) && compiledSql !== undefined) {
      checkContract(node, await connection.describeQuery(compiledSql));
      node = withResolvedForeignKeys(node, ctx.compiler);
    }
    const dependents = existing ? await connection.dependentViews(node.relation) : [];
    const foreignKeys = existing?.kind === 'table' && ctx.adapter.capabilities.foreignKeys ? await connection.dependentForeignKeys(node.relation) : [];
    const input: PlanInput = { node, compiledSql: compiledSql ?? '', existing, dependents, foreignKeys, fullRefresh: ctx.fullRefresh, buildId: ctx.buildId, dialect: ctx.adapter.dialect, capabilities: ctx.adapter.capabilities };
    const { plan, statements } = await runPlan(connection, input, ctx.signal, await hooksAround(ctx, node, { isIncremental }, connection));
    writeNodeArtifact(ctx.project, node, 'run', statementsLog(statements));
    if (plan.relation && plan.kind) await ctx.relations.record(connection, { ...plan.relation, kind: plan.kind } satisfies ExistingRelation);
    const relationText = plan.relation ? `${plan.relation.schema}.${plan.relation.identifier}` : '';
    return finish({ status: 'success', message: `${plan.action} ${relationText}`.trim(), action: plan.action, ...(plan.relation ? { relation: plan.relation } : {}), ...compiledFields() });
  } catch (err) {
    if (err instanceof StrataUserError) return finish({ status: 'error', message: err.message, diagnostics: [...err.diagnostics], ...compiledFields() });
    if (!(err instanceof Error)) throw err;
    if (err instanceof CheckFailure) return finish({ status: 'error', message: err.message, ...compiledFields() });
    const where = compiledPath ? ` (compiled SQL: ${compiledPath})` : '';
    const reason = ctx.signal.aborted ? 'cancelled' : err.message.trim();
    return finish({ status: 'error', message: `Database error in ${node.uniqueId}${where}: ${reason}`, ...compiledFields() });
  }
}

/**
 * Runs a plan, in one transaction when the plan asks for it. A plan that needs to see the database
 * part-way (`requires`) is re-planned with the columns it asked for, inside the same transaction.
 */
export async function runPlan(connection: Connection, input: PlanInput, signal: AbortSignal, around: AroundPlan = {}): Promise<{ plan: Plan; statements: Statement[] }> {
  const first = planNode(input);
  const executed: Statement[] = [];
  const runAll = async (c: Connection) => {
    let plan = first;
    await runStatements(c, [...(around.before ?? []), ...plan.statements], signal, executed);
    while (plan.requires) {
      const columns = new Map<string, ColumnInfo[]>();
      for (const relation of plan.requires.columnsOf) columns.set(relationKey(relation), await c.getColumns(relation));
      plan = planNode({ ...input, facts: { columns } });
      await runStatements(c, plan.statements, signal, executed);
    }
    await runStatements(c, around.after?.(plan) ?? [], signal, executed);
    return plan;
  };
  const plan = first.transactional ? await connection.transaction(runAll) : await runAll(connection);
  return { plan, statements: executed };
}

/**
 * A node's hooks, grants and comments around its plan, rendered with the node's compile context.
 * Hook templates may ask the database (a macro that looks a relation up): answered on `connection`.
 */
export async function hooksAround(ctx: NodeContext, node: ProjectNode, context: NodeCompileContext, connection: Connection): Promise<AroundPlan> {
  const withConnection = (fn: (c: Connection) => Promise<void>) => fn(connection);
  const before = preHookStatements(await ctx.compiler.renderHooksWithDatabase(node.uniqueId, node.config.pre_hook, context, withConnection));
  const post = await ctx.compiler.renderHooksWithDatabase(node.uniqueId, node.config.post_hook, context, withConnection);
  return { before, after: (plan) => afterBuildStatements(node, plan, post, ctx.adapter.dialect, ctx.adapter.capabilities) };
}

/** Statements run around a plan, in its transaction: before its first statement, after its last. */
export interface AroundPlan {
  before?: Statement[];
  after?: (plan: Plan) => Statement[];
}

async function runStatements(connection: Connection, statements: readonly Statement[], signal: AbortSignal, executed: Statement[]): Promise<void> {
  for (const statement of statements) {
    executed.push(statement);
    try {
      if (statement.load) {
        await connection.loadCsv(statement.load.relation, statement.load.file, statement.load.columns, { signal, delimiter: statement.load.delimiter });
        continue;
      }
      const result = await connection.execute(statement.sql, { signal });
      if (statement.check && result.rows.length > 0) {
        const examples = result.rows.map((r) => Object.entries(r).map(([k, v]) => `${k}=${v === null ? 'NULL' : String(v)}`).join(', '));
        throw new CheckFailure(`${statement.check.message} Examples: ${examples.map((e) => `(${e})`).join('; ')}.`);
      }
    } catch (err) {
      // Say which step failed: "re-point dependent view ..." explains far more than the bare error.
      if (err instanceof Error && !(err instanceof CheckFailure)) err.message = `${err.message.trim()} (while trying to ${statement.purpose})`;
      throw err;
    }
  }
}

/** A contract's foreign keys name their target as `ref('x')`/`source('a', 'b')`; render them to relations. */
function withResolvedForeignKeys(node: ProjectNode, compiler: Compiler): ProjectNode {
  const resolve = (c: ConstraintDef): ConstraintDef => (c.type === 'foreign_key' && c.to && /^\s*(ref|source)\s*\(/.test(c.to) ? { ...c, to: compiler.renderExpression(node.uniqueId, c.to) } : c);
  const columns = Object.fromEntries(Object.entries(node.columns).map(([name, column]) => [name, { ...column, constraints: column.constraints.map(resolve) }]));
  return { ...node, columns, ...(node.constraints ? { constraints: node.constraints.map(resolve) } : {}) };
}

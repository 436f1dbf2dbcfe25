import type { Adapter } from '../adapter/adapter.js';
import type { Connection } from '../adapter/connection.js';
import { relationKey, type ColumnInfo } from '../adapter/relation.js';
import type { Compiler, NodeCompileContext } from '../compile/compiler.js';
import { afterBuildStatements, preHookStatements } from '../plan/hooks.js';
import { planNode } from '../plan/materializations.js';
import type { PlanInput } from '../plan/plan-input.js';
import type { FileStep, Plan, Statement } from '../plan/plan.js';
import type { Project, ProjectNode } from '../project/types.js';
import { runFileStep } from './file-swap.js';
import type { RelationCache } from './relation-cache.js';

// What every execute-* file shares: the node's context, and running a plan with its hooks.

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
  /** Tests that would warn fail instead (warn-error promotes dbt's LogTestResult). */
  testWarningsFail?: boolean;
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

/**
 * Runs a plan, in one transaction when the plan asks for it. A plan that needs to see the database
 * part-way (`requires`) is re-planned with the columns it asked for, inside the same transaction.
 */
export async function runPlan(
  connection: Connection,
  input: PlanInput,
  signal: AbortSignal,
  around: AroundPlan = {},
): Promise<{ plan: Plan; statements: Statement[] }> {
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
  try {
    const plan = first.transactional ? await connection.transaction(runAll) : await runAll(connection);
    return { plan, statements: executed };
  } catch (err) {
    undoFiles(first.onFailure ?? []);
    throw err;
  }
}

/**
 * A node's hooks, grants and comments around its plan, rendered with the node's compile context.
 * Hook templates may ask the database (a macro that looks a relation up): answered on `connection`.
 */
export async function hooksAround(
  ctx: NodeContext,
  node: ProjectNode,
  context: NodeCompileContext,
  connection: Connection,
): Promise<AroundPlan> {
  const withConnection = (fn: (c: Connection) => Promise<void>) => fn(connection);
  const before = preHookStatements(
    await ctx.compiler.renderHooksWithDatabase(node.uniqueId, node.config.pre_hook, context, withConnection),
  );
  const post = await ctx.compiler.renderHooksWithDatabase(node.uniqueId, node.config.post_hook, context, withConnection);
  return { before, after: (plan) => afterBuildStatements(node, plan, post, ctx.adapter.dialect, ctx.adapter.capabilities) };
}

/** Statements run around a plan, in its transaction: before its first statement, after its last. */
export interface AroundPlan {
  before?: Statement[];
  after?: (plan: Plan) => Statement[];
}

async function runStatements(
  connection: Connection,
  statements: readonly Statement[],
  signal: AbortSignal,
  executed: Statement[],
): Promise<void> {
  for (const statement of statements) {
    executed.push(statement);
    try {
      if (statement.files) {
        runFileStep(statement.files);
        continue;
      }
      if (statement.load) {
        await connection.loadCsv(statement.load.relation, statement.load.file, statement.load.columns, {
          signal,
          delimiter: statement.load.delimiter,
        });
        continue;
      }
      const result = await connection.execute(statement.sql, { signal });
      if (statement.check && result.rows.length > 0) {
        const examples = result.rows.map((r) =>
          Object.entries(r)
            .map(([k, v]) => `${k}=${v === null ? 'NULL' : String(v)}`)
            .join(', '),
        );
        throw new CheckFailure(`${statement.check.message} Examples: ${examples.map((e) => `(${e})`).join('; ')}.`);
      }
    } catch (err) {
      // Say which step failed: "re-point dependent view ..." explains far more than the bare error.
      if (err instanceof Error && !(err instanceof CheckFailure))
        err.message = `${err.message.trim()} (while trying to ${statement.purpose})`;
      throw err;
    }
  }
}

/** Puts files back after a failed plan; a step that fails is left for the next build's own clean-up. */
function undoFiles(steps: readonly FileStep[]): void {
  for (const step of steps) {
    try {
      runFileStep(step);
    } catch {
      // The next build starts with the same steps.
    }
  }
}

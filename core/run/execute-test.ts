import type { Connection } from '../adapter/connection.js';
import { relationKey } from '../adapter/relation.js';
import { testResultSql, testStatus } from '../plan/test-query.js';
import type { ProjectNode } from '../project/types.js';
import { writeNodeArtifact } from '../artifacts/artifact-paths.js';
import { runPlan, type NodeContext } from './run-plan.js';
import { timed } from './statement-responses.js';
import type { NodeResult } from '../artifacts/node-result.js';

type Outcome = Omit<NodeResult, 'uniqueId' | 'executionTime' | 'startedAt' | 'completedAt' | 'threadId'>;

/**
 * Runs a data test: optionally writes its failing rows to the audit schema (`store_failures`),
 * then counts them and judges pass, warn or fail.
 */
export async function executeTest(ctx: NodeContext, node: ProjectNode, connection: Connection): Promise<Outcome> {
  const compile = await timed(() => ctx.compiler.compileWithDatabase(node.uniqueId, {}, (fn) => fn(connection)));
  const compiledSql = compile.value.compiledSql;
  const compiledPath = writeNodeArtifact(ctx.project, node, 'compiled', compiledSql);
  const sql = testResultSql(compiledSql, node.config);
  writeNodeArtifact(ctx.project, node, 'run', `${sql};`);
  // One statement only: the test's SQL holds column names and arguments pasted in from YAML. It
  // runs first, so SQL that is not one statement never reaches the store_failures table either.
  const counted = await connection.execute(sql, { signal: ctx.signal, single: true });
  const row = counted.rows[0] ?? {};
  let storedFailures: string | undefined;
  // The test's config decides; without one, the command's --store-failures (dbt's should_store_failures()).
  if (node.config.store_failures ?? ctx.storeFailures) {
    // The failing rows become a table, rebuilt like any table model (atomic swap).
    const asTable: ProjectNode = { ...node, config: { ...node.config, materialized: 'table' } };
    const existing = await ctx.relations.lookup(connection, node.relation);
    await runPlan(
      connection,
      { node: asTable, compiledSql, existing, dialect: ctx.adapter.dialect, capabilities: ctx.adapter.capabilities },
      ctx.signal,
    );
    await ctx.relations.record(connection, { ...node.relation, kind: 'table' });
    storedFailures = relationKey(node.relation);
  }
  const failures = Number(row.failures ?? 0);
  const judged = testStatus(node.config, Number(row.should_warn) === 1, Number(row.should_error) === 1);
  // Under warn-error (dbt's LogTestResult) a test that would warn fails instead, as in dbt.
  const status = judged === 'warn' && ctx.testWarningsFail ? 'fail' : judged;
  const where = storedFailures ? `; failing rows stored in ${storedFailures}` : '';
  const message =
    status === 'pass'
      ? 'pass'
      : `Got ${failures} result${failures === 1 ? '' : 's'}, configured to ${status === 'fail' ? 'fail' : 'warn'} if ${judged === 'fail' ? (node.config.error_if ?? '!= 0') : (node.config.warn_if ?? '!= 0')}${where}`;
  return {
    status,
    message,
    failures,
    compiledPath,
    compiledSql,
    compileTiming: compile.timing,
    // The count query stands for the test (as dbt's), not the table of failing rows stored before it.
    ...(counted.response ? { adapterResponse: counted.response } : {}),
    ...(storedFailures ? { storedFailures } : {}),
  };
}

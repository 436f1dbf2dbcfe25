import type { Adapter, ConnectionPool } from '../adapter/adapter.js';
import type { Compiler } from '../compile/compiler.js';
import type { DependencyGraph } from '../graph/build-graph.js';
import type { Project } from '../project/types.js';
import { executeNode } from './execute-node.js';
import { RelationCache } from './relation-cache.js';
import type { NodeResult, RunSummary } from '../artifacts/node-result.js';
import { allowsDependents, type RunEvent } from './results.js';

/** How to run a selection. */
export interface RunnerOptions {
  /** Nodes to run, parents before children. */
  nodes: readonly string[];
  /** Concurrent nodes. */
  threads: number;
  /** Stop starting nodes after the first failure. */
  failFast?: boolean;
  /** Aborting cancels running statements and skips what has not started. */
  signal?: AbortSignal;
  /** Receives progress events. */
  onEvent?: (event: RunEvent) => void;
  /** Rebuild incremental models and seeds from scratch. */
  fullRefresh?: boolean;
  /** Store every test's failing rows unless its config says otherwise (`--store-failures`). */
  storeFailures?: boolean;
  /** Tests that would warn fail instead (warn-error). */
  testWarningsFail?: boolean;
  /** Microbatch backfill range. */
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
}

/**
 * Runs nodes in dependency order on up to `threads` connections. A failed node skips its
 * selected descendants; independent branches go on unless `failFast` is set.
 */
export async function runNodes(
  project: Project,
  dag: DependencyGraph,
  adapter: Adapter,
  pool: ConnectionPool,
  compiler: Compiler,
  options: RunnerOptions,
): Promise<RunSummary> {
  const start = Date.now();
  const emit = options.onEvent ?? (() => undefined);
  const abort = new AbortController();
  const outer = options.signal;
  const onOuterAbort = () => {
    abort.abort();
    void pool.cancelAll();
  };
  if (outer?.aborted) abort.abort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  // Ephemeral models have nothing to run; they are compiled into the models that use them.
  const runnable = options.nodes.filter((id) => project.nodes.get(id)?.config.materialized !== 'ephemeral');
  const selected = new Set(runnable);
  const isUnitTest = (id: string) => project.nodes.get(id)?.resourceType === 'unit_test';
  const total = runnable.length;
  const threads = adapter.capabilities.concurrentConnections ? Math.max(1, options.threads) : 1;
  emit({ type: 'run-start', total, threads });

  const results: NodeResult[] = [];
  const status = new Map<string, NodeResult['status']>();
  const waitingOn = new Map<string, number>();
  for (const id of runnable) waitingOn.set(id, nearestSelected(dag, id, selected, 'predecessors', isUnitTest).length);
  const ready = runnable.filter((id) => waitingOn.get(id) === 0);
  let index = 0;
  let failed = false;
  const ctx = {
    project,
    adapter,
    compiler,
    relations: new RelationCache(),
    signal: abort.signal,
    fullRefresh: options.fullRefresh ?? false,
    storeFailures: options.storeFailures ?? false,
    ...(options.testWarningsFail ? { testWarningsFail: true } : {}),
    now: new Date(),
    buildId: Date.now().toString(36),
    ...(options.eventTimeStart ? { eventTimeStart: options.eventTimeStart } : {}),
    ...(options.eventTimeEnd ? { eventTimeEnd: options.eventTimeEnd } : {}),
  };

  const complete = (result: NodeResult) => {
    status.set(result.uniqueId, result.status);
    results.push(result);
    emit({ type: 'node-done', index: results.length, total, result });
    if (result.status === 'error' || result.status === 'fail') failed = true;
    for (const child of nearestSelected(dag, result.uniqueId, selected, 'successors', isUnitTest)) {
      if (!allowsDependents(result.status)) skip(child, `upstream ${result.uniqueId} did not succeed`);
      const left = (waitingOn.get(child) ?? 0) - 1;
      waitingOn.set(child, left);
      if (left === 0 && !status.has(child)) {
        // Tests go to the front, so a model's tests run right after it, before unrelated work.
        if (project.nodes.get(child)?.resourceType === 'test') ready.unshift(child);
        else ready.push(child);
      }
    }
  };
  const skip = (id: string, reason: string) => {
    if (status.has(id)) return;
    const now = new Date().toISOString();
    complete({
      uniqueId: id,
      status: 'skipped',
      message: `skipped: ${reason}`,
      executionTime: 0,
      startedAt: now,
      completedAt: now,
      threadId: 'main',
    });
  };

  const launch = (id: string, thread: number): Promise<void> => {
    index++;
    emit({ type: 'node-start', index, total, uniqueId: id });
    const node = project.nodes.get(id);
    if (!node) throw new Error(`runner: unknown node ${id}`);
    return pool.withConnection((c) => executeNode(ctx, node, c, `Thread-${thread}`)).then(complete);
  };
  const running = new Map<number, Promise<void>>();
  for (;;) {
    while (running.size < threads && ready.length > 0) {
      const id = ready.shift() as string;
      if (status.has(id)) continue;
      if (abort.signal.aborted || (failed && options.failFast)) {
        skip(id, abort.signal.aborted ? 'the run was cancelled' : 'an earlier node failed and --fail-fast is set');
        continue;
      }
      const thread = [...Array(threads).keys()].map((i) => i + 1).find((t) => !running.has(t)) as number;
      running.set(
        thread,
        launch(id, thread).finally(() => running.delete(thread)),
      );
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  for (const id of runnable) if (!status.has(id)) skip(id, 'the run was cancelled');
  outer?.removeEventListener('abort', onOuterAbort);
  const elapsed = (Date.now() - start) / 1000;
  const cancelled = abort.signal.aborted;
  emit({ type: 'run-done', results, elapsed, cancelled });
  return { results, elapsed, cancelled, success: !cancelled && results.every((r) => allowsDependents(r.status)) };
}

/**
 * The nearest selected nodes in one direction, looking through unselected nodes in between,
 * so with `a → x → b` and only a and b selected, b still waits for a.
 */
function nearestSelected(
  dag: DependencyGraph,
  id: string,
  selected: Set<string>,
  direction: 'predecessors' | 'successors',
  isUnitTest: (id: string) => boolean,
): string[] {
  const next = (n: string) => (dag.graph[direction](n) as string[] | undefined) ?? [];
  const found = new Set<string>();
  const seen = new Set<string>();
  // A unit test gates only its own model; it does not hold up tests of that model when the model
  // itself is not being built (`strata test`). It does wait for its model's parents, also through
  // unselected (e.g. ephemeral) ones, so looking down every node found counts.
  const stack = next(id).map((n) => ({ node: n, direct: true }));
  if (isUnitTest(id) && direction === 'successors') return stack.map((s) => s.node).filter((n) => selected.has(n));
  while (stack.length > 0) {
    const { node, direct } = stack.pop() as { node: string; direct: boolean };
    if (seen.has(node)) continue;
    seen.add(node);
    if (selected.has(node)) {
      if (direct || direction === 'successors' || !isUnitTest(node)) found.add(node);
    } else stack.push(...next(node).map((n) => ({ node: n, direct: false })));
  }
  return [...found];
}

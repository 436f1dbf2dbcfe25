import type { RunSummary } from '../artifacts/node-result.js';
import type { CompiledNode } from './compiler.js';

/**
 * What `strata compile` reports in run_results.json, as dbt's compile does: every compiled node
 * a success, its compile time as both the `compile` and the `execute` step (compiling is the work).
 */
export function compileSummary(
  compiled: readonly CompiledNode[],
  timings: ReadonlyMap<string, { startedAt: string; completedAt: string }>,
  startedAt: number,
): RunSummary {
  const results = compiled.map((c) => {
    const timing = timings.get(c.uniqueId) ?? { startedAt: new Date(startedAt).toISOString(), completedAt: new Date().toISOString() };
    return {
      uniqueId: c.uniqueId,
      status: 'success' as const,
      message: '',
      executionTime: (Date.parse(timing.completedAt) - Date.parse(timing.startedAt)) / 1000,
      startedAt: timing.startedAt,
      completedAt: timing.completedAt,
      compileTiming: timing,
      compiledSql: c.compiledSql,
      threadId: 'Thread-1',
    };
  });
  return { results, elapsed: (Date.now() - startedAt) / 1000, cancelled: false, success: true };
}

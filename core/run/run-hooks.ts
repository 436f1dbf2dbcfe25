import type { ConnectionPool } from '../adapter/adapter.js';
import type { Compiler } from '../compile/compiler.js';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import type { Project } from '../project/types.js';
import type { NodeResult } from '../artifacts/node-result.js';

/** The project file's `on-run-start` or `on-run-end` hooks, as written. */
function hooksOf(project: Project, which: 'on-run-start' | 'on-run-end'): string[] {
  const value = project.settings[which];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Runs the project's `on-run-start` (before any node) or `on-run-end` (after every node, with
 * `results` and `schemas` to render with) hooks, each in its own statement. A failing hook
 * stops the command with the hook's number and the database's message.
 */
export async function runProjectHooks(
  project: Project,
  which: 'on-run-start' | 'on-run-end',
  compiler: Compiler,
  pool: ConnectionPool,
  results: readonly NodeResult[] = [],
): Promise<void> {
  const hooks = hooksOf(project, which);
  if (hooks.length === 0) return;
  const schemas = [...new Set(results.flatMap((r) => (r.relation ? [r.relation.schema] : [])))];
  const extra = {
    results: results.map((r) => ({
      node: { unique_id: r.uniqueId, name: r.uniqueId.split('.').pop() },
      unique_id: r.uniqueId,
      status: r.status,
      message: r.message,
      execution_time: r.executionTime,
      failures: r.failures ?? null,
    })),
    schemas,
    database_schemas: results.flatMap((r) => (r.relation ? [[r.relation.database ?? null, r.relation.schema]] : [])),
  };
  const file = project.projectFile.slice(project.root.length + 1);
  for (const [i, hook] of hooks.entries()) {
    const at = project.hookLocations[which][i];
    let sql: string;
    try {
      sql = await compiler.renderOperationWithDatabase(hook, file, extra, (fn) => pool.withConnection(fn));
    } catch (err) {
      // The hook is a string in the project file: its problems belong at its line there (those in a macro it calls stay in the macro).
      if (!(err instanceof StrataUserError)) throw err;
      throw new StrataUserError(
        err.diagnostics.map((d) => (d.at?.file === file ? { ...d, message: `${which} hook ${i + 1}: ${d.message}`, at } : d)),
      );
    }
    if (sql.trim() === '') continue;
    try {
      await pool.withConnection((c) => c.execute(sql));
    } catch (err) {
      throw new StrataUserError([diagnostic('hook-failed', `${which} hook ${i + 1} failed: ${(err as Error).message.trim()}`, at)]);
    }
  }
}

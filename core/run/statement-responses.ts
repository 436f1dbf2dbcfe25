import type { Connection, StatementResponse } from '../adapter/connection.js';

/** A connection that remembers what the database said about each statement run through it. */
export interface RecordingConnection {
  connection: Connection;
  /** Responses so far, in order. */
  responses: StatementResponse[];
}

/**
 * Wraps `connection` so every `execute` and `loadCsv` response is kept: run_results reports the
 * node's main statement the way dbt does, without each materialization having to pass it up.
 */
export function recordResponses(inner: Connection): RecordingConnection {
  const responses: StatementResponse[] = [];
  const keep = <T extends StatementResponse | undefined>(response: T): T => {
    if (response) responses.push(response);
    return response;
  };
  const connection: Connection = {
    execute: async (sql, options) => {
      const result = await inner.execute(sql, options);
      keep(result.response);
      return result;
    },
    transaction: (fn) => inner.transaction(() => fn(connection)),
    listRelations: (schema) => inner.listRelations(schema),
    getColumns: (relation) => inner.getColumns(relation),
    loadCsv: async (relation, file, columns, options) => keep(await inner.loadCsv(relation, file, columns, options)),
    dependentViews: (relation) => inner.dependentViews(relation),
    dependentForeignKeys: (relation) => inner.dependentForeignKeys(relation),
    rowCounts: (schema) => inner.rowCounts(schema),
    describeQuery: (sql) => inner.describeQuery(sql),
    ensureSchema: (schema) => inner.ensureSchema(schema),
    cancel: () => inner.cancel(),
    close: () => inner.close(),
  };
  return { connection, responses };
}

/**
 * The response that stands for a node, as dbt's main statement would: the last statement that
 * wrote or returned rows (the CREATE TABLE AS, the INSERT, the MERGE, a test's count), else the
 * first CREATE (a view), else the last statement.
 */
export function mainResponse(responses: readonly StatementResponse[]): StatementResponse | undefined {
  const withRows = responses.filter((r) => r.rowsAffected >= 0);
  return withRows[withRows.length - 1] ?? responses.find((r) => r.code.startsWith('CREATE')) ?? responses[responses.length - 1];
}

/** Runs `fn`, noting when it started and finished (run_results' timing entries). */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; timing: { startedAt: string; completedAt: string } }> {
  const startedAt = new Date().toISOString();
  const value = await fn();
  return { value, timing: { startedAt, completedAt: new Date().toISOString() } };
}

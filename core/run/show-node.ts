import type { Connection } from '../adapter/connection.js';
import { selectBody } from '../adapter/sql-text.js';
import { compileNode, withPreparedPool, type CompiledPreview, type PreviewRequest } from '../compile/preview.js';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';

/** Rows of a previewed query, as the database returned them. */
export interface ShowResult extends CompiledPreview {
  columns: string[];
  /** Each column's database type, where the driver says. */
  columnTypes: string[];
  rows: Record<string, unknown>[];
}

/**
 * `strata show`: compiles the inline SQL or the one selected node and runs it, fetching at most
 * `limit` rows (all when undefined). Nothing is built or written.
 */
export async function showPreview(request: PreviewRequest & { limit?: number }): Promise<ShowResult> {
  return withPreparedPool(request, async (prepared, withConnection) => {
    const compiled = await compileNode(request, prepared, withConnection);
    let result: ShowResult | undefined;
    await withConnection(async (connection) => {
      result = { ...compiled, ...(await runPreview(connection, compiled, request.limit)) };
    });
    return result as ShowResult;
  });
}

async function runPreview(
  connection: Connection,
  compiled: CompiledPreview,
  limit: number | undefined,
): Promise<Pick<ShowResult, 'columns' | 'columnTypes' | 'rows'>> {
  // The limit is applied by the database, so a large model is not read whole (as dbt's get_limit_sql).
  const sql =
    limit === undefined ? compiled.compiledSql : `select * from (\n${selectBody(compiled.compiledSql)}) as strata_show limit ${limit}`;
  try {
    const result = await connection.execute(sql);
    return { columns: result.columns, columnTypes: result.columnTypes ?? [], rows: result.rows };
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    throw new StrataUserError([diagnostic('database-error', `Database error while showing ${compiled.name}: ${err.message.trim()}`)]);
  }
}

import type { SqlDialect } from '../adapter/dialect.js';
import type { ColumnInfo, Relation } from '../adapter/relation.js';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import type { ProjectNode } from '../project/types.js';
import type { Statement } from './plan.js';

/** How an incremental model's new rows differ from its table, and what to do about it. */
export interface SchemaChange {
  /** Statements that bring the table's columns in line (may be empty). */
  statements: Statement[];
  /** Columns to write, in the table's order. */
  columns: string[];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Applies `on_schema_change`: `ignore` writes only the columns both sides share, `fail` stops with
 * the differences listed, `append_new_columns` adds new columns, `sync_all_columns` also drops
 * vanished columns and changes types.
 */
export function planSchemaChange(
  node: ProjectNode,
  target: Relation,
  existing: readonly ColumnInfo[],
  incoming: readonly ColumnInfo[],
  dialect: SqlDialect,
): SchemaChange {
  const mode = node.config.on_schema_change ?? 'ignore';
  const added = incoming.filter((c) => !existing.some((e) => same(e.name, c.name)));
  const removed = existing.filter((e) => !incoming.some((c) => same(e.name, c.name)));
  const retyped = incoming.filter((c) =>
    existing.some((e) => same(e.name, c.name) && e.dataType.toLowerCase() !== c.dataType.toLowerCase()),
  );
  const shared = existing.filter((e) => incoming.some((c) => same(e.name, c.name))).map((e) => e.name);
  if (mode === 'ignore' || (added.length === 0 && removed.length === 0 && (mode !== 'sync_all_columns' || retyped.length === 0))) {
    return { statements: [], columns: shared };
  }
  if (mode === 'fail') {
    const parts = [
      ...added.map((c) => `new column '${c.name}' (${c.dataType})`),
      ...removed.map((c) => `column '${c.name}' no longer produced`),
    ];
    throw new StrataUserError([
      diagnostic(
        'schema-change',
        `${node.name}: the model's columns no longer match its table (on_schema_change: fail): ${parts.join('; ')}. Run with --full-refresh, or set on_schema_change to append_new_columns or sync_all_columns.`,
        { file: node.originalFilePath, line: 1, column: 1 },
      ),
    ]);
  }
  const statements: Statement[] = added.map((c) => ({
    sql: dialect.addColumn(target, c.name, c.dataType),
    purpose: `add new column ${c.name}`,
  }));
  if (mode === 'append_new_columns') return { statements, columns: [...shared, ...added.map((c) => c.name)] };
  statements.push(...removed.map((c) => ({ sql: dialect.dropColumn(target, c.name), purpose: `drop vanished column ${c.name}` })));
  statements.push(
    ...retyped.map((c) => ({
      sql: dialect.alterColumnType(target, c.name, c.dataType),
      purpose: `change the type of ${c.name} to ${c.dataType}`,
    })),
  );
  return { statements, columns: incoming.map((c) => c.name) };
}

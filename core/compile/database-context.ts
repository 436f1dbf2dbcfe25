import type { QueryResult } from '../adapter/connection.js';
import type { SqlDialect } from '../adapter/dialect.js';
import type { ColumnInfo, ExistingRelation, Relation } from '../adapter/relation.js';
import { splitArgs } from '../template/call-args.js';
import type { DatabaseAccess, RenderScope } from '../template/engine.js';
import { RelationValue, relationValue } from '../template/relation-value.js';
import type { DatabaseAnswers } from './database-answers.js';

const NO_ROWS: QueryResult = { columns: [], rows: [] };

/**
 * The names that reach the database in the compile pass: `run_query`, `statement` +
 * `load_result`, `adapter.get_relation` / `get_columns_in_relation` (through
 * `__strata_database`) and `api.Relation.create`. Without `answers` (the parse pass, or a
 * command without a database) queries return no rows and lookups find nothing.
 */
export function databaseScope(dialect: SqlDialect, answers: DatabaseAnswers | undefined): RenderScope {
  const query = (sql: string): QueryResult => answers?.ask({ kind: 'query', sql }, NO_ROWS) ?? NO_ROWS;
  const results = new Map<string, unknown>();
  const database: DatabaseAccess = {
    quote: (identifier) => dialect.quoteIdentifier(identifier),
    getRelation: (args) => {
      const { positional, keywords } = splitArgs(args);
      const [database, schema, identifier] = [keywords.database ?? positional[0], keywords.schema ?? positional[1], keywords.identifier ?? positional[2]].map((v) => (v === null || v === undefined ? undefined : String(v)));
      if (!schema || !identifier) return null;
      const relation: Relation = { schema, identifier, ...(database ? { database } : {}) };
      const found = answers?.ask<ExistingRelation | null>({ kind: 'relation', relation }, null) ?? null;
      return found ? Object.assign(relationValue(found, dialect), { type: found.kind, is_table: found.kind === 'table', is_view: found.kind === 'view' }) : null;
    },
    getColumns: (relation) => {
      if (!(relation instanceof RelationValue)) return [];
      const target: Relation = { schema: relation.schema, identifier: relation.identifier, ...(relation.database ? { database: relation.database } : {}) };
      return (answers?.ask<ColumnInfo[]>({ kind: 'columns', relation: target }, []) ?? []).map((c) => columnValue(c, dialect));
    },
  };
  return {
    run_query: (sql: unknown) => agateTable(query(String(sql))),
    // `{% call statement('name', fetch_result=True) %}select …{% endcall %}`
    statement: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const caller = keywords.caller as (() => unknown) | undefined;
      const sql = caller ? String(caller()) : '';
      const result = query(sql);
      const table = agateTable(result);
      results.set(String(positional[0] ?? keywords.name ?? 'main'), { response: { code: 'OK', rows_affected: result.rows.length }, table, data: table.rows });
      return '';
    },
    load_result: (name: unknown) => results.get(String(name)) ?? null,
    __strata_database: database,
    api: {
      Relation: {
        create: (...args: unknown[]) => {
          const { keywords } = splitArgs(args);
          return relationValue({ schema: String(keywords.schema ?? ''), identifier: String(keywords.identifier ?? keywords.name ?? ''), ...(keywords.database ? { database: String(keywords.database) } : {}) }, dialect);
        },
      },
    },
  };
}

/** A column as dbt's Column: `name`, `column`, `data_type`, `dtype`, `quoted`. */
function columnValue(column: ColumnInfo, dialect: SqlDialect): Record<string, unknown> {
  return { name: column.name, column: column.name, data_type: column.dataType, dtype: column.dataType, quoted: dialect.quoteIdentifier(column.name), is_string: () => /char|text|string/i.test(column.dataType), is_number: () => /int|numeric|decimal|double|float|real/i.test(column.dataType) };
}

/**
 * Query results as dbt's agate table: `rows` (each row readable by position and by column
 * name), `columns` (each with `name` and `values()`, also by name), `column_names`.
 */
export function agateTable(result: QueryResult): { rows: unknown[][]; columns: unknown[]; column_names: string[]; print_table: () => string } {
  const plain = (v: unknown) => (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v);
  const rows = result.rows.map((row) => Object.assign(result.columns.map((c) => plain(row[c])), Object.fromEntries(result.columns.map((c) => [c, plain(row[c])]))));
  const columns = result.columns.map((name, i) => ({ name, values: () => rows.map((r) => r[i]) }));
  return { rows, columns: Object.assign([...columns], Object.fromEntries(columns.map((c) => [c.name, c]))), column_names: [...result.columns], print_table: () => '' };
}

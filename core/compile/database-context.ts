import type { QueryResult } from '../adapter/connection.js';
import type { SqlDialect } from '../adapter/dialect.js';
import type { ColumnInfo, ExistingRelation } from '../adapter/relation.js';
import { splitArgs } from '../template/call-args.js';
import { columnApi } from '../template/column-value.js';
import { columnFlavour, type DatabaseAccess } from '../template/adapter-object.js';
import type { RenderScope } from '../template/engine.js';
import { addEphemeralPrefix, makeRelation } from '../template/relation-value.js';
import { agateTable, statementResult } from '../template/result-table.js';
import type { DatabaseAnswers } from './database-answers.js';

const NO_ROWS: QueryResult = { columns: [], rows: [] };

/**
 * The names that reach the database in the compile pass: `run_query`, `statement` +
 * `load_result`, the `adapter` methods (through `__strata_database`) and `api`. Without
 * `answers` (a command without a database) queries return no rows and lookups find nothing.
 */
export function databaseScope(dialect: SqlDialect, answers: DatabaseAnswers | undefined): RenderScope {
  const ask = <T>(request: Parameters<DatabaseAnswers['ask']>[0], placeholder: T): T => answers?.ask(request, placeholder) ?? placeholder;
  const query = (sql: string): QueryResult => ask({ kind: 'query', sql }, NO_ROWS);
  const results = new Map<string, unknown>();
  const database: DatabaseAccess = {
    dialect,
    findRelation: (relation) => ask<ExistingRelation | null>({ kind: 'relation', relation }, null),
    columns: (relation) => ask<ColumnInfo[]>({ kind: 'columns', relation }, []),
    listRelations: (schema) => ask<ExistingRelation[]>({ kind: 'list', schema }, []),
    schemaExists: (schema) => ask<boolean>({ kind: 'schema', schema }, false),
    describe: (sql) => ask<ColumnInfo[]>({ kind: 'describe', sql }, []),
    query,
  };
  return {
    run_query: (sql: unknown) => agateTable(query(String(sql))),
    // `{% call statement('name', fetch_result=True) %}select …{% endcall %}`
    statement: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const caller = keywords.caller as (() => unknown) | undefined;
      const sql = caller ? String(caller()) : '';
      const result = query(sql);
      const fetch = keywords.fetch_result ?? positional[1];
      results.set(
        String(positional[0] ?? keywords.name ?? 'main'),
        statementResult(agateTable(fetch === false ? NO_ROWS : result), result.rows.length),
      );
      return '';
    },
    load_result: (name: unknown) => results.get(String(name)) ?? null,
    __strata_database: database,
    api: {
      Relation: {
        create: (...args: unknown[]) => {
          const { keywords } = splitArgs(args);
          const text = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
          return makeRelation(
            {
              schema: text(keywords.schema) ?? '',
              identifier: text(keywords.identifier ?? keywords.name) ?? '',
              ...(text(keywords.database) ? { database: text(keywords.database) as string } : {}),
            },
            dialect,
            { type: text(keywords.type) ?? null },
          );
        },
        add_ephemeral_prefix: addEphemeralPrefix,
      },
      Column: columnApi(columnFlavour(dialect)),
    },
  };
}

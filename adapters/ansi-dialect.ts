import type { SqlDialect } from '../core/adapter/dialect.js';
import type { Relation } from '../core/adapter/relation.js';
import type { InferredType } from '../core/project/seed-columns.js';
import { selectBody } from './sql-text.js';

/**
 * SQL shared by databases that follow the standard: double-quoted identifiers (always quoted, so
 * names keep their case and may be keywords), single-quoted strings, `create ... as`, `alter ...
 * rename to`. Each adapter adds its type names, and says whether `create schema` takes a database
 * prefix (DuckDB) or must name the schema alone (Postgres).
 */
export function ansiDialect(seedTypes: Readonly<Record<InferredType, string>>, options: { databaseInSchemaDdl: boolean }): SqlDialect {
  const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const qualify = (relation: Pick<Relation, 'database' | 'schema'> & { identifier?: string }) =>
    [relation.database, relation.schema, relation.identifier].filter((p): p is string => p !== undefined).map(quoteIdentifier).join('.');
  return {
    quoteIdentifier,
    quoteString: (value) => `'${value.replace(/'/g, "''")}'`,
    qualify,
    createTableAs: (relation, selectSql) => `create table ${qualify(relation)} as\n${selectBody(selectSql)}`,
    createViewAs: (relation, selectSql, { replace }) => `create ${replace ? 'or replace ' : ''}view ${qualify(relation)} as\n${selectBody(selectSql)}`,
    createTable: (relation, columns) => `create table ${qualify(relation)} (\n${columns.map((c) => `  ${quoteIdentifier(c.name)} ${c.type}`).join(',\n')}\n)`,
    rename: (relation, kind, newIdentifier) => `alter ${kind} ${qualify(relation)} rename to ${quoteIdentifier(newIdentifier)}`,
    drop: (relation, kind) => `drop ${kind} if exists ${qualify(relation)}`,
    createSchema: (relation) => `create schema if not exists ${qualify({ ...(relation.database && options.databaseInSchemaDdl ? { database: relation.database } : {}), schema: relation.schema })}`,
    seedType: (type) => seedTypes[type],
  };
}

import type { InferredType, SqlDialect } from '../core/adapter/dialect.js';
import type { Relation } from '../core/adapter/relation.js';
import { selectBody } from '../core/adapter/sql-text.js';

// dbt's aliases, so incremental_predicates written for dbt work unchanged.
const DEST = 'DBT_INTERNAL_DEST';
const SOURCE = 'DBT_INTERNAL_SOURCE';

/**
 * SQL shared by databases that follow the standard: double-quoted identifiers (always quoted, so
 * names keep their case and may be keywords), single-quoted strings, `create ... as`, `alter ...
 * rename to`. Each adapter adds its type names, and says whether `create schema` takes a database
 * prefix (DuckDB) or must name the schema alone (Postgres).
 */
export function ansiDialect(
  seedTypes: Readonly<Record<InferredType, string>>,
  options: {
    relationClass: string;
    databaseInSchemaDdl: boolean;
    scratch: Omit<Relation, 'identifier'>;
    lockForWrite?: (qualified: string) => string;
    lockBuild?: (qualified: string) => string;
  },
): SqlDialect {
  const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const qualify = (relation: Pick<Relation, 'database' | 'schema'> & { identifier?: string }) =>
    [relation.database, relation.schema, relation.identifier]
      .filter((p): p is string => p !== undefined)
      .map(quoteIdentifier)
      .join('.');
  return {
    relationClass: options.relationClass,
    quoteIdentifier,
    quoteString: (value) => `'${value.replace(/'/g, "''")}'`,
    qualify,
    createTableAs: (relation, selectSql) => `create table ${qualify(relation)} as\n${selectBody(selectSql)}`,
    createViewAs: (relation, selectSql, { replace }) =>
      `create ${replace ? 'or replace ' : ''}view ${qualify(relation)} as\n${selectBody(selectSql)}`,
    scratchRelation: (identifier) => ({ ...options.scratch, identifier }),
    createScratchTableAs: (relation, selectSql) =>
      `create temporary table ${quoteIdentifier(relation.identifier)} as\n${selectBody(selectSql)}`,
    createTable: (relation, columns, tableConstraints = []) =>
      `create table ${qualify(relation)} (\n${[...columns.map((c) => `  ${quoteIdentifier(c.name)} ${c.type}`), ...tableConstraints.map((c) => `  ${c}`)].join(',\n')}\n)`,
    rename: (relation, kind, newIdentifier) => `alter ${kind} ${qualify(relation)} rename to ${quoteIdentifier(newIdentifier)}`,
    drop: (relation, kind) => `drop ${kind} if exists ${qualify(relation)}`,
    createSchema: (relation) =>
      `create schema if not exists ${qualify({ ...(relation.database && options.databaseInSchemaDdl ? { database: relation.database } : {}), schema: relation.schema })}`,
    seedType: (type) => seedTypes[type],
    insertInto: (target, source, columns) => {
      const list = columns.map(quoteIdentifier).join(', ');
      return `insert into ${qualify(target)} (${list})\nselect ${list} from ${qualify(source)}`;
    },
    deleteMatching: (target, source, keys, predicates) =>
      `delete from ${qualify(target)} as ${DEST}\nusing ${qualify(source)} as ${SOURCE}\nwhere ${[keyMatch(keys), ...predicates].join('\n  and ')}`,
    merge: (target, source, { keys, insertColumns, updateColumns, predicates }) => {
      const q = quoteIdentifier;
      const update = updateColumns.length
        ? `\nwhen matched then update set ${updateColumns.map((c) => `${q(c)} = ${SOURCE}.${q(c)}`).join(', ')}`
        : '';
      return `merge into ${qualify(target)} as ${DEST}\nusing ${qualify(source)} as ${SOURCE}\non ${[keyMatch(keys), ...predicates].join('\n  and ')}${update}\nwhen not matched then insert (${insertColumns.map(q).join(', ')}) values (${insertColumns.map((c) => `${SOURCE}.${q(c)}`).join(', ')})`;
    },
    lockForWrite: (relation) => options.lockForWrite?.(qualify(relation)),
    lockBuild: (relation) => options.lockBuild?.(qualify(relation)),
    currentTimestamp: 'cast(current_timestamp as timestamp)',
    castText: (expression) => `cast(${expression} as varchar)`,
    deleteFrom: (relation, where) => `delete from ${qualify(relation)}${where ? ` where ${where}` : ''}`,
    addColumn: (relation, column, type) => `alter table ${qualify(relation)} add column ${quoteIdentifier(column)} ${type}`,
    dropColumn: (relation, column) => `alter table ${qualify(relation)} drop column ${quoteIdentifier(column)}`,
    alterColumnType: (relation, column, type) =>
      `alter table ${qualify(relation)} alter column ${quoteIdentifier(column)} type ${type} using cast(${quoteIdentifier(column)} as ${type})`,
  };

  function keyMatch(keys: readonly string[]): string {
    return keys.map((k) => `${DEST}.${quoteIdentifier(k)} is not distinct from ${SOURCE}.${quoteIdentifier(k)}`).join('\n  and ');
  }
}

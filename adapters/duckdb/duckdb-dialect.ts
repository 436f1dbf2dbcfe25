import type { SqlDialect } from '../../core/adapter/dialect.js';
import type { Relation } from '../../core/adapter/relation.js';
import { selectBody } from '../sql-text.js';

/** DuckDB SQL. Identifiers are always quoted, so names keep their case and may be keywords. */
export const duckdbDialect: SqlDialect = {
  quoteIdentifier: (name) => `"${name.replace(/"/g, '""')}"`,
  quoteString: (value) => `'${value.replace(/'/g, "''")}'`,
  qualify(relation: Relation) {
    const parts = relation.database ? [relation.database, relation.schema, relation.identifier] : [relation.schema, relation.identifier];
    return parts.map((p) => this.quoteIdentifier(p)).join('.');
  },
  createTableAs(relation, selectSql) {
    return `create table ${this.qualify(relation)} as\n${selectBody(selectSql)}`;
  },
  createViewAs(relation, selectSql, { replace }) {
    return `create ${replace ? 'or replace ' : ''}view ${this.qualify(relation)} as\n${selectBody(selectSql)}`;
  },
  rename(relation, kind, newIdentifier) {
    return `alter ${kind} ${this.qualify(relation)} rename to ${this.quoteIdentifier(newIdentifier)}`;
  },
  drop(relation, kind) {
    return `drop ${kind} if exists ${this.qualify(relation)}`;
  },
  createSchema(relation) {
    const parts = relation.database ? [relation.database, relation.schema] : [relation.schema];
    return `create schema if not exists ${parts.map((p) => this.quoteIdentifier(p)).join('.')}`;
  },
  createTableFromCsv(relation, csvPath) {
    return `create table ${this.qualify(relation)} as\nselect * from read_csv(${this.quoteString(csvPath)}, header = true, auto_detect = true)`;
  },
};

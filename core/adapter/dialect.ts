import type { InferredType } from '../project/seed-columns.js';
import type { Relation } from './relation.js';

/**
 * Pure SQL generation for one database: no I/O. Materializations build their statements
 * only through this interface, so golden files can pin each adapter's SQL.
 */
export interface SqlDialect {
  /** Quotes one identifier, escaping embedded quotes. */
  quoteIdentifier(name: string): string;
  /** Quotes a string literal, escaping embedded quotes. */
  quoteString(value: string): string;
  /** The fully qualified, quoted name of a relation. */
  qualify(relation: Relation): string;
  /** `create table <relation> as <select>`. */
  createTableAs(relation: Relation, selectSql: string): string;
  /** Creates (or replaces, where `replace` and the database allow it) a view. */
  createViewAs(relation: Relation, selectSql: string, options: { replace: boolean }): string;
  /** Renames a relation within its schema. */
  rename(relation: Relation, kind: 'table' | 'view', newIdentifier: string): string;
  /** `drop <kind> if exists <relation>`. */
  drop(relation: Relation, kind: 'table' | 'view'): string;
  /** `create schema if not exists <schema>`. */
  createSchema(relation: Pick<Relation, 'database' | 'schema'>): string;
  /** `create table <relation> (<name> <type>, ...)`. */
  createTable(relation: Relation, columns: readonly { name: string; type: string }[]): string;
  /** The SQL type a seed column of an inferred type gets. */
  seedType(type: InferredType): string;
}

import type { Relation } from './relation.js';

/** A type inferred from a seed column's values (core/project/seed-columns.ts); each dialect maps it to a SQL type. */
export type InferredType = 'integer' | 'bigint' | 'float' | 'boolean' | 'date' | 'timestamp' | 'text';

/** What a merge matches on and writes. */
export interface MergeOptions {
  /** Key columns. */
  keys: readonly string[];
  /** Columns inserted for new keys. */
  insertColumns: readonly string[];
  /** Columns updated for matched keys. */
  updateColumns: readonly string[];
  /** Extra conditions ANDed into the match (dbt's incremental_predicates). */
  predicates: readonly string[];
}

/**
 * Pure SQL generation for one database: no I/O. Materializations build their statements
 * only through this interface, so golden files can pin each adapter's SQL.
 */
export interface SqlDialect {
  /** dbt's name for this adapter's Relation class (`PostgresRelation`), which templates can read. */
  relationClass?: string;
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
  /**
   * Where a session-private scratch table of this name lives. Scratch tables hold an incremental
   * run's new rows or a snapshot's source copy: private to the session, so threads never collide,
   * and never written to disk where the database can avoid it.
   */
  scratchRelation(identifier: string): Relation;
  /** `create temporary table <relation> as <select>`, for a {@link scratchRelation}. */
  createScratchTableAs(relation: Relation, selectSql: string): string;
  /** `create table <relation> (<name> <type>, ...)`. */
  createTable(relation: Relation, columns: readonly { name: string; type: string }[], tableConstraints?: readonly string[]): string;
  /** The SQL type a seed column of an inferred type gets. */
  seedType(type: InferredType): string;
  /** `insert into <target> (<columns>) select <columns> from <source>`. */
  insertInto(target: Relation, source: Relation, columns: readonly string[]): string;
  /**
   * Deletes target rows whose key matches a source row, NULL-safely (`is not distinct from`), so a
   * NULL key replaces its old row instead of duplicating it. Aliases: DBT_INTERNAL_DEST/SOURCE.
   */
  deleteMatching(target: Relation, source: Relation, keys: readonly string[], predicates: readonly string[]): string;
  /** Merges source into target on NULL-safe key equality: matched rows updated, others inserted. */
  merge(target: Relation, source: Relation, options: MergeOptions): string;
  /** `delete from <relation> [where ...]`: transactional everywhere, unlike truncate. */
  deleteFrom(relation: Relation, where?: string): string;
  /** `alter table ... add column`. */
  addColumn(relation: Relation, column: string, type: string): string;
  /** `alter table ... drop column`. */
  dropColumn(relation: Relation, column: string): string;
  /** A statement that keeps other writers off a table until the transaction ends, where the database has one. */
  lockForWrite(relation: Relation): string | undefined;
  /**
   * A statement that makes other Strata builds of `relation` wait until this transaction ends,
   * whether or not the relation exists yet (Postgres: an advisory lock on its name). Undefined
   * where the database has none; its own write conflicts then fail the later build instead.
   */
  lockBuild?(relation: Relation): string | undefined;
  /** The current time as a timestamp without time zone, constant within a transaction. */
  currentTimestamp: string;
  /** An expression casting `expression` to text. */
  castText(expression: string): string;
  /** `alter table ... alter column ... type`, converting existing values. */
  alterColumnType(relation: Relation, column: string, type: string): string;
}

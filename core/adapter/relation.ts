/** A database object Strata reads from or builds. */
export interface Relation {
  /** Catalog/database name; omitted to use the connection's default. */
  database?: string;
  /** Schema the relation lives in. */
  schema: string;
  /** Table or view name. */
  identifier: string;
  /**
   * Set when the relation is files rather than a table (a file source, another project's external
   * model): the SQL that reads them, e.g. `read_parquet('/lake/orders/*.parquet')`. `ref()` and
   * `source()` render this instead of the name.
   */
  readAs?: string;
}

/** What exists in the database under a name. */
export type RelationKind = 'table' | 'view';

/** A relation found by introspection. */
export interface ExistingRelation extends Relation {
  /** Whether it is a table or a view. */
  kind: RelationKind;
}

/** A column found by introspection. */
export interface ColumnInfo {
  /** Column name as the database stores it. */
  name: string;
  /** Database type name, e.g. `INTEGER`, `character varying`. */
  dataType: string;
}

/** `schema.identifier` (with database when set), unquoted: for messages and lookups. */
export function relationKey(relation: Relation): string {
  return [relation.database, relation.schema, relation.identifier].filter((p) => p !== undefined).join('.');
}

import type { ColumnInfo, ExistingRelation, Relation } from './relation.js';

/** Rows returned by a query, as plain objects keyed by column name. */
export interface QueryResult {
  /** Column names, in select order. */
  columns: string[];
  /** One object per row; values are JS primitives (bigint for 64-bit integers). */
  rows: Record<string, unknown>[];
}

/** Options for one statement. */
export interface ExecuteOptions {
  /** Aborting cancels the statement on the server. */
  signal?: AbortSignal;
}

/** One open session with the database. Only `core/run` and adapters touch it. */
export interface Connection {
  /** Runs one statement and returns its rows (empty for DDL). */
  execute(sql: string, options?: ExecuteOptions): Promise<QueryResult>;
  /** Runs `fn` inside a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (connection: Connection) => Promise<T>): Promise<T>;
  /** Tables and views in one schema; empty when the schema does not exist. */
  listRelations(schema: Pick<Relation, 'database' | 'schema'>): Promise<ExistingRelation[]>;
  /** Columns of a relation in ordinal order; empty when it does not exist. */
  getColumns(relation: Relation): Promise<ColumnInfo[]>;
  /** Creates the schema when missing. */
  ensureSchema(schema: Pick<Relation, 'database' | 'schema'>): Promise<void>;
  /** Interrupts whatever statement is running. */
  cancel(): Promise<void>;
  /** Releases the session. */
  close(): Promise<void>;
}

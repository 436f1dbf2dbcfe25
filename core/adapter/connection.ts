import type { ColumnInfo, ExistingRelation, Relation } from './relation.js';

/** A foreign key of another table that points at a relation. */
export interface DependentForeignKey {
  /** The table that has the constraint. */
  table: Relation;
  /** Constraint name. */
  name: string;
  /** Its definition (`FOREIGN KEY (...) REFERENCES ...`), with relations fully qualified. */
  definition: string;
}

/** A view that depends on another relation. */
export interface DependentView {
  /** The view. */
  relation: Relation;
  /** Its select statement, with every relation fully qualified. */
  definition: string;
}

/** Rows returned by a query, as plain objects keyed by column name. */
export interface QueryResult {
  /** Column names, in select order. */
  columns: string[];
  /** One object per row; values are JS primitives (bigint for 64-bit integers). */
  rows: Record<string, unknown>[];
  /** Each column's database type name (`DECIMAL(18,3)`, `numeric`, `date`), where the driver says. */
  columnTypes?: string[];
  /** What the database said the statement did, where the driver says (run_results' `adapter_response`). */
  response?: StatementResponse;
}

/** A database's report on one statement, as dbt's `adapter_response`. */
export interface StatementResponse {
  /** The database's status text (`INSERT 0 5` on Postgres; `OK` on DuckDB, as dbt-duckdb). */
  message: string;
  /** The kind of statement (`INSERT`, `SELECT`, `CREATE`). */
  code: string;
  /** Rows the statement wrote or returned; -1 when the database does not say (DDL). */
  rowsAffected: number;
}

/** Options for one statement. */
export interface ExecuteOptions {
  /** Aborting cancels the statement on the server. */
  signal?: AbortSignal;
  /**
   * The SQL must be exactly one statement: the driver refuses a batch before any of it runs (data
   * tests' queries, so that a column name pasted into SQL cannot smuggle in a second statement).
   */
  single?: boolean;
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
  /**
   * Bulk-loads a CSV file (with a header row) into an existing table whose columns are `columns`,
   * in file order. Empty fields load as NULL. Resolves to the database's report, where it gives one.
   */
  loadCsv(
    relation: Relation,
    file: string,
    columns: readonly string[],
    options?: ExecuteOptions & { delimiter?: string },
  ): Promise<StatementResponse | undefined>;
  /**
   * Views that read `relation` directly, with their definitions written with fully qualified
   * names, so they can be re-pointed at a rebuilt relation. Empty where views bind late (DuckDB).
   */
  dependentViews(relation: Relation): Promise<DependentView[]>;
  /** Foreign keys of other tables that reference `relation` (empty where none can exist). */
  dependentForeignKeys(relation: Relation): Promise<DependentForeignKey[]>;
  /** Row counts of the tables in a schema, where the database keeps them cheaply (estimates allowed). */
  rowCounts(schema: Pick<Relation, 'database' | 'schema'>): Promise<Map<string, number>>;
  /** The columns (names and database types) a select returns, without running it for its rows. */
  describeQuery(sql: string): Promise<ColumnInfo[]>;
  /** Creates the schema when missing. */
  ensureSchema(schema: Pick<Relation, 'database' | 'schema'>): Promise<void>;
  /** Interrupts whatever statement is running. */
  cancel(): Promise<void>;
  /** Releases the session. */
  close(): Promise<void>;
}

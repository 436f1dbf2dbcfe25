import type { DuckDBConnection } from '@duckdb/node-api';
import type {
  Connection,
  DependentForeignKey,
  DependentView,
  ExecuteOptions,
  QueryResult,
  StatementResponse,
} from '../../core/adapter/connection.js';
import type { ColumnInfo, ExistingRelation, Relation } from '../../core/adapter/relation.js';
import { duckdbDialect } from './duckdb-dialect.js';
import { inTransaction } from '../transaction.js';
import { selectBody } from '../../core/adapter/sql-text.js';

/** One DuckDB connection of a shared in-process database. */
export class DuckDbSession implements Connection {
  constructor(private readonly conn: DuckDBConnection) {}

  async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    const { signal } = options;
    signal?.throwIfAborted();
    const onAbort = () => this.conn.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // A prepared statement is one statement: DuckDB refuses to prepare a batch.
      const reader = options.single ? await (await this.conn.prepare(sql)).runAndReadAll() : await this.conn.runAndReadAll(sql);
      const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
      return {
        columns: reader.columnNames(),
        rows,
        columnTypes: reader.columnTypes().map((t) => t.toString()),
        response: duckdbResponse(reader, rows),
      };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async transaction<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return inTransaction(
      (sql) => this.conn.run(sql),
      () => fn(this),
    );
  }

  // DuckDB's own catalog functions answer in well under a millisecond; information_schema takes
  // several, which adds up over thousands of nodes.
  async listRelations(schema: Pick<Relation, 'database' | 'schema'>): Promise<ExistingRelation[]> {
    const where = inSchema(schema);
    const { rows } = await this.execute(
      `select table_name as name, 'table' as kind from duckdb_tables() where ${where} union all select view_name, 'view' from duckdb_views() where ${where} and not internal`,
    );
    return rows.map((r) => ({
      ...(schema.database ? { database: schema.database } : {}),
      schema: schema.schema,
      identifier: String(r.name),
      kind: r.kind === 'view' ? 'view' : 'table',
    }));
  }

  async getColumns(relation: Relation): Promise<ColumnInfo[]> {
    const q = duckdbDialect.quoteString;
    const where = `${inSchema(relation)} and table_name = ${q(relation.identifier)}`;
    const { rows } = await this.execute(`select column_name, data_type from duckdb_columns() where ${where} order by column_index`);
    return rows.map((r) => ({ name: String(r.column_name), dataType: String(r.data_type) }));
  }

  async describeQuery(sql: string): Promise<ColumnInfo[]> {
    const { rows } = await this.execute(`describe select * from (\n${selectBody(sql)}) as q`);
    return rows.map((r) => ({ name: String(r.column_name), dataType: String(r.column_type) }));
  }

  async rowCounts(schema: Pick<Relation, 'database' | 'schema'>): Promise<Map<string, number>> {
    const { rows } = await this.execute(`select table_name, estimated_size from duckdb_tables() where ${inSchema(schema)}`);
    return new Map(rows.map((r) => [String(r.table_name), Number(r.estimated_size)]));
  }

  async loadCsv(
    relation: Relation,
    file: string,
    columns: readonly string[],
    options: ExecuteOptions & { delimiter?: string } = {},
  ): Promise<StatementResponse | undefined> {
    const d = duckdbDialect;
    // DuckDB's reader streams the file and parses each value straight into the table's type (the
    // table is new, so its types are the seed's); other types are read as text and cast by the
    // insert. Empty fields are NULL.
    const types = new Map((await this.getColumns(relation)).map((c) => [c.name, c.dataType]));
    const readAs = (column: string) => {
      const type = types.get(column) ?? 'VARCHAR';
      return CSV_TYPES.test(type) ? type : 'VARCHAR';
    };
    const read = `read_csv(${d.quoteString(file)}, header = true, auto_detect = false, delim = ${d.quoteString(options.delimiter ?? ',')}, quote = '"', escape = '"', columns = {${columns.map((c) => `${d.quoteString(c)}: ${d.quoteString(readAs(c))}`).join(', ')}})`;
    try {
      const { response } = await this.execute(
        `insert into ${d.qualify(relation)} (${columns.map((c) => d.quoteIdentifier(c)).join(', ')}) select * from ${read}`,
        options,
      );
      return response;
    } catch (err) {
      // The reader's line, row and column, without its advice on its own options (not Strata's).
      if (err instanceof Error && err.message.includes('CSV Error on Line')) err.message = err.message.split('\n\n')[0] as string;
      throw err;
    }
  }

  async dependentForeignKeys(): Promise<DependentForeignKey[]> {
    // Contracts never create foreign keys on DuckDB (see the adapter's capabilities).
    return [];
  }

  async dependentViews(): Promise<DependentView[]> {
    // DuckDB binds views by name when they are queried, so they follow a renamed-in relation.
    return [];
  }

  async ensureSchema(schema: Pick<Relation, 'database' | 'schema'>): Promise<void> {
    await this.conn.run(duckdbDialect.createSchema(schema));
  }

  async cancel(): Promise<void> {
    this.conn.interrupt();
  }

  async close(): Promise<void> {
    this.conn.closeSync();
  }
}

/** DuckDB's statement types by number (the driver's StatementType enum, without loading it). */
const STATEMENT_TYPES = (
  'INVALID SELECT INSERT UPDATE EXPLAIN DELETE PREPARE CREATE EXECUTE ALTER TRANSACTION COPY ANALYZE VARIABLE_SET CREATE_FUNC DROP ' +
  'EXPORT PRAGMA VACUUM CALL SET LOAD RELATION EXTENSION LOGICAL_PLAN ATTACH DETACH MULTI COPY_DATABASE UPDATE_EXTENSIONS MERGE_INTO'
).split(' ');

/** The driver's result kinds (its ResultReturnType enum). */
const CHANGED_ROWS = 1;
const QUERY_RESULT = 3;

/**
 * What a statement did, as dbt's adapter_response. The message is `OK`, as dbt-duckdb writes it;
 * the rows come from DuckDB: rows changed by DML, the `Count` a CREATE TABLE AS returns, or the
 * rows a query returned.
 */
function duckdbResponse(
  reader: { statementType: number; returnType: number; rowsChanged: number; columnNames(): string[] },
  rows: Record<string, unknown>[],
): StatementResponse {
  const code = STATEMENT_TYPES[reader.statementType] ?? 'UNKNOWN';
  const columns = reader.columnNames();
  const rowsAffected =
    reader.returnType === CHANGED_ROWS
      ? reader.rowsChanged
      : reader.returnType === QUERY_RESULT
        ? rows.length
        : columns.length === 1 && columns[0] === 'Count' && rows.length === 1
          ? Number(rows[0]?.Count)
          : -1;
  return { message: 'OK', code, rowsAffected };
}

/** Types DuckDB's CSV reader parses itself. */
const CSV_TYPES =
  /^(BOOLEAN|U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\)|DATE|TIME|TIMESTAMP( WITH TIME ZONE)?|VARCHAR|UUID)$/;

/** Filter for DuckDB's catalog functions: one schema of the given (or the current) database. */
function inSchema(schema: Pick<Relation, 'database' | 'schema'>): string {
  const q = duckdbDialect.quoteString;
  return `schema_name = ${q(schema.schema)} and database_name = ${schema.database ? q(schema.database) : 'current_database()'}`;
}

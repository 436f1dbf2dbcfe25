import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import type {
  Connection,
  DependentForeignKey,
  DependentView,
  ExecuteOptions,
  QueryResult,
  StatementResponse,
} from '../../core/adapter/connection.js';
import type { ColumnInfo, ExistingRelation, Relation } from '../../core/adapter/relation.js';
import { postgresDialect as d } from './postgres-dialect.js';
import { inTransaction } from '../transaction.js';
import { loadDriver } from '../load-driver.js';
import type * as PgCopyStreams from 'pg-copy-streams';
import { selectBody } from '../../core/adapter/sql-text.js';
import { explainQueryError } from './query-error.js';

/** Direct dependents of a relation that are views, with their definitions. */
const DEPENDENT_VIEWS_SQL = `
select distinct n.nspname as schema_name, v.relname as view_name, pg_get_viewdef(v.oid) as definition
from pg_depend dep
join pg_rewrite rw on rw.oid = dep.objid and dep.classid = 'pg_rewrite'::regclass
join pg_class v on v.oid = rw.ev_class
join pg_namespace n on n.oid = v.relnamespace
where dep.refobjid = to_regclass($1) and v.oid <> dep.refobjid and v.relkind = 'v'
order by 1, 2`;

/** Names of the built-in types whose values templates convert (pg_type oids, which are fixed). */
const TYPE_NAMES: Record<number, string> = {
  16: 'boolean',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  25: 'text',
  700: 'real',
  701: 'double precision',
  1043: 'character varying',
  1082: 'date',
  1114: 'timestamp',
  1184: 'timestamptz',
  1700: 'numeric',
};

/** Commands whose status text carries a row count (`INSERT` also the oid, always 0 now). */
const COUNTED = new Set(['SELECT', 'UPDATE', 'DELETE', 'MERGE', 'COPY', 'FETCH', 'MOVE']);

/**
 * What a statement did, as dbt-postgres's adapter_response: the server's status text rebuilt from
 * the driver's parse of it (`INSERT 0 5`, `SELECT 3`, `CREATE`), its command, and the rows (-1 for DDL).
 */
function postgresResponse(result: Pick<pg.QueryResult, 'command' | 'rowCount' | 'oid'>): StatementResponse {
  const code = result.command ?? '';
  const rows = result.rowCount ?? -1;
  const message = code === 'INSERT' ? `INSERT ${result.oid ?? 0} ${rows}` : COUNTED.has(code) && rows >= 0 ? `${code} ${rows}` : code;
  return { message, code, rowsAffected: rows };
}

/** One Postgres session. Cancellation goes through a second, short-lived session. */
export class PostgresSession implements Connection {
  constructor(
    private readonly client: pg.Client,
    private readonly openSide: () => Promise<pg.Client>,
  ) {}

  async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    return this.withAbort(options.signal, async () => {
      // The extended protocol takes one statement only (pg's `queryMode`, missing from its types).
      const query: pg.QueryArrayConfig & { queryMode?: 'extended' } = {
        text: sql,
        rowMode: 'array',
        ...(options.single ? { queryMode: 'extended' } : {}),
      };
      const result = await this.client.query(query).catch((err: unknown) => {
        throw explainQueryError(err, sql);
      });
      const last = Array.isArray(result) ? (result[result.length - 1] as pg.QueryResult) : result;
      const columns = (last.fields ?? []).map((f) => f.name);
      const rows = ((last.rows ?? []) as unknown[][]).map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
      return {
        columns,
        rows,
        columnTypes: (last.fields ?? []).map((f) => TYPE_NAMES[f.dataTypeID] ?? 'unknown'),
        response: postgresResponse(last),
      };
    });
  }

  async transaction<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return inTransaction(
      (sql) => this.client.query(sql),
      () => fn(this),
    );
  }

  async listRelations(schema: Pick<Relation, 'database' | 'schema'>): Promise<ExistingRelation[]> {
    const { rows } = await this.client.query<{ name: string; kind: string }>(
      `select c.relname as name, c.relkind as kind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'f')`,
      [schema.schema],
    );
    return rows.map((r) => ({
      ...(schema.database ? { database: schema.database } : {}),
      schema: schema.schema,
      identifier: r.name,
      kind: r.kind === 'v' || r.kind === 'm' ? 'view' : 'table',
    }));
  }

  async getColumns(relation: Relation): Promise<ColumnInfo[]> {
    const { rows } = await this.client.query<{ name: string; type: string }>(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped order by a.attnum`,
      [d.qualify({ schema: relation.schema, identifier: relation.identifier })],
    );
    return rows.map((r) => ({ name: r.name, dataType: r.type }));
  }

  async describeQuery(sql: string): Promise<ColumnInfo[]> {
    const result = await this.client.query(`select * from (\n${selectBody(sql)}) as q limit 0`);
    const types = await this.client.query<{ t: string }>(
      `select format_type(f.oid::oid, f.mod::int) as t from unnest($1::int[], $2::int[]) with ordinality as f(oid, mod, n) order by n`,
      [result.fields.map((f) => f.dataTypeID), result.fields.map((f) => f.dataTypeModifier)],
    );
    return result.fields.map((f, i) => ({ name: f.name, dataType: types.rows[i]?.t ?? 'unknown' }));
  }

  async rowCounts(schema: Pick<Relation, 'database' | 'schema'>): Promise<Map<string, number>> {
    // The planner's estimate: free to read, exact after ANALYZE (-1 means never analyzed).
    const { rows } = await this.client.query<{ name: string; n: string }>(
      `select c.relname as name, c.reltuples::bigint as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind in ('r', 'p') and c.reltuples >= 0`,
      [schema.schema],
    );
    return new Map(rows.map((r) => [r.name, Number(r.n)]));
  }

  async loadCsv(
    relation: Relation,
    file: string,
    columns: readonly string[],
    options: ExecuteOptions & { delimiter?: string } = {},
  ): Promise<StatementResponse | undefined> {
    const sql = `copy ${d.qualify(relation)} (${columns.map((c) => d.quoteIdentifier(c)).join(', ')}) from stdin with (format csv, header true, delimiter ${d.quoteString(options.delimiter ?? ',')})`;
    const { from: copyFrom } = loadDriver<typeof PgCopyStreams>('pg-copy-streams');
    try {
      const copy = this.client.query(copyFrom(sql));
      // A COPY FROM STDIN is cancelled from this side (CopyFail, sent by the stream's destroy): a
      // backend waiting for the next data does not act on pg_cancel_backend until data arrives.
      const signal = options.signal;
      signal?.throwIfAborted();
      const onAbort = () => copy.destroy(new Error('canceling statement due to user request'));
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await pipeline(createReadStream(file), copy);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      return { message: `COPY ${copy.rowCount}`, code: 'COPY', rowsAffected: copy.rowCount };
    } catch (err) {
      // Where in the file: "COPY s, line 40001, column code: "A7"".
      const where = (err as { where?: string }).where;
      if (err instanceof Error && where) err.message = `${err.message} (${where.replace(/^COPY [^,]*, /, '')})`;
      throw err;
    }
  }

  async dependentForeignKeys(relation: Relation): Promise<DependentForeignKey[]> {
    return this.withEmptySearchPath(async () => {
      const { rows } = await this.client.query<{ schema_name: string; table_name: string; name: string; definition: string }>(
        `select n.nspname as schema_name, t.relname as table_name, c.conname as name, pg_get_constraintdef(c.oid) as definition
         from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
         where c.contype = 'f' and c.confrelid = to_regclass($1) and c.conrelid <> c.confrelid order by 1, 2, 3`,
        [d.qualify({ schema: relation.schema, identifier: relation.identifier })],
      );
      return rows.map((r) => ({
        table: { ...(relation.database ? { database: relation.database } : {}), schema: r.schema_name, identifier: r.table_name },
        name: r.name,
        definition: r.definition,
      }));
    });
  }

  /** Runs `fn` with an empty search_path, so definitions come back fully qualified. */
  private async withEmptySearchPath<T>(fn: () => Promise<T>): Promise<T> {
    await this.client.query('begin');
    try {
      await this.client.query("select set_config('search_path', '', true)");
      return await fn();
    } finally {
      await this.client.query('commit');
    }
  }

  async dependentViews(relation: Relation): Promise<DependentView[]> {
    // An empty search_path makes pg_get_viewdef qualify every relation, so the text still means
    // the same relations after the swap.
    return this.withEmptySearchPath(async () => {
      const { rows } = await this.client.query<{ schema_name: string; view_name: string; definition: string }>(DEPENDENT_VIEWS_SQL, [
        d.qualify({ schema: relation.schema, identifier: relation.identifier }),
      ]);
      return rows.map((r) => ({
        relation: { ...(relation.database ? { database: relation.database } : {}), schema: r.schema_name, identifier: r.view_name },
        definition: r.definition,
      }));
    });
  }

  async ensureSchema(schema: Pick<Relation, 'database' | 'schema'>): Promise<void> {
    // Concurrent sessions may race to create the same schema; the loser's error is harmless.
    try {
      await this.client.query(d.createSchema(schema));
    } catch (err) {
      if ((err as { code?: string }).code !== '23505' && (err as { code?: string }).code !== '42P06') throw err;
    }
  }

  async cancel(): Promise<void> {
    const side = await this.openSide();
    try {
      await side.query('select pg_cancel_backend($1)', [(this.client as pg.Client & { processID: number }).processID]);
    } finally {
      await side.end();
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  /** Runs `fn`, cancelling its statement on the server if `signal` aborts meanwhile. */
  private async withAbort<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    const onAbort = () => void this.cancel().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

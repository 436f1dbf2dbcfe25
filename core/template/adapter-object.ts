import type { QueryResult } from '../adapter/connection.js';
import type { SqlDialect } from '../adapter/dialect.js';
import type { ColumnInfo, ExistingRelation, Relation } from '../adapter/relation.js';
import { TemplateCallError, splitArgs } from './call-args.js';
import { ColumnValue, type ColumnFlavour } from './column-value.js';
import { RelationValue, makeRelation } from './relation-value.js';
import { AgateTable, agateTable, statementResult } from './result-table.js';
import { PyTuple, isDict, str } from './py-values.js';

/**
 * What templates may ask the database, synchronously: the compile pass answers from what it
 * fetched in an earlier round and records anything new (docs/compatibility.md, "How it works").
 * Statements that change the database (drop, rename, create schema) run once per node build.
 */
export interface DatabaseAccess {
  dialect: SqlDialect;
  findRelation(relation: Relation): ExistingRelation | null;
  columns(relation: Relation): ColumnInfo[];
  listRelations(schema: Pick<Relation, 'database' | 'schema'>): ExistingRelation[];
  schemaExists(schema: Pick<Relation, 'database' | 'schema'>): boolean;
  describe(sql: string): ColumnInfo[];
  query(sql: string): QueryResult;
}

/** Which dbt Column class an adapter's columns follow. */
export function columnFlavour(dialect: SqlDialect | undefined): ColumnFlavour {
  return dialect?.relationClass === 'PostgresRelation' ? 'postgres' : dialect?.relationClass === 'DuckDBRelation' ? 'duckdb' : 'default';
}

interface AdapterHooks {
  /** The active render's database access (none while parsing or without a database). */
  database(): DatabaseAccess | undefined;
  /** The target's adapter type. */
  type(): string;
  /** `adapter.dispatch(name, namespace)`. */
  dispatch(name: string, namespace: string | undefined): (...args: unknown[]) => unknown;
}

/** dbt's `adapter` object: dispatch, quoting, and the introspection and DDL methods packages call. */
export function adapterObject(hooks: AdapterHooks): Record<string, unknown> {
  const db = hooks.database;
  const quote = (identifier: unknown) => db()?.dialect.quoteIdentifier(String(identifier)) ?? `"${String(identifier).replace(/"/g, '""')}"`;
  const relationOf = (value: unknown, method: string): RelationValue => {
    if (value instanceof RelationValue) return value;
    throw new TemplateCallError('template-render', `adapter.${method}() expects a relation, got ${str(value)}`);
  };
  const found = (access: DatabaseAccess, relation: Relation): RelationValue | null => {
    const existing = access.findRelation(relation);
    return existing ? makeRelation(existing, access.dialect, { type: existing.kind }) : null;
  };
  const columnsOf = (access: DatabaseAccess, relation: Relation) =>
    access.columns(relation).map((c) => ColumnValue.fromDescription(c.name, c.dataType, columnFlavour(access.dialect)));
  /** A DDL statement on a relation whose kind is needed: known from the relation, else looked up. */
  const withKind = (access: DatabaseAccess, value: RelationValue, run: (relation: Relation, kind: 'table' | 'view') => void) => {
    const relation = value.toRelation();
    const kind = value.type === 'table' || value.type === 'view' ? value.type : access.findRelation(relation)?.kind;
    if (kind) run(relation, kind);
  };
  return {
    dispatch: (name: unknown, namespace?: unknown) =>
      hooks.dispatch(String(name), namespace === undefined || namespace === null ? undefined : String(namespace)),
    type: () => hooks.type(),
    quote,
    quote_as_configured: (identifier: unknown) => quote(identifier),
    quote_seed_column: (column: unknown, quoteConfig?: unknown) => (quoteConfig === false ? String(column) : quote(column)),
    get_relation: (...args: unknown[]) => {
      const access = db();
      const { positional, keywords } = splitArgs(args);
      const [database, schema, identifier] = (['database', 'schema', 'identifier'] as const)
        .map((k, i) => keywords[k] ?? positional[i])
        .map((v) => (v === null || v === undefined ? undefined : String(v)));
      if (!access || !schema || !identifier) return null;
      return found(access, { schema, identifier, ...(database ? { database } : {}) });
    },
    already_exists: (schema: unknown, name: unknown) => {
      const access = db();
      return access ? access.findRelation({ schema: String(schema), identifier: String(name) }) !== null : false;
    },
    check_schema_exists: (...args: unknown[]) => {
      const access = db();
      const { positional, keywords } = splitArgs(args);
      const database = keywords.database ?? positional[0];
      const schema = String(keywords.schema ?? positional[1]);
      return access ? access.schemaExists({ schema, ...(database ? { database: String(database) } : {}) }) : false;
    },
    get_columns_in_relation: (relation: unknown) => {
      const access = db();
      return access && relation instanceof RelationValue ? columnsOf(access, relation.toRelation()) : [];
    },
    get_missing_columns: (from: unknown, to: unknown) => {
      const access = db();
      if (!access) return [];
      const present = new Set(columnsOf(access, relationOf(to, 'get_missing_columns').toRelation()).map((c) => c.name.toLowerCase()));
      return columnsOf(access, relationOf(from, 'get_missing_columns').toRelation()).filter((c) => !present.has(c.name.toLowerCase()));
    },
    get_columns_in_query: (sql: unknown) =>
      db()
        ?.describe(String(sql))
        .map((c) => c.name) ?? [],
    list_relations_without_caching: (schemaRelation: unknown) => {
      const access = db();
      if (!access) return [];
      const { database, schema } = relationOf(schemaRelation, 'list_relations_without_caching').toRelation();
      return access
        .listRelations({ schema, ...(database ? { database } : {}) })
        .map((r) => makeRelation(r, access.dialect, { type: r.kind }));
    },
    drop_relation: (relation: unknown) => {
      const access = db();
      if (access)
        withKind(access, relationOf(relation, 'drop_relation'), (r, kind) => access.query(`${access.dialect.drop(r, kind)} cascade`));
      return '';
    },
    rename_relation: (from: unknown, to: unknown) => {
      const access = db();
      const target = relationOf(to, 'rename_relation').toRelation();
      if (access)
        withKind(access, relationOf(from, 'rename_relation'), (r, kind) => access.query(access.dialect.rename(r, kind, target.identifier)));
      return '';
    },
    truncate_relation: (relation: unknown) => {
      const access = db();
      access?.query(access.dialect.deleteFrom(relationOf(relation, 'truncate_relation').toRelation()));
      return '';
    },
    create_schema: (relation: unknown) => {
      const access = db();
      const { database, schema } = relationOf(relation, 'create_schema').toRelation();
      access?.query(access.dialect.createSchema({ schema, ...(database ? { database } : {}) }));
      return '';
    },
    drop_schema: (relation: unknown) => {
      const access = db();
      const { schema } = relationOf(relation, 'drop_schema').toRelation();
      access?.query(`drop schema if exists ${access.dialect.quoteIdentifier(schema)} cascade`);
      return '';
    },
    expand_target_column_types: (from: unknown, to: unknown) => {
      const access = db();
      if (!access) return '';
      const target = relationOf(to, 'expand_target_column_types').toRelation();
      const wider = new Map(
        columnsOf(access, relationOf(from, 'expand_target_column_types').toRelation()).map((c) => [c.name.toLowerCase(), c]),
      );
      for (const column of columnsOf(access, target)) {
        const source = wider.get(column.name.toLowerCase());
        if (source && column.can_expand_to(source))
          access.query(access.dialect.alterColumnType(target, column.name, `character varying(${source.string_size()})`));
      }
      return '';
    },
    // dbt's adapter.execute(sql, fetch=False): (response, table).
    execute: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const result = db()?.query(String(keywords.sql ?? positional[0])) ?? { columns: [], rows: [] };
      const table = agateTable(result);
      const fetch = Boolean(keywords.fetch ?? positional[2] ?? false);
      return PyTuple.of(statementResult(table, result.rows.length).response, fetch ? table : new AgateTable([], [], []));
    },
    standardize_grants_dict: (grants: unknown) => {
      const out: Record<string, string[]> = {};
      if (!(grants instanceof AgateTable)) return out;
      for (const row of grants.rows.pyItems()) {
        const record = isDict(row) ? row : (row as { dict(): Record<string, unknown> }).dict();
        const privilege = String(record.privilege_type ?? '').toLowerCase();
        (out[privilege] ??= []).push(String(record.grantee));
      }
      return out;
    },
    commit: () => '',
  };
}

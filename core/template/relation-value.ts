import type { SqlDialect } from '../adapter/dialect.js';
import type { Relation } from '../adapter/relation.js';
import { splitArgs } from './call-args.js';
import { PyObject, isDict } from './py-values.js';

/** dbt's relation path: each part may be missing (None). */
export interface RelationPath {
  database: string | null;
  schema: string | null;
  identifier: string | null;
}

/** dbt's include and quote policies: which parts render, and which are quoted. */
export type RelationPolicy = Record<keyof RelationPath, boolean>;

/** How one adapter writes relations: its identifier quoting and dbt's class name for it. */
export interface RelationStyle {
  quote(identifier: string): string;
  /** dbt's class name (`PostgresRelation`), which `relation.get('metadata')` reports. */
  className: string;
  /** Whether `information_schema()` names the database: DuckDB has one information_schema for all catalogs. */
  catalogInformationSchema: boolean;
}

interface RelationInit {
  path: RelationPath;
  type?: string | null;
  include?: RelationPolicy;
  quoting?: RelationPolicy;
  style: RelationStyle;
  /** What the relation renders as in SQL when not its name: an ephemeral's CTE, a filtered subquery. */
  renderedAs?: string;
  /** dbt's `information_schema_view`: a part rendered after the others (`INFORMATION_SCHEMA.columns`). */
  view?: string;
}

const PARTS = ['database', 'schema', 'identifier'] as const;
const ALL: RelationPolicy = { database: true, schema: true, identifier: true };
const DEFAULT_STYLE: RelationStyle = {
  quote: (p) => `"${p.replace(/"/g, '""')}"`,
  className: 'BaseRelation',
  catalogInformationSchema: true,
};

/**
 * dbt's Relation as templates see it: prints as its quoted name, is a mapping (`relation is
 * mapping`, `relation.get('metadata')`, as dbt_utils checks), compares by value, and has dbt's
 * methods (`include`, `quote`, `incorporate`, `information_schema`, `without_identifier`, …).
 * Immutable: every method returns a new relation.
 */
export class RelationValue extends PyObject {
  readonly pyType: string;
  readonly type: string | null;
  private readonly parts: RelationPath;
  private readonly includePolicy: RelationPolicy;
  private readonly quotePolicy: RelationPolicy;
  private readonly style: RelationStyle;
  private readonly renderedAs: string | undefined;
  private readonly view: string | undefined;
  /** The rendered name, made once: a model referenced by many others prints it many times. */
  private rendered: string | undefined;

  constructor(init: RelationInit) {
    super();
    this.parts = init.path;
    this.type = init.type ?? null;
    this.includePolicy = init.include ?? ALL;
    this.quotePolicy = init.quoting ?? ALL;
    this.style = init.style;
    this.renderedAs = init.renderedAs;
    this.view = init.view;
    this.pyType = init.style.className;
  }

  get database(): string | null {
    return this.parts.database;
  }
  get schema(): string | null {
    return this.parts.schema;
  }
  get identifier(): string | null {
    return this.parts.identifier;
  }
  /** dbt's aliases for `identifier`. */
  get name(): string | null {
    return this.parts.identifier;
  }
  get table(): string | null {
    return this.parts.identifier;
  }
  get path(): Record<string, unknown> {
    return { ...this.parts };
  }
  get include_policy(): Record<string, unknown> {
    return { ...this.includePolicy };
  }
  get quote_policy(): Record<string, unknown> {
    return { ...this.quotePolicy };
  }
  get quote_character(): string {
    return '"';
  }
  get is_table(): boolean {
    return this.type === 'table';
  }
  get is_view(): boolean {
    return this.type === 'view';
  }
  get is_cte(): boolean {
    return this.type === 'cte';
  }
  get is_materialized_view(): boolean {
    return this.type === 'materialized_view';
  }
  // dbt's relation type constants (`relation.View`, `api.Relation.Table`).
  get Table(): string {
    return 'table';
  }
  get View(): string {
    return 'view';
  }
  get CTE(): string {
    return 'cte';
  }
  get External(): string {
    return 'external';
  }
  get MaterializedView(): string {
    return 'materialized_view';
  }

  /** The relation as Strata's adapters address it. */
  toRelation(): Relation {
    return {
      schema: this.parts.schema ?? '',
      identifier: this.parts.identifier ?? '',
      ...(this.parts.database ? { database: this.parts.database } : {}),
    };
  }

  /** dbt's `render()`: the included parts, quoted per policy, joined with dots. */
  render(): string {
    return (this.rendered ??= this.joinParts());
  }

  private joinParts(): string {
    const parts = PARTS.filter((p) => this.includePolicy[p] && this.parts[p] !== null && this.parts[p] !== '').map((p) =>
      this.quotePolicy[p] ? this.style.quote(this.parts[p] as string) : (this.parts[p] as string),
    );
    return [...parts, ...(this.view ? [this.view] : [])].join('.');
  }

  /** What `{{ relation }}` prints: the name, or the CTE/subquery the relation stands for. */
  override toString(): string {
    return this.renderedAs ?? this.render();
  }

  /** `include(database=False, schema=False, identifier=True)`: which parts render. */
  include(...args: unknown[]): RelationValue {
    return this.with({ include: { ...this.includePolicy, ...policyArgs(args) }, renderedAs: undefined });
  }

  /** `quote(identifier=False)`: which parts are quoted. */
  quote(...args: unknown[]): RelationValue {
    return this.with({ quoting: { ...this.quotePolicy, ...policyArgs(args) }, renderedAs: undefined });
  }

  /** `incorporate(path={'identifier': …}, type='view')`: a copy with some parts replaced. */
  incorporate(...args: unknown[]): RelationValue {
    const { keywords } = splitArgs(args);
    const path = isDict(keywords.path) ? keywords.path : {};
    const next: RelationPath = { ...this.parts };
    for (const part of PARTS) if (part in path) next[part] = textOrNull(path[part]);
    return this.with({
      path: next,
      ...('type' in keywords ? { type: textOrNull(keywords.type) } : {}),
      ...(isDict(keywords.include_policy)
        ? { include: { ...this.includePolicy, ...policyArgs([{ ...keywords.include_policy, __keywords: true }]) } }
        : {}),
      ...(isDict(keywords.quote_policy)
        ? { quoting: { ...this.quotePolicy, ...policyArgs([{ ...keywords.quote_policy, __keywords: true }]) } }
        : {}),
      renderedAs: undefined,
    });
  }

  /** `replace_path(identifier=…)`. */
  replace_path(...args: unknown[]): RelationValue {
    return this.incorporate({ path: splitArgs(args).keywords, __keywords: true });
  }

  /** `information_schema('columns')`: `<database>.INFORMATION_SCHEMA.columns`, as dbt renders it (DuckDB: without the database, which it refuses there). */
  information_schema(view?: unknown): RelationValue {
    return new RelationValue({
      path: { database: this.parts.database, schema: null, identifier: 'INFORMATION_SCHEMA' },
      type: 'view',
      include: { database: this.parts.database !== null && this.style.catalogInformationSchema, schema: false, identifier: true },
      quoting: { ...this.quotePolicy, identifier: false },
      style: this.style,
      ...(typeof view === 'string' ? { view } : {}),
    });
  }

  information_schema_only(): RelationValue {
    return this.information_schema();
  }

  /** The database and schema only, e.g. to create or list a schema. */
  without_identifier(): RelationValue {
    return this.with({
      path: { ...this.parts, identifier: null },
      include: { ...this.includePolicy, identifier: false },
      renderedAs: undefined,
    });
  }

  /** Whether the given parts equal this relation's (case-insensitively where unquoted). */
  matches(...args: unknown[]): boolean {
    const { positional, keywords } = splitArgs(args);
    return PARTS.every((part, i) => {
      const wanted = keywords[part] ?? positional[i];
      return wanted === undefined || wanted === null || String(wanted).toLowerCase() === (this.parts[part] ?? '').toLowerCase();
    });
  }

  /** dbt's override of Mapping.get: `metadata` names the class, as dbt_utils' relation checks read it. */
  get(key: unknown, fallback: unknown = null): unknown {
    if (key === 'metadata') return { type: this.pyType };
    const value = this.asDict()[String(key)];
    return value === undefined ? fallback : value;
  }

  keys(): string[] {
    return Object.keys(this.asDict());
  }
  values(): unknown[] {
    return Object.values(this.asDict());
  }
  items(): unknown[][] {
    return Object.entries(this.asDict());
  }

  override pyKeys(): unknown[] {
    return this.keys();
  }
  override pyEquals(other: unknown): boolean {
    return (
      other instanceof RelationValue && other.pyType === this.pyType && JSON.stringify(other.asDict()) === JSON.stringify(this.asDict())
    );
  }
  override pyRepr(): string {
    return `<${this.pyType} ${this.render()}>`;
  }

  /** dbt's `to_dict()`: what the mapping holds. */
  private asDict(): Record<string, unknown> {
    return {
      path: this.path,
      type: this.type,
      quote_character: '"',
      include_policy: this.include_policy,
      quote_policy: this.quote_policy,
      dbt_created: false,
      limit: null,
      require_alias: true,
    };
  }

  private with(changes: Partial<RelationInit>): RelationValue {
    return new RelationValue({
      path: this.parts,
      type: this.type,
      include: this.includePolicy,
      quoting: this.quotePolicy,
      style: this.style,
      renderedAs: this.renderedAs,
      view: this.view,
      ...changes,
    });
  }
}

/** `database=…, schema=…, identifier=…` (by keyword or position) as a partial policy. */
function policyArgs(args: unknown[]): Partial<RelationPolicy> {
  const { positional, keywords } = splitArgs(args);
  const out: Partial<RelationPolicy> = {};
  PARTS.forEach((part, i) => {
    const value = keywords[part] ?? positional[i];
    if (value !== undefined && value !== null) out[part] = Boolean(value);
  });
  return out;
}

function textOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : String(value);
}

const styles = new WeakMap<SqlDialect, RelationStyle>();

/** A dialect's relation style (one per dialect, so relations of one adapter compare equal). */
export function relationStyle(dialect: SqlDialect): RelationStyle {
  let style = styles.get(dialect);
  if (!style)
    styles.set(
      dialect,
      (style = {
        quote: (p) => dialect.quoteIdentifier(p),
        className: dialect.relationClass ?? 'BaseRelation',
        catalogInformationSchema: dialect.relationClass !== 'DuckDBRelation',
      }),
    );
  return style;
}

/** A relation of `dialect`, optionally of a known type and rendered as something else (a subquery). */
export function makeRelation(
  relation: Relation,
  dialect: SqlDialect,
  options: { type?: string | null; renderedAs?: string } = {},
): RelationValue {
  return new RelationValue({
    path: { database: relation.database ?? null, schema: relation.schema, identifier: relation.identifier },
    style: relationStyle(dialect),
    ...(relation.readAs === undefined ? {} : { renderedAs: relation.readAs }),
    ...options,
  });
}

const rendered = new WeakMap<Relation, { dialect: SqlDialect; value: RelationValue }>();

/**
 * A relation rendered through an adapter's dialect. Values are immutable, so one is kept per
 * relation: a model referenced by hundreds of others is quoted and joined once, not each time.
 */
export function relationValue(relation: Relation, dialect: SqlDialect): RelationValue {
  const known = rendered.get(relation);
  if (known?.dialect === dialect) return known.value;
  const value = makeRelation(relation, dialect);
  rendered.set(relation, { dialect, value });
  return value;
}

/** What ref/source/this render as in the parse pass, where no relation is known yet. */
export function placeholderRelation(name: string): RelationValue {
  return new RelationValue({
    path: { database: null, schema: '__strata_parse__', identifier: name },
    style: DEFAULT_STYLE,
    renderedAs: `__strata_parse__.${name}`,
  });
}

/** dbt's name prefix for the CTE an ephemeral model is inlined as; packages test names for it. */
export const EPHEMERAL_PREFIX = '__dbt__cte__';

/** dbt's `api.Relation.add_ephemeral_prefix(name)`. */
export function addEphemeralPrefix(name: unknown): string {
  return `${EPHEMERAL_PREFIX}${String(name)}`;
}

/** A named CTE that stands in for an ephemeral model (dbt's `is_cte`). */
export function cteRelation(cteName: string, dialect: SqlDialect): RelationValue {
  return new RelationValue({ path: { database: null, schema: null, identifier: cteName }, type: 'cte', style: relationStyle(dialect) });
}

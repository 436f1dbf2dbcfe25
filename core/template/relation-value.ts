import type { SqlDialect } from '../adapter/dialect.js';
import type { Relation } from '../adapter/relation.js';

/**
 * A relation as templates see it: renders as its quoted name and exposes
 * `database`, `schema`, `identifier` and `name` like dbt's Relation.
 */
export class RelationValue {
  readonly database: string | undefined;
  readonly schema: string;
  readonly identifier: string;
  private readonly rendered: string;

  /** `quote` (the dialect's identifier quoting) lets `include()` render a shorter name. */
  constructor(relation: Relation, rendered: string, private readonly quote?: (identifier: string) => string) {
    this.database = relation.database;
    this.schema = relation.schema;
    this.identifier = relation.identifier;
    this.rendered = rendered;
  }

  /** dbt's alias for `identifier`. */
  get name(): string {
    return this.identifier;
  }

  /** Rendered SQL name. */
  toString(): string {
    return this.rendered;
  }

  /** dbt's `relation.render()`: the SQL name. */
  render(): string {
    return this.rendered;
  }

  /**
   * dbt's `relation.include(database=False, schema=False, identifier=True)`: the same relation
   * rendered with only some of its parts, e.g. `"orders"` for `include(database=False, schema=False)`.
   */
  include(...args: unknown[]): RelationValue {
    const keep = (args.find((a) => a !== null && typeof a === 'object') ?? {}) as Record<string, unknown>;
    if (!this.quote) return this;
    return new RelationValue(this, this.joined([keep.database !== false ? this.database : undefined, keep.schema !== false ? this.schema : undefined, keep.identifier !== false ? this.identifier : undefined]), this.quote);
  }

  /** dbt's `relation.incorporate(path={'identifier': …})`: a relation with some parts replaced. */
  incorporate(...args: unknown[]): RelationValue {
    const options = (args.find((a) => a !== null && typeof a === 'object') ?? {}) as { path?: Partial<Relation> };
    const relation: Relation = { schema: options.path?.schema ?? this.schema, identifier: options.path?.identifier ?? this.identifier, ...((options.path?.database ?? this.database) ? { database: options.path?.database ?? this.database } : {}) };
    if (!this.quote) return new RelationValue(relation, this.rendered);
    return new RelationValue(relation, this.joined([relation.database, relation.schema, relation.identifier]), this.quote);
  }

  /** The given parts, quoted and joined with dots (absent and empty parts left out). */
  private joined(parts: (string | undefined)[]): string {
    const quote = this.quote ?? ((p: string) => p);
    return parts.filter((p): p is string => p !== undefined && p !== '').map((p) => quote(p)).join('.');
  }
}

const rendered = new WeakMap<Relation, { dialect: SqlDialect; value: RelationValue }>();

/**
 * A relation rendered through an adapter's dialect. Values are immutable, so one is kept per
 * relation: a model referenced by hundreds of others is quoted and joined once, not each time.
 */
export function relationValue(relation: Relation, dialect: SqlDialect): RelationValue {
  const known = rendered.get(relation);
  if (known?.dialect === dialect) return known.value;
  const value = new RelationValue(relation, dialect.qualify(relation), (identifier) => dialect.quoteIdentifier(identifier));
  rendered.set(relation, { dialect, value });
  return value;
}

/** What ref/source/this render as in the parse pass, where no relation is known yet. */
export function placeholderRelation(name: string): RelationValue {
  return new RelationValue({ schema: '__strata_parse__', identifier: name }, `__strata_parse__.${name}`);
}

/** A named CTE that stands in for an ephemeral model. */
export function cteRelation(cteName: string, dialect: SqlDialect): RelationValue {
  return new RelationValue({ schema: '', identifier: cteName }, dialect.quoteIdentifier(cteName));
}

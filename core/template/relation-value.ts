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

  constructor(relation: Relation, rendered: string) {
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
}

/** A relation rendered through an adapter's dialect. */
export function relationValue(relation: Relation, dialect: SqlDialect): RelationValue {
  return new RelationValue(relation, dialect.qualify(relation));
}

/** What ref/source/this render as in the parse pass, where no relation is known yet. */
export function placeholderRelation(name: string): RelationValue {
  return new RelationValue({ schema: '__strata_parse__', identifier: name }, `__strata_parse__.${name}`);
}

/** A named CTE that stands in for an ephemeral model. */
export function cteRelation(cteName: string, dialect: SqlDialect): RelationValue {
  return new RelationValue({ schema: '', identifier: cteName }, dialect.quoteIdentifier(cteName));
}

import type { Relation, RelationKind } from '../adapter/relation.js';

/** One SQL statement of a plan. */
export interface Statement {
  /** The SQL to run. */
  sql: string;
  /** What the statement is for (shown in logs and golden files). */
  purpose: string;
}

/** What running a node does, as data: pure output of a materialization. */
export interface Plan {
  /** Node id. */
  uniqueId: string;
  /** Statements in order. */
  statements: Statement[];
  /** Run all statements in one transaction (only when the database rolls back DDL). */
  transactional: boolean;
  /** Relation built, if any. */
  relation?: Relation;
  /** What the relation is once built. */
  kind?: RelationKind;
  /** Verb phrase for the progress line, e.g. `created table`. */
  action: string;
}

/** Suffix of the relation a table is built into before it replaces the old one. */
export const TMP_SUFFIX = '__strata_tmp';

/** The temporary relation next to `relation`. */
export function tmpRelation(relation: Relation): Relation {
  return { ...relation, identifier: `${relation.identifier}${TMP_SUFFIX}` };
}

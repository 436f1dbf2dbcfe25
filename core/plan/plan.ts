import type { Relation, RelationKind } from '../adapter/relation.js';

/** One step of a plan: a SQL statement, or a bulk load of a CSV file. */
export interface Statement {
  /** The SQL to run (for a load: a description of it, for logs). */
  sql: string;
  /** What the statement is for (shown in logs and golden files). */
  purpose: string;
  /** Set for a bulk load: the connection streams the file instead of running `sql`. */
  load?: { relation: Relation; file: string; columns: string[] };
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

/** Suffix the old relation is renamed to while the new one moves in. */
export const BACKUP_SUFFIX = '__strata_backup';

/** The old relation's name while a swap is in progress. */
export function backupRelation(relation: Relation): Relation {
  return { ...relation, identifier: `${relation.identifier}${BACKUP_SUFFIX}` };
}

import type { ColumnInfo, Relation, RelationKind } from '../adapter/relation.js';
import { relationKey } from '../adapter/relation.js';
import type { AdapterCapabilities } from '../adapter/adapter.js';
import { derivedIdentifier } from '../adapter/derived-name.js';

/** One step of a plan: a SQL statement, or a bulk load of a CSV file. */
export interface Statement {
  /** The SQL to run (for a load: a description of it, for logs). */
  sql: string;
  /** What the statement is for (shown in logs and golden files). */
  purpose: string;
  /** Set for a bulk load: the connection streams the file instead of running `sql`. */
  load?: { relation: Relation; file: string; columns: string[]; delimiter: string };
  /** Set for a check: `sql` is a query that must return no rows; if it does, the node fails with this message and the rows. */
  check?: { message: string };
  /** Set for a step on local files (external models): the runner does it instead of running `sql`. */
  files?: FileStep;
}

/**
 * A step on local files or folders, each safe to repeat after a crash:
 * - `mkdir`: create the folder `to` (and its parents);
 * - `remove`: delete `from` if it exists;
 * - `move`: rename `from` to `to` if `from` exists (`to` must not);
 * - `restore`: an interrupted swap's recovery: if `to` is missing, rename `from` (the old files set
 *   aside) back to `to`; otherwise delete `from`;
 * - `merge`: move every file under the folder `from` to the same path under `to`, then delete `from`.
 */
export interface FileStep {
  op: 'mkdir' | 'remove' | 'move' | 'restore' | 'merge';
  from?: string;
  to?: string;
}

/** What the database said about relations a plan asked for (see {@link Plan.requires}). */
export interface PlanFacts {
  /** Columns by {@link relationKey}. */
  columns: Map<string, ColumnInfo[]>;
}

/** Columns of `relation` in `facts`, or an empty list. */
export function columnsOf(facts: PlanFacts, relation: Relation): ColumnInfo[] {
  return facts.columns.get(relationKey(relation)) ?? [];
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
  /**
   * Set when the plan needs to look at the database before it can go on: run these statements,
   * introspect these relations (inside the same transaction), then plan again with the facts.
   */
  requires?: { columnsOf: Relation[] };
  /** File steps to take, as far as they go, when a statement fails (an external model's temporary files). */
  onFailure?: FileStep[];
}

/** Suffix of the relation a table is built into before it replaces the old one. */
export const TMP_SUFFIX = '__strata_tmp';

/** The temporary relation next to `relation`, its name cut (with a hash) to the database's limit. */
export function tmpRelation(relation: Relation, limits: IdentifierLimit): Relation {
  return { ...relation, identifier: derivedIdentifier(relation.identifier, TMP_SUFFIX, limits.maxIdentifierBytes) };
}

/** Suffix the old relation is renamed to while the new one moves in. */
export const BACKUP_SUFFIX = '__strata_backup';

/** The old relation's name while a swap is in progress, cut (with a hash) to the database's limit. */
export function backupRelation(relation: Relation, limits: IdentifierLimit): Relation {
  return { ...relation, identifier: derivedIdentifier(relation.identifier, BACKUP_SUFFIX, limits.maxIdentifierBytes) };
}

/** Where derived names learn the database's identifier limit (the adapter's capabilities). */
export type IdentifierLimit = Pick<AdapterCapabilities, 'maxIdentifierBytes'>;

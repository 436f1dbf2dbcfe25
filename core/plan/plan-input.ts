import type { AdapterCapabilities } from '../adapter/adapter.js';
import type { DependentForeignKey, DependentView } from '../adapter/connection.js';
import type { SqlDialect } from '../adapter/dialect.js';
import type { ExistingRelation } from '../adapter/relation.js';
import type { ProjectNode } from '../project/types.js';
import type { Batch } from './batches.js';
import type { PlanFacts } from './plan.js';

// What every materialization reads (materializations.ts dispatches; incremental.ts and
// snapshot.ts plan their own kinds with it).

/** Everything a materialization may look at. Pure data: no connection. */
export interface PlanInput {
  /** The node to build. */
  node: ProjectNode;
  /** Its compiled SQL (for seeds: unused). */
  compiledSql: string;
  /** What exists at the node's relation now. */
  existing: ExistingRelation | undefined;
  /** Views of other relations that read the existing relation (re-pointed after a swap). */
  dependents?: readonly DependentView[];
  /** Foreign keys of other tables that point at the existing relation (re-pointed after a swap). */
  foreignKeys?: readonly DependentForeignKey[];
  /** The run's --full-refresh flag. */
  fullRefresh?: boolean;
  /** For microbatch models: the batch this plan writes. */
  batch?: Batch;
  /** Introspection results, when an earlier pass of the plan asked for them. */
  facts?: PlanFacts;
  /** Unique to this build: names constraints so a swapped-in table's indexes never collide with the old one's. */
  buildId?: string;
  /** SQL generation for the target database. */
  dialect: SqlDialect;
  /** What the database can do. */
  capabilities: AdapterCapabilities;
  /** External models: the project directory (resolves a relative `location`) and the target's `external_root`. */
  projectRoot?: string;
  externalRoot?: string;
  /** External models: whether the files are there (the runner looks); without them an append model is built afresh. */
  externalFilesExist?: boolean;
}

/** The configured unique_key as a list of columns. */
export function uniqueKeys(node: ProjectNode): string[] {
  const key = node.config.unique_key;
  if (key === undefined || key === null) return [];
  return (Array.isArray(key) ? key : [key]).map((k) => k.trim()).filter(Boolean);
}

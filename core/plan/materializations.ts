import type { AdapterCapabilities } from '../adapter/adapter.js';
import type { SqlDialect } from '../adapter/dialect.js';
import type { ExistingRelation, Relation } from '../adapter/relation.js';
import type { ProjectNode } from '../project/types.js';
import { tmpRelation, type Plan, type Statement } from './plan.js';

/** Everything a materialization may look at. Pure data: no connection. */
export interface PlanInput {
  /** The node to build. */
  node: ProjectNode;
  /** Its compiled SQL (for seeds: unused). */
  compiledSql: string;
  /** What exists at the node's relation now. */
  existing: ExistingRelation | undefined;
  /** SQL generation for the target database. */
  dialect: SqlDialect;
  /** What the database can do. */
  capabilities: AdapterCapabilities;
}

type Materialization = (input: PlanInput) => Plan;

/** Materializations by name. */
export const MATERIALIZATIONS: Readonly<Record<string, Materialization>> = {
  view: planView,
  table: planTable,
  ephemeral: planEphemeral,
  seed: planSeed,
};

/** Plans a node with its configured materialization. */
export function planNode(input: PlanInput): Plan {
  const materialization = MATERIALIZATIONS[input.node.config.materialized];
  if (!materialization) throw new Error(`no materialization '${input.node.config.materialized}'`);
  return materialization(input);
}

function planView({ node, compiledSql, existing, dialect, capabilities }: PlanInput): Plan {
  const relation = node.relation;
  const statements: Statement[] = [];
  if (existing?.kind === 'table') statements.push({ sql: dialect.drop(relation, 'table'), purpose: 'drop the table this view replaces' });
  statements.push({ sql: dialect.createViewAs(relation, compiledSql, { replace: existing?.kind === 'view' }), purpose: 'create the view' });
  return { uniqueId: node.uniqueId, statements, transactional: capabilities.transactionalDdl, relation, kind: 'view', action: 'created view' };
}

function planTable({ node, compiledSql, existing, dialect, capabilities }: PlanInput): Plan {
  const statements = swapIn(node.relation, existing, dialect, (tmp) => ({ sql: dialect.createTableAs(tmp, compiledSql), purpose: 'build the new rows beside the old table' }));
  return { uniqueId: node.uniqueId, statements, transactional: capabilities.transactionalDdl, relation: node.relation, kind: 'table', action: 'created table' };
}

function planSeed({ node, existing, dialect, capabilities }: PlanInput): Plan {
  const load = dialect.createTableFromCsv;
  if (!load) throw new Error('this adapter cannot load seeds yet');
  const statements = swapIn(node.relation, existing, dialect, (tmp) => ({ sql: load.call(dialect, tmp, node.absolutePath), purpose: 'load the CSV beside the old table' }));
  return { uniqueId: node.uniqueId, statements, transactional: capabilities.transactionalDdl, relation: node.relation, kind: 'table', action: 'loaded seed' };
}

function planEphemeral({ node }: PlanInput): Plan {
  return { uniqueId: node.uniqueId, statements: [], transactional: false, action: 'compiled ephemeral' };
}

/**
 * Builds into `<name>__strata_tmp`, then drops the old relation and renames the new one in.
 * Run in one transaction, a failure at any step leaves the old relation and its rows untouched.
 */
function swapIn(relation: Relation, existing: ExistingRelation | undefined, dialect: SqlDialect, build: (tmp: Relation) => Statement): Statement[] {
  const tmp = tmpRelation(relation);
  const statements: Statement[] = [{ sql: dialect.drop(tmp, 'table'), purpose: 'remove a leftover from an interrupted run' }, build(tmp)];
  if (existing) statements.push({ sql: dialect.drop(relation, existing.kind), purpose: `drop the old ${existing.kind}` });
  statements.push({ sql: dialect.rename(tmp, 'table', relation.identifier), purpose: 'move the new table into place' });
  return statements;
}

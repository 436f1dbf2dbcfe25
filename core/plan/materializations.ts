import type { AdapterCapabilities } from '../adapter/adapter.js';
import type { DependentView } from '../adapter/connection.js';
import type { SqlDialect } from '../adapter/dialect.js';
import type { ExistingRelation, RelationKind } from '../adapter/relation.js';
import type { ProjectNode } from '../project/types.js';
import { backupRelation, tmpRelation, type Plan, type Statement } from './plan.js';

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

function planView(input: PlanInput): Plan {
  const { node, compiledSql, existing, dialect, capabilities } = input;
  const plan = { uniqueId: node.uniqueId, transactional: capabilities.transactionalDdl, relation: node.relation, kind: 'view' as const, action: 'created view' };
  if (!existing || (existing.kind === 'view' && capabilities.replaceViewAnyShape)) {
    return { ...plan, statements: [{ sql: dialect.createViewAs(node.relation, compiledSql, { replace: existing !== undefined }), purpose: 'create the view' }] };
  }
  const build: Statement[] = [
    { sql: dialect.drop(tmpRelation(node.relation), 'view'), purpose: 'remove a leftover from an interrupted run' },
    { sql: dialect.createViewAs(tmpRelation(node.relation), compiledSql, { replace: false }), purpose: 'create the new view beside the old relation' },
  ];
  return { ...plan, statements: swapIn(input, 'view', build) };
}

function planTable(input: PlanInput): Plan {
  const { node, compiledSql, dialect, capabilities } = input;
  const tmp = tmpRelation(node.relation);
  const build: Statement[] = [
    { sql: dialect.drop(tmp, 'table'), purpose: 'remove a leftover from an interrupted run' },
    { sql: dialect.createTableAs(tmp, compiledSql), purpose: 'build the new rows beside the old relation' },
  ];
  return { uniqueId: node.uniqueId, statements: swapIn(input, 'table', build), transactional: capabilities.transactionalDdl, relation: node.relation, kind: 'table', action: 'created table' };
}

function planSeed(input: PlanInput): Plan {
  const { node, dialect, capabilities } = input;
  const tmp = tmpRelation(node.relation);
  const columns = (node.seedColumns ?? []).map((c) => ({ name: c.name, type: c.declared ?? dialect.seedType(c.inferred) }));
  const build: Statement[] = [
    { sql: dialect.drop(tmp, 'table'), purpose: 'remove a leftover from an interrupted run' },
    { sql: dialect.createTable(tmp, columns), purpose: 'create the new table beside the old relation' },
    { sql: `-- bulk load ${node.originalFilePath} into ${dialect.qualify(tmp)}`, purpose: 'load the CSV rows', load: { relation: tmp, file: node.absolutePath, columns: columns.map((c) => c.name) } },
  ];
  return { uniqueId: node.uniqueId, statements: swapIn(input, 'table', build), transactional: capabilities.transactionalDdl, relation: node.relation, kind: 'table', action: 'loaded seed' };
}

function planEphemeral({ node }: PlanInput): Plan {
  return { uniqueId: node.uniqueId, statements: [], transactional: false, action: 'compiled ephemeral' };
}

/**
 * After `build` has made `<name>__strata_tmp`: rename the old relation away, rename the new one in,
 * re-point views of other models at it, then drop the old one. In one transaction, a failure at
 * any step leaves the old relation, its rows and its dependent views as they were. Dependent views
 * are never dropped with CASCADE.
 */
function swapIn({ node, existing, dependents = [], dialect }: PlanInput, kind: RelationKind, build: Statement[]): Statement[] {
  const relation = node.relation;
  const backup = backupRelation(relation);
  const statements = [...build];
  if (existing) statements.push({ sql: dialect.rename(relation, existing.kind, backup.identifier), purpose: `move the old ${existing.kind} aside` });
  statements.push({ sql: dialect.rename(tmpRelation(relation), kind, relation.identifier), purpose: `move the new ${kind} into place` });
  for (const view of dependents) {
    statements.push({ sql: dialect.createViewAs(view.relation, view.definition, { replace: true }), purpose: `re-point dependent view ${view.relation.schema}.${view.relation.identifier} at the new ${kind}` });
  }
  if (existing) statements.push({ sql: dialect.drop(backup, existing.kind), purpose: `drop the old ${existing.kind}` });
  return statements;
}

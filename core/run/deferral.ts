import type { Adapter, ConnectionPool } from '../adapter/adapter.js';
import type { Relation } from '../adapter/relation.js';
import type { DependencyGraph } from '../graph/build-graph.js';
import { stateRelation, type ProjectState } from '../graph/state.js';
import { otherProfileOutputs } from '../project/profiles.js';
import type { Project } from '../project/types.js';

/** What reaching the state's database takes: the adapter, and what renders the profile's other outputs. */
export interface DeferralReach {
  adapter: Adapter;
  env: NodeJS.ProcessEnv;
  vars: Record<string, unknown>;
}

/**
 * `--defer`: for each node the selection reads but does not build, read it from the state's
 * relation (usually production) when it is not built in this target — or always, with
 * `--favor-state`. Ephemeral nodes are inlined, so they never defer.
 */
export async function deferredRelations(
  project: Project,
  dag: DependencyGraph,
  selected: readonly string[],
  state: ProjectState,
  pool: ConnectionPool,
  favorState: boolean,
  reach?: DeferralReach,
): Promise<Map<string, Relation>> {
  const chosen = new Set(selected);
  const candidates = new Set<string>();
  for (const id of selected) {
    for (const parent of (dag.graph.predecessors(id) as string[] | undefined) ?? []) {
      const node = project.nodes.get(parent);
      if (node && !chosen.has(parent) && node.config.materialized !== 'ephemeral' && node.resourceType !== 'unit_test')
        candidates.add(parent);
    }
  }
  const deferred = new Map<string, Relation>();
  if (candidates.size === 0) return deferred;
  await pool.withConnection(async (connection) => {
    const listed = new Map<string, Set<string>>();
    const exists = async (relation: Relation) => {
      const key = `${relation.database ?? ''}.${relation.schema}`;
      if (!listed.has(key)) listed.set(key, new Set((await connection.listRelations(relation)).map((r) => r.identifier.toLowerCase())));
      return listed.get(key)?.has(relation.identifier.toLowerCase()) ?? false;
    };
    for (const id of candidates) {
      const prod = stateRelation(state, id);
      const node = project.nodes.get(id);
      if (!prod || !node) continue;
      if (favorState || !(await exists(node.relation))) deferred.set(id, prod);
    }
  });
  // Production may live in another database (DuckDB: another file), which the adapter attaches
  // read-only, found by the profile's other outputs. A relation read from files needs none.
  const catalogs = [...new Set([...deferred.values()].flatMap((r) => (r.database && !r.readAs ? [r.database] : [])))];
  const attach = reach?.adapter.attachCatalogs;
  if (reach && attach && catalogs.length) {
    const { adapter, env, vars } = reach;
    await attach.call(adapter, pool, catalogs, () => otherProfileOutputs(project.target, adapter, { projectDir: project.root, env, vars }));
  }
  return deferred;
}

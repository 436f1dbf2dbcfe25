import { alg, type Graph } from '@dagrejs/graphlib';
import { directedGraph } from './directed-graph.js';
import type { Project } from '../project/types.js';
import type { DependencyGraph } from './build-graph.js';

/**
 * For `build`: a copy of the graph where the children of a tested node (unit tests of its
 * children too) also wait for its data tests, so a failing test (severity error) skips everything
 * downstream, as in dbt. An edge that would close a cycle (a relationships test pointing at a
 * descendant) is left out. A singular test blocks what is downstream of everything it reads
 * (dbt attaches it to every node it refs): see {@link singularTestEdges}.
 */
export function withTestBlocking(project: Project, dag: DependencyGraph): DependencyGraph {
  const graph = copy(dag.graph);
  for (const node of project.nodes.values()) {
    if (node.test?.kind === 'singular' && dag.graph.hasNode(node.uniqueId)) {
      for (const blocked of singularTestEdges(project, dag.graph, node.uniqueId)) graph.setEdge(node.uniqueId, blocked);
      continue;
    }
    const attached = node.test?.attachedNode;
    if (!attached || !dag.graph.hasNode(attached)) continue;
    // With the tested node as its only parent, no child of that node can be upstream of the test;
    // only tests with more parents (relationships) need the check.
    const parents = (dag.graph.predecessors(node.uniqueId) as string[] | undefined) ?? [];
    const ancestors = parents.length > 1 ? new Set(alg.preorder(reverse(dag.graph), [node.uniqueId])) : new Set<string>();
    for (const child of (dag.graph.successors(attached) as string[] | undefined) ?? []) {
      const type = project.nodes.get(child)?.resourceType;
      if (child === node.uniqueId || type === 'test' || ancestors.has(child)) continue;
      graph.setEdge(node.uniqueId, child);
    }
  }
  return { ...dag, graph, order: alg.topsort(graph).filter((id) => project.nodes.has(id)) };
}

/**
 * The nodes a singular test must run before, by dbt's rule: every node (not a test) that has all
 * the test's parents upstream of it. Only the first such nodes on each path get an edge (a node
 * downstream of one of them is skipped with it anyway). None of them can be upstream of the test,
 * so no edge closes a cycle.
 */
function singularTestEdges(project: Project, dag: Graph, testId: string): string[] {
  const parents = (dag.predecessors(testId) as string[] | undefined) ?? [];
  const runs = (id: string) => id !== testId && project.nodes.has(id) && project.nodes.get(id)?.resourceType !== 'test';
  const successors = (id: string) => ((dag.successors(id) as string[] | undefined) ?? []).filter(runs);
  // One parent (the common case): its children.
  if (parents.length === 1) return successors(parents[0] as string);
  if (parents.length === 0) return [];
  let downstream: Set<string> | undefined;
  for (const parent of parents) {
    const below = new Set(alg.preorder(dag, [parent]).filter((id) => id !== parent && runs(id)));
    downstream = downstream ? new Set([...downstream].filter((id) => below.has(id))) : below;
  }
  const all = downstream ?? new Set<string>();
  return [...all].filter((id) => !((dag.predecessors(id) as string[] | undefined) ?? []).some((p) => all.has(p)));
}

/**
 * For `build`: a copy of the graph where each unit test also waits for its model's parents, as in
 * dbt, where a model's unit tests run when the model's turn comes: fixture rows take the column
 * types of the real inputs, which must exist by then (on a fresh database, they do not yet).
 */
export function withUnitTestParents(project: Project, dag: DependencyGraph): DependencyGraph {
  const graph = copy(dag.graph);
  for (const node of project.nodes.values()) {
    const model = node.unitTest?.model;
    if (!model) continue;
    for (const parent of (dag.graph.predecessors(model) as string[] | undefined) ?? []) {
      if (project.nodes.get(parent)?.resourceType !== 'unit_test') graph.setEdge(parent, node.uniqueId);
    }
  }
  return { ...dag, graph, order: alg.topsort(graph).filter((id) => project.nodes.has(id)) };
}

function copy(source: Graph): Graph {
  const graph = directedGraph();
  for (const id of source.nodes()) graph.setNode(id);
  for (const edge of source.edges()) graph.setEdge(edge.v, edge.w);
  return graph;
}

let reversed: { source: Graph; copy: Graph } | undefined;

/** The graph with its edges turned round (cached for the last graph asked about). */
function reverse(graph: Graph): Graph {
  if (reversed?.source === graph) return reversed.copy;
  const copy = directedGraph();
  for (const id of graph.nodes()) copy.setNode(id);
  for (const edge of graph.edges()) copy.setEdge(edge.w, edge.v);
  reversed = { source: graph, copy };
  return copy;
}

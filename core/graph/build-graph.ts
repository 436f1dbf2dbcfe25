import { Graph, alg } from '@dagrejs/graphlib';
import { diagnostic, throwIfErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { Project, ProjectNode, RefCall } from '../project/types.js';

/** The project's dependency graph: nodes and sources, edges from parent to child. */
export interface DependencyGraph {
  /** graphlib graph over unique ids (sources included); edge `a → b` means b depends on a. */
  graph: Graph;
  /** For each node, the unique id each of its `ref()` calls resolved to, keyed by {@link refKey}. */
  resolvedRefs: Map<string, Map<string, string>>;
  /** Executable nodes in an order where parents come before children. */
  order: string[];
}

/** Key under which a ref call's resolution is stored: `pkg/name@version`. */
export function refKey(ref: Pick<RefCall, 'package' | 'name' | 'version'>): string {
  return `${ref.package ?? ''}/${ref.name}@${ref.version ?? ''}`;
}

const REFABLE = new Set(['model', 'seed', 'snapshot']);

/** Resolves refs and sources into edges; unknown names and cycles are errors with file and line. */
export function buildGraph(project: Project): DependencyGraph {
  const graph = new Graph({ directed: true });
  const diagnostics: Diagnostic[] = [];
  const byName = new Map<string, ProjectNode>();
  for (const node of project.nodes.values()) {
    graph.setNode(node.uniqueId);
    if (REFABLE.has(node.resourceType)) byName.set(node.name, node);
  }
  const disabledByName = new Map([...project.disabled.values()].map((n) => [n.name, n]));
  const resolvedRefs = new Map<string, Map<string, string>>();
  for (const node of project.nodes.values()) {
    const refs = new Map<string, string>();
    for (const ref of node.refs) {
      const target = resolveRef(project, ref, byName, disabledByName, node, diagnostics);
      if (!target) continue;
      refs.set(refKey(ref), target.uniqueId);
      graph.setEdge(target.uniqueId, node.uniqueId);
    }
    resolvedRefs.set(node.uniqueId, refs);
    // A model waits for its unit tests, so a failing unit test stops it from being built.
    if (node.unitTest) graph.setEdge(node.uniqueId, node.unitTest.model);
    for (const call of node.sources) {
      const id = `source.${project.name}.${call.source}.${call.table}`;
      if (!project.sources.has(id)) {
        const known = [...project.sources.values()].map((s) => `${s.sourceName}.${s.name}`);
        diagnostics.push(diagnostic('unknown-source', `${node.name} uses source('${call.source}', '${call.table}'), which is not declared under 'sources:'.${didYouMean(`${call.source}.${call.table}`, known)}`, call.at));
        continue;
      }
      graph.setNode(id);
      graph.setEdge(id, node.uniqueId);
    }
  }
  diagnostics.push(...cycleDiagnostics(graph, project));
  throwIfErrors(diagnostics);
  const order = alg.topsort(graph).filter((id) => project.nodes.has(id));
  return { graph, resolvedRefs, order };
}

function resolveRef(project: Project, ref: RefCall, byName: Map<string, ProjectNode>, disabled: Map<string, ProjectNode>, from: ProjectNode, diagnostics: Diagnostic[]): ProjectNode | undefined {
  if (ref.package !== undefined && ref.package !== project.name) {
    diagnostics.push(diagnostic('unknown-ref', `${from.name} refers to ref('${ref.package}', '${ref.name}'), but no project or package named '${ref.package}' is installed.`, ref.at));
    return undefined;
  }
  const target = byName.get(ref.name);
  if (target) return target;
  if (disabled.has(ref.name)) {
    diagnostics.push(diagnostic('disabled-ref', `${from.name} refers to '${ref.name}', which is disabled (enabled: false).`, ref.at));
    return undefined;
  }
  diagnostics.push(diagnostic('unknown-ref', `${from.name} refers to ref('${ref.name}'), which does not exist.${didYouMean(ref.name, byName.keys())}`, ref.at));
  return undefined;
}

/** One diagnostic per cycle, naming every node on it in dependency order. */
function cycleDiagnostics(graph: Graph, project: Project): Diagnostic[] {
  return alg.findCycles(graph).map((component) => {
    const chain = cycleChain(graph, new Set(component));
    const names = chain.map((id) => project.nodes.get(id)?.name ?? id);
    const first = project.nodes.get(chain[0] as string);
    const next = names[1] ?? names[0];
    const at = first?.refs.find((r) => r.name === next)?.at ?? (first ? { file: first.originalFilePath, line: 1, column: 1 } : undefined);
    return diagnostic('dependency-cycle', `Dependency cycle (each node refs the next): ${[...names, names[0]].join(' → ')}.`, at);
  });
}

/** Walks child→parent edges (the direction refs point) inside a strongly connected component back to its start. */
function cycleChain(graph: Graph, members: Set<string>): string[] {
  const start = [...members].sort()[0] as string;
  const path = [start];
  const seen = new Set([start]);
  const walk = (id: string): boolean => {
    for (const next of (graph.predecessors(id) as string[] | undefined) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      path.push(next);
      if (walk(next)) return true;
      path.pop();
    }
    return false;
  };
  walk(start);
  return path;
}

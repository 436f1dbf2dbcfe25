import { alg, type Graph } from '@dagrejs/graphlib';
import { directedGraph } from './directed-graph.js';
import { diagnostic, throwIfErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { Project, ProjectNode } from '../project/types.js';
import type { RefCall } from '../template/parse-scope.js';
import { refKey } from './ref-key.js';
import { externalTarget, modelDeprecations, nodeTarget, referenceDeprecation, type DeprecatedTarget } from './deprecations.js';

/** The project's dependency graph: nodes and sources, edges from parent to child. */
export interface DependencyGraph {
  /** graphlib graph over unique ids (sources included); edge `a → b` means b depends on a. */
  graph: Graph;
  /** For each node, the unique id each of its `ref()` calls resolved to, keyed by {@link refKey}. */
  resolvedRefs: Map<string, Map<string, string>>;
  /** Executable nodes in an order where parents come before children. */
  order: string[];
  /** Warnings found while resolving refs (deprecated versions). */
  warnings: Diagnostic[];
}

const REFABLE = new Set(['model', 'seed', 'snapshot']);

/** Resolves refs and sources into edges; unknown names and cycles are errors with file and line. */
export function buildGraph(project: Project): DependencyGraph {
  const graph = directedGraph();
  const diagnostics: Diagnostic[] = [];
  // By package, then by name; an unqualified ref looks in its own package first, then everywhere.
  const indexes = new Map<string, RefIndex>();
  const everywhere: RefIndex = { byName: new Map(), byVersion: new Map() };
  for (const node of project.nodes.values()) {
    graph.setNode(node.uniqueId);
    if (!REFABLE.has(node.resourceType)) continue;
    let own = indexes.get(node.packageName);
    if (!own) indexes.set(node.packageName, (own = { byName: new Map(), byVersion: new Map() }));
    for (const index of [own, everywhere]) {
      if (node.version !== undefined) index.byVersion.set(`${node.name}@${node.version}`, node);
      // An unpinned ref gets the latest version; the root project's node wins a name clash.
      const taken = index.byName.get(node.name);
      if (
        (node.version === undefined || node.latest) &&
        (!taken || (taken.packageName !== project.name && node.packageName === project.name))
      )
        index.byName.set(node.name, node);
    }
  }
  const disabledByName = new Map([...project.disabled.values()].map((n) => [n.name, n]));
  const analyses = new Set([...project.nodes.values()].filter((n) => n.resourceType === 'analysis').map((n) => n.name));
  const resolvedRefs = new Map<string, Map<string, string>>();
  for (const node of project.nodes.values()) {
    const refs = new Map<string, string>();
    for (const ref of node.refs) {
      const packageIndex = ref.package !== undefined ? indexes.get(ref.package) : undefined;
      const ownIndex = indexes.get(node.packageName);
      const index =
        packageIndex ??
        (ref.package === undefined &&
        ownIndex &&
        (ref.version !== undefined ? ownIndex.byVersion.has(`${ref.name}@${ref.version}`) : ownIndex.byName.has(ref.name))
          ? ownIndex
          : everywhere);
      const target =
        ref.package !== undefined && ref.package !== project.name && !packageIndex
          ? resolveExternal(project, ref, node, diagnostics)
          : resolveRef(project, ref, index, disabledByName, analyses, node, diagnostics);
      if (!target) continue;
      refs.set(refKey(ref), target);
      if (!graph.hasNode(target)) graph.setNode(target);
      graph.setEdge(target, node.uniqueId);
    }
    resolvedRefs.set(node.uniqueId, refs);
    // A model waits for its unit tests, so a failing unit test stops it from being built.
    if (node.unitTest) graph.setEdge(node.uniqueId, node.unitTest.model);
    for (const call of node.sources) {
      const id = `source.${node.packageName}.${call.source}.${call.table}`;
      if (!project.sources.has(id)) {
        const known = [...project.sources.values()].map((s) => `${s.sourceName}.${s.name}`);
        diagnostics.push(
          diagnostic(
            'unknown-source',
            `${node.name} uses source('${call.source}', '${call.table}'), which is not declared under 'sources:'.${didYouMean(`${call.source}.${call.table}`, known)}`,
            call.at,
          ),
        );
        continue;
      }
      graph.setNode(id);
      graph.setEdge(id, node.uniqueId);
    }
  }
  // The topological sort finds out whether there is a cycle; only then are cycles searched for
  // and named (Tarjan's algorithm over the whole graph is the slower step).
  let sorted: string[] = [];
  try {
    sorted = alg.topsort(graph);
  } catch {
    diagnostics.push(...cycleDiagnostics(graph, project));
  }
  diagnostics.push(...modelDeprecations(project));
  const warnings = throwIfErrors(diagnostics);
  const order = sorted.filter((id) => project.nodes.has(id));
  return { graph, resolvedRefs, order, warnings };
}

/** Access rules within a project: a private model may only be used from inside its group. */
function checkAccess(from: ProjectNode, target: ProjectNode, ref: RefCall, diagnostics: Diagnostic[]): void {
  if (target.config.access !== 'private' || from.resourceType === 'test' || from.resourceType === 'unit_test') return;
  if (from.config.group && from.config.group === target.config.group) return;
  diagnostics.push(
    diagnostic(
      'access-violation',
      `${from.name} cannot ref ${target.name}: ${target.name} is private to group '${target.config.group ?? '?'}' (access: private), and ${from.name} is ${from.config.group ? `in group '${from.config.group}'` : 'in no group'}. Make ${target.name} protected or public, or move ${from.name} into the group.`,
      ref.at,
    ),
  );
}

/** A ref to a model with a deprecation date still works, with dbt's warning. */
function warnDeprecated(
  from: ProjectNode,
  target: () => DeprecatedTarget,
  date: string | undefined,
  ref: RefCall,
  diagnostics: Diagnostic[],
): void {
  const warning = date ? referenceDeprecation(from, target(), ref) : undefined;
  if (warning) diagnostics.push(warning);
}

/** `ref('other_project', 'model')`: only public models of upstream projects in dependencies.yml. */
function resolveExternal(project: Project, ref: RefCall, from: ProjectNode, diagnostics: Diagnostic[]): string | undefined {
  const candidates = [...project.externals.values()].filter((e) => e.project === ref.package);
  if (candidates.length === 0) {
    const known = [...new Set([...project.externals.values()].map((e) => e.project))];
    diagnostics.push(
      diagnostic(
        'unknown-ref',
        `${from.name} refers to ref('${ref.package}', '${ref.name}'), but no project named '${ref.package}' is listed in dependencies.yml.${didYouMean(ref.package ?? '', known)}`,
        ref.at,
      ),
    );
    return undefined;
  }
  const named = candidates.filter((e) => e.name === ref.name);
  const target =
    ref.version !== undefined ? named.find((e) => String(e.version) === String(ref.version)) : (named.find((e) => e.latest) ?? named[0]);
  if (!target) {
    diagnostics.push(
      diagnostic(
        'unknown-ref',
        `${from.name} refers to ref('${ref.package}', '${ref.name}'${ref.version !== undefined ? `, v=${ref.version}` : ''}), which project '${ref.package}' does not publish.${didYouMean(
          ref.name,
          candidates.map((e) => e.name),
        )}`,
        ref.at,
      ),
    );
    return undefined;
  }
  if (target.access !== 'public') {
    diagnostics.push(
      diagnostic(
        'access-violation',
        `${from.name} cannot ref ${ref.package}.${ref.name}: it is ${target.access} in project '${ref.package}', and only public models can be used from another project.`,
        ref.at,
      ),
    );
    return undefined;
  }
  if (target.unreadable !== undefined) {
    diagnostics.push(diagnostic('invalid-dependency', `${from.name} cannot ref ${ref.package}.${ref.name}: ${target.unreadable}.`, ref.at));
    return undefined;
  }
  warnDeprecated(from, () => externalTarget(project, target), target.deprecationDate, ref, diagnostics);
  return target.uniqueId;
}

/** Refable nodes by name (latest version) and by `name@version`. */
interface RefIndex {
  byName: Map<string, ProjectNode>;
  byVersion: Map<string, ProjectNode>;
}

function resolveRef(
  project: Project,
  ref: RefCall,
  index: RefIndex,
  disabled: Map<string, ProjectNode>,
  analyses: ReadonlySet<string>,
  from: ProjectNode,
  diagnostics: Diagnostic[],
): string | undefined {
  const { byName, byVersion } = index;
  const target = ref.version !== undefined ? byVersion.get(`${ref.name}@${ref.version}`) : byName.get(ref.name);
  if (target) {
    checkAccess(from, target, ref, diagnostics);
    warnDeprecated(from, () => nodeTarget(project, target), target.deprecationDate, ref, diagnostics);
    return target.uniqueId;
  }
  if (ref.version !== undefined && byName.has(ref.name)) {
    const versions = [...byVersion.values()].filter((n) => n.name === ref.name).map((n) => String(n.version));
    diagnostics.push(
      diagnostic(
        'unknown-ref',
        `${from.name} refers to ${ref.name} v${ref.version}, which is not a version of it (versions: ${versions.join(', ') || 'none'}).`,
        ref.at,
      ),
    );
    return undefined;
  }
  if (disabled.has(ref.name)) {
    diagnostics.push(diagnostic('disabled-ref', `${from.name} refers to '${ref.name}', which is disabled (enabled: false).`, ref.at));
    return undefined;
  }
  if (analyses.has(ref.name)) {
    diagnostics.push(
      diagnostic(
        'unknown-ref',
        `${from.name} refers to ref('${ref.name}'), which is an analysis: analyses are compiled but never built, so nothing can ref them. Make it a model to use it.`,
        ref.at,
      ),
    );
    return undefined;
  }
  diagnostics.push(
    diagnostic(
      'unknown-ref',
      `${from.name} refers to ref('${ref.name}'), which does not exist.${didYouMean(ref.name, byName.keys())}`,
      ref.at,
    ),
  );
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

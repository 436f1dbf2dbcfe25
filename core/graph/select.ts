import { diagnostic, throwIfErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Project, ProjectNode, SourceDefinition } from '../project/types.js';
import type { DependencyGraph } from './build-graph.js';
import { parseTerm, type SelectorAtom } from './selector-syntax.js';

/** `--select` and `--exclude` as given on the command line (each may hold several space-separated terms). */
export interface SelectionOptions {
  /** Terms to include; everything when empty. */
  select?: readonly string[];
  /** Terms to leave out. */
  exclude?: readonly string[];
}

/** Selected node ids in execution order, with warnings for terms that matched nothing. */
export interface Selection {
  /** Executable node ids, parents before children. */
  nodes: string[];
  /** `selector-no-match` warnings. */
  warnings: Diagnostic[];
}

/** Applies dbt's selection syntax (union by space, intersection by comma, graph operators). */
export function selectNodes(project: Project, dag: DependencyGraph, options: SelectionOptions): Selection {
  const diagnostics: Diagnostic[] = [];
  const all = new Set(dag.order);
  const include = options.select && options.select.length > 0 ? withAttachedTests(project, dag, evaluate(project, dag, options.select, diagnostics)) : all;
  const exclude = options.exclude && options.exclude.length > 0 ? evaluate(project, dag, options.exclude, diagnostics) : new Set<string>();
  const warnings = throwIfErrors(diagnostics);
  return { nodes: dag.order.filter((id) => include.has(id) && !exclude.has(id)), warnings };
}

function evaluate(project: Project, dag: DependencyGraph, args: readonly string[], diagnostics: Diagnostic[]): Set<string> {
  const out = new Set<string>();
  for (const term of args.flatMap((a) => a.split(/\s+/)).filter(Boolean)) {
    const atoms = parseTerm(term);
    if (typeof atoms === 'string') {
      diagnostics.push(diagnostic('invalid-selector', atoms));
      continue;
    }
    let result: Set<string> | undefined;
    for (const atom of atoms) {
      const matched = expand(dag, atom, matchAtom(project, atom, diagnostics));
      result = result === undefined ? matched : new Set([...result].filter((id) => matched.has(id)));
    }
    const selected = [...(result ?? [])].filter((id) => project.nodes.has(id));
    if (selected.length === 0) diagnostics.push(diagnostic('selector-no-match', `The selector '${term}' does not match any node.`));
    for (const id of selected) out.add(id);
  }
  return out;
}

function matchAtom(project: Project, atom: SelectorAtom, diagnostics: Diagnostic[]): Set<string> {
  const out = new Set<string>();
  const test = predicate(atom, diagnostics);
  if (!test) return out;
  for (const node of project.nodes.values()) if (test(node)) out.add(node.uniqueId);
  if (atom.method === 'source' || atom.method === 'fqn') {
    for (const source of project.sources.values()) if (matchSource(source, atom)) out.add(source.uniqueId);
  }
  return out;
}

type NodePredicate = (node: ProjectNode) => boolean;

function predicate(atom: SelectorAtom, diagnostics: Diagnostic[]): NodePredicate | undefined {
  const { method, value } = atom;
  if (method === 'fqn') return (n) => matchFqn(n.fqn, value);
  if (method === 'tag') return (n) => n.config.tags.includes(value);
  if (method === 'path' || method === 'file') return (n) => matchPath(method === 'file' ? n.path.split('/').pop() ?? '' : n.originalFilePath, value);
  if (method === 'resource_type') return (n) => n.resourceType === value;
  if (method === 'package') return (n) => n.packageName === value;
  if (method === 'source') return () => false;
  if (method === 'test_type') {
    return (n) => (value === 'unit' ? n.resourceType === 'unit_test' : value === 'data' ? n.resourceType === 'test' : n.test?.kind === value);
  }
  if (method === 'test_name') return (n) => globMatch(n.test?.testName ?? (n.resourceType === 'unit_test' ? n.name : ''), value);
  if (method.startsWith('config.')) {
    const key = method.slice('config.'.length);
    return (n) => {
      const v = (n.config as Record<string, unknown>)[key];
      return Array.isArray(v) ? v.map(String).includes(value) : String(v) === value;
    };
  }
  diagnostics.push(diagnostic('invalid-selector', `Unknown selector method '${method}' in '${atom.text}'.`));
  return undefined;
}

/** `orders` matches a node named orders; `staging` a folder; `pkg.staging.*` with wildcards. */
function matchFqn(fqn: readonly string[], value: string): boolean {
  const parts = value.split('.');
  if (parts.length === 1 && fqn[fqn.length - 1] === value) return true;
  const candidates = [fqn, fqn.slice(1)];
  return candidates.some((c) => parts.length <= c.length && parts.every((p, i) => globMatch(c[i] as string, p)));
}

function matchPath(path: string, value: string): boolean {
  const wanted = value.replace(/^\.\//, '').replace(/\/$/, '');
  return path === wanted || path.startsWith(`${wanted}/`) || globMatch(path, wanted);
}

function matchSource(source: SourceDefinition, atom: SelectorAtom): boolean {
  if (atom.method === 'fqn') return false;
  const [sourceName, table] = atom.value.split('.');
  return globMatch(source.sourceName, sourceName ?? '') && (table === undefined || globMatch(source.name, table));
}

function globMatch(text: string, pattern: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return text === pattern;
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(text);
}

/** Applies `+` and `@` operators through the graph. */
function expand(dag: DependencyGraph, atom: SelectorAtom, seeds: Set<string>): Set<string> {
  const out = new Set(seeds);
  const walk = (start: Iterable<string>, depth: number, next: (id: string) => string[]): Set<string> => {
    const found = new Set<string>();
    let frontier = [...start];
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const following: string[] = [];
      for (const id of frontier) for (const n of next(id)) if (!found.has(n)) { found.add(n); following.push(n); }
      frontier = following;
    }
    return found;
  };
  const parents = (id: string) => (dag.graph.predecessors(id) as string[] | undefined) ?? [];
  const children = (id: string) => (dag.graph.successors(id) as string[] | undefined) ?? [];
  if (atom.parents !== undefined) for (const id of walk(seeds, atom.parents, parents)) out.add(id);
  if (atom.children !== undefined || atom.childrenWithParents) {
    const descendants = walk(seeds, atom.children ?? Infinity, children);
    for (const id of descendants) out.add(id);
    if (atom.childrenWithParents) for (const id of walk(descendants, Infinity, parents)) out.add(id);
  }
  return out;
}

/**
 * dbt's eager indirect selection: a test joins the selection when any node it tests (or, for a
 * unit test, its model) is selected.
 */
function withAttachedTests(project: Project, dag: DependencyGraph, selected: Set<string>): Set<string> {
  const out = new Set(selected);
  for (const node of project.nodes.values()) {
    if (out.has(node.uniqueId)) continue;
    if (node.resourceType === 'unit_test' && node.unitTest && selected.has(node.unitTest.model)) out.add(node.uniqueId);
    if (node.resourceType === 'test' && ((dag.graph.predecessors(node.uniqueId) as string[] | undefined) ?? []).some((p) => selected.has(p))) out.add(node.uniqueId);
  }
  return out;
}

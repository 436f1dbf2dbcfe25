import { diagnostic, hasErrors, throwIfErrors, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { NamedSelector } from '../project/selectors-file.js';
import { INDIRECT_SELECTION_MODES, type IndirectSelection } from '../project/project-flags.js';
import type { ExposureDefinition, Project, ProjectNode, SourceDefinition } from '../project/types.js';
import type { DependencyGraph } from './build-graph.js';
import { parseTerm, type SelectorAtom } from './selector-syntax.js';
import { currentFreshnessFile, fresherSources, readFreshnessRecord } from './source-status.js';
import { MODIFIED_KINDS, modifications, type ModifiedKind, type ProjectState } from './state.js';

/** What to select, as given on the command line. */
export interface SelectionOptions {
  /** Terms to include (each may hold several space-separated terms); everything when empty. */
  select?: readonly string[];
  /** Terms to leave out. */
  exclude?: readonly string[];
  /** A selector from selectors.yml (`--selector`). */
  selector?: string;
  /** Another run's artifacts, for `state:` and `result:` (`--state`). */
  state?: ProjectState;
  /** Exactly these node ids and nothing else (used by `strata retry`). */
  nodeIds?: readonly string[];
  /** Which tests join the selection through the nodes they test (`--indirect-selection`, default eager). */
  indirectSelection?: IndirectSelection;
}

/** Selected node ids in execution order, with warnings for terms that matched nothing. */
export interface Selection {
  /** Executable node ids, parents before children. */
  nodes: string[];
  /** Source ids the selection names (all of them when there is no selection), for `source freshness` and `ls`. */
  sources: string[];
  /** Exposure ids the selection names (all of them when there is no selection), for `ls`. */
  exposures: string[];
  /** `selector-no-match` warnings. */
  warnings: Diagnostic[];
}

/** Everything an atom is evaluated against. */
export interface SelectContext {
  project: Project;
  dag: DependencyGraph;
  state?: ProjectState;
  diagnostics: Diagnostic[];
  /** How tests attach to what a term selects (default eager). */
  indirect?: IndirectSelection;
}

/** Applies dbt's selection syntax (union by space, intersection by comma, graph operators, selectors.yml). */
export function selectNodes(project: Project, dag: DependencyGraph, options: SelectionOptions): Selection {
  const indirect = options.indirectSelection ?? 'eager';
  const ctx: SelectContext = { project, dag, diagnostics: [], indirect, ...(options.state ? { state: options.state } : {}) };
  if (options.nodeIds) {
    const wanted = new Set(options.nodeIds);
    return { nodes: dag.order.filter((id) => wanted.has(id)), sources: [], exposures: [], warnings: [] };
  }
  let include: Set<string> = new Set([...dag.order, ...project.sources.keys(), ...(project.exposures?.keys() ?? [])]);
  if (options.select && options.select.length > 0) include = withAttachedTests(project, dag, evaluateTerms(ctx, options.select), indirect);
  else if (options.selector !== undefined || project.selectors.some((s) => s.default)) {
    const selectors = project.selectors;
    const chosen = options.selector !== undefined ? selectors.find((s) => s.name === options.selector) : selectors.find((s) => s.default);
    if (!chosen) {
      throwIfErrors([
        diagnostic(
          'invalid-selector',
          `No selector named '${options.selector}' in selectors.yml (selectors: ${selectors.map((s) => s.name).join(', ') || 'none'}).`,
        ),
      ]);
      throw new Error('unreachable');
    }
    include = evaluateSelectorDefinition(ctx, chosen);
  }
  // As dbt: an excluded node takes its tests with it, chosen by the same indirect selection mode.
  const exclude =
    options.exclude && options.exclude.length > 0
      ? withAttachedTests(project, dag, evaluateTerms(ctx, options.exclude), indirect)
      : new Set<string>();
  const warnings = throwIfErrors(ctx.diagnostics);
  const kept = new Set([...include].filter((id) => !exclude.has(id)));
  // As dbt's incorporate_indirect_nodes: cautious and buildable tests are judged again against the
  // final selection, so a test of two models picked by two selectors.yml parts still joins.
  if (indirect === 'cautious' || indirect === 'buildable')
    for (const id of withAttachedTests(project, dag, kept, indirect)) if (!exclude.has(id)) kept.add(id);
  return {
    nodes: dag.order.filter((id) => kept.has(id)),
    sources: [...project.sources.keys()].filter((id) => kept.has(id)),
    exposures: [...(project.exposures?.keys() ?? [])].filter((id) => kept.has(id)),
    warnings,
  };
}

/**
 * Space-separated terms (union), each of comma-joined atoms (intersection); `at` is where they are
 * written, when in a file.
 */
export function evaluateTerms(ctx: SelectContext, args: readonly string[], at?: SourceLocation): Set<string> {
  const out = new Set<string>();
  for (const term of args.flatMap((a) => a.split(/\s+/)).filter(Boolean)) {
    const atoms = parseTerm(term);
    if (typeof atoms === 'string') {
      ctx.diagnostics.push(diagnostic('invalid-selector', atoms, at));
      continue;
    }
    const errorsBefore = ctx.diagnostics.length;
    let result: Set<string> | undefined;
    for (const atom of atoms) {
      const matched = evaluateAtom(ctx, at ? { ...atom, at } : atom);
      result = result === undefined ? matched : new Set([...result].filter((id) => matched.has(id)));
    }
    const selected = [...(result ?? [])].filter(
      (id) => ctx.project.nodes.has(id) || ctx.project.sources.has(id) || ctx.project.exposures?.has(id),
    );
    // A term that is wrong is an error only: that it matched nothing goes without saying.
    if (selected.length === 0 && !hasErrors(ctx.diagnostics.slice(errorsBefore)))
      ctx.diagnostics.push(diagnostic('selector-no-match', `The selector '${term}' does not match any node.`, at));
    for (const id of selected) out.add(id);
  }
  return out;
}

/** One atom with its graph operators applied. */
export function evaluateAtom(ctx: SelectContext, atom: SelectorAtom): Set<string> {
  return expand(ctx.dag, atom, matchAtom(ctx, atom), exposureEdges(ctx.project));
}

function matchAtom(ctx: SelectContext, atom: SelectorAtom): Set<string> {
  const out = new Set<string>();
  const test = predicate(ctx, atom);
  if (!test) return out;
  for (const node of ctx.project.nodes.values()) if (test(node)) out.add(node.uniqueId);
  if (atom.method === 'source') {
    for (const source of ctx.project.sources.values()) if (matchSource(source, atom.value)) out.add(source.uniqueId);
  }
  if (atom.method === 'source_status') for (const id of sourceStatus(ctx, atom)) out.add(id);
  // As dbt's tag and resource_type methods, which look at sources too (`source freshness -s tag:hourly`).
  if (atom.method === 'tag' || (atom.method === 'resource_type' && atom.value === 'source'))
    for (const source of ctx.project.sources.values())
      if (atom.method === 'resource_type' || source.tags.some((t) => globMatch(t, atom.value))) out.add(source.uniqueId);
  if (atom.method === 'exposure')
    for (const exposure of ctx.project.exposures?.values() ?? []) if (matchExposure(exposure, atom.value)) out.add(exposure.uniqueId);
  return out;
}

type NodePredicate = (node: ProjectNode) => boolean;

function predicate(ctx: SelectContext, atom: SelectorAtom): NodePredicate | undefined {
  const { method, value } = atom;
  switch (method) {
    case 'fqn':
      return (n) => matchFqn(n.fqn, value);
    case 'tag':
      return (n) => n.config.tags.some((t) => globMatch(t, value));
    case 'path':
      return (n) => matchPath(n.originalFilePath, value);
    case 'file':
      return (n) => globMatch(n.originalFilePath.split('/').pop() ?? '', value);
    case 'resource_type':
      return (n) => n.resourceType === value;
    case 'package':
      return (n) => n.packageName === value;
    case 'source':
    case 'source_status':
    case 'exposure':
      return () => false;
    case 'access':
      return (n) => n.resourceType === 'model' && (n.config.access ?? 'protected') === value;
    case 'group':
      return (n) => n.config.group === value;
    case 'unique_id':
      return (n) => n.uniqueId === value;
    case 'test_type':
      return (n) =>
        value === 'unit' ? n.resourceType === 'unit_test' : value === 'data' ? n.resourceType === 'test' : n.test?.kind === value;
    case 'test_name':
      return (n) => globMatch(n.test?.testName ?? (n.resourceType === 'unit_test' ? n.name : ''), value);
    case 'state':
      return statePredicate(ctx, atom);
    case 'result': {
      const state = requireState(ctx, atom);
      return state ? (n) => state.results.get(n.uniqueId) === value : undefined;
    }
  }
  if (method.startsWith('config.')) {
    const key = method.slice('config.'.length);
    return (n) => {
      const v = (n.config as Record<string, unknown>)[key];
      return Array.isArray(v) ? v.map(String).includes(value) : String(v) === value;
    };
  }
  ctx.diagnostics.push(
    diagnostic('invalid-selector', `Unknown selector method '${method}' in '${atom.text}'.${didYouMean(method, METHODS)}`, atom.at),
  );
  return undefined;
}

/** The methods {@link predicate} knows (and `config.<key>`), for suggestions. */
const METHODS = [
  'fqn',
  'tag',
  'path',
  'file',
  'resource_type',
  'package',
  'source',
  'source_status',
  'exposure',
  'access',
  'group',
  'unique_id',
  'test_type',
  'test_name',
  'state',
  'result',
  'config',
];

/** `state:new`, `state:old`, `state:modified`, `state:unmodified` and `state:modified.<kind>`, against `--state`. */
function statePredicate(ctx: SelectContext, atom: SelectorAtom): NodePredicate | undefined {
  const state = requireState(ctx, atom);
  if (!state) return undefined;
  const isNew = (n: ProjectNode) => !(n.resourceType === 'unit_test' ? state.unitTests : state.nodes).has(n.uniqueId);
  if (atom.value === 'new') return isNew;
  if (atom.value === 'old') return (n) => !isNew(n);
  if (atom.value === 'modified') return (n) => isNew(n) || modifications(ctx.project, n, state).size > 0;
  // dbt 1.6+: in the state and not modified (a new node counts as modified, so never as unmodified).
  if (atom.value === 'unmodified') return (n) => !isNew(n) && modifications(ctx.project, n, state).size === 0;
  const kind = atom.value.replace(/^modified\./, '') as ModifiedKind;
  if (!atom.value.startsWith('modified.') || !(MODIFIED_KINDS as readonly string[]).includes(kind)) {
    ctx.diagnostics.push(
      diagnostic(
        'invalid-selector',
        `Unknown state selector '${atom.text}' (use state:new, state:old, state:modified, state:unmodified or state:modified.${MODIFIED_KINDS.join('|')}).`,
        atom.at,
      ),
    );
    return undefined;
  }
  return (n) => modifications(ctx.project, n, state).has(kind);
}

/**
 * `source_status:fresher`: sources loaded since the `--state` run's freshness check, comparing
 * the state's sources.json with the one this project's last `source freshness` wrote.
 */
function sourceStatus(ctx: SelectContext, atom: SelectorAtom): Set<string> {
  const fail = (message: string) => {
    ctx.diagnostics.push(diagnostic('invalid-selector', message, atom.at));
    return new Set<string>();
  };
  if (atom.value !== 'fresher') return fail(`Unknown source status '${atom.value}' in '${atom.text}' (use source_status:fresher).`);
  const state = requireState(ctx, atom);
  if (!state) return new Set();
  if (!state.sources)
    return fail(
      `'${atom.text}' needs the state's freshness results: no sources.json in ${state.dir} (run 'strata source freshness' there).`,
    );
  const current = readFreshnessRecord(currentFreshnessFile(ctx.project.targetPath));
  if (!current)
    return fail(
      `'${atom.text}' needs this project's freshness results: run 'strata source freshness' first (it writes target/sources.json).`,
    );
  return fresherSources(current, state.sources);
}

function requireState(ctx: SelectContext, atom: SelectorAtom): ProjectState | undefined {
  if (!ctx.state)
    ctx.diagnostics.push(
      diagnostic(
        'invalid-selector',
        `'${atom.text}' compares with another run: pass --state <dir> with that run's manifest.json.`,
        atom.at,
      ),
    );
  return ctx.state;
}

/** `orders` matches a node named orders; `staging` a folder; `pkg.staging.*` with wildcards. */
function matchFqn(fqn: readonly string[], value: string): boolean {
  const parts = value.split('.');
  if (parts.length === 1 && globMatch(fqn[fqn.length - 1] as string, value)) return true;
  const candidates = [fqn, fqn.slice(1)];
  return candidates.some((c) => parts.length <= c.length && parts.every((p, i) => globMatch(c[i] as string, p)));
}

function matchPath(path: string, value: string): boolean {
  const wanted = value.replace(/^\.\//, '').replace(/\/$/, '');
  return path === wanted || path.startsWith(`${wanted}/`) || globMatch(path, wanted);
}

/** dbt's source method: `src`, `src.table` or `package.src.table`. */
function matchSource(source: SourceDefinition, value: string): boolean {
  const parts = value.split('.');
  if (parts.length === 3) {
    const [pkg, sourceName, table] = parts as [string, string, string];
    return globMatch(source.packageName, pkg) && globMatch(source.sourceName, sourceName) && globMatch(source.name, table);
  }
  const [sourceName, table] = parts;
  return globMatch(source.sourceName, sourceName ?? '') && (table === undefined || globMatch(source.name, table));
}

/** dbt's exposure method: `name` or `package.name`. */
function matchExposure(exposure: ExposureDefinition, value: string): boolean {
  const parts = value.split('.');
  const [pkg, name] = parts.length === 2 ? (parts as [string, string]) : ['*', value];
  return globMatch(exposure.packageName, pkg) && globMatch(exposure.name, name);
}

/** Exposures are not in the graph (nothing runs them): their edges, for `+exposure:x` and `model+`. */
function exposureEdges(project: Project): { parents: (id: string) => string[]; children: (id: string) => string[] } {
  const exposures = [...(project.exposures?.values() ?? [])];
  return {
    parents: (id) => project.exposures?.get(id)?.dependsOn ?? [],
    children: (id) => exposures.filter((e) => e.dependsOn.includes(id)).map((e) => e.uniqueId),
  };
}

function globMatch(text: string, pattern: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return text === pattern;
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return regex.test(text);
}

/** Applies `+` and `@` operators through the graph. */
function expand(
  dag: DependencyGraph,
  atom: SelectorAtom,
  seeds: Set<string>,
  extra?: { parents: (id: string) => string[]; children: (id: string) => string[] },
): Set<string> {
  const out = new Set(seeds);
  const walk = (start: Iterable<string>, depth: number, next: (id: string) => string[]): Set<string> => {
    const found = new Set<string>();
    let frontier = [...start];
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const following: string[] = [];
      for (const id of frontier)
        for (const n of next(id))
          if (!found.has(n)) {
            found.add(n);
            following.push(n);
          }
      frontier = following;
    }
    return found;
  };
  const parents = (id: string) => [...((dag.graph.predecessors(id) as string[] | undefined) ?? []), ...(extra?.parents(id) ?? [])];
  const children = (id: string) => [...((dag.graph.successors(id) as string[] | undefined) ?? []), ...(extra?.children(id) ?? [])];
  if (atom.parents !== undefined) for (const id of walk(seeds, atom.parents, parents)) out.add(id);
  if (atom.children !== undefined || atom.childrenWithParents) {
    const descendants = walk(seeds, atom.children ?? Infinity, children);
    for (const id of descendants) out.add(id);
    if (atom.childrenWithParents) for (const id of walk(descendants, Infinity, parents)) out.add(id);
  }
  return out;
}

/**
 * dbt's indirect selection: the selection with the tests that join it. Eager takes a test when
 * any node it tests is selected; cautious when every one is; buildable when every one is selected
 * or upstream of the selection; empty takes none. A unit test tests its model.
 */
export function withAttachedTests(
  project: Project,
  dag: DependencyGraph,
  selected: Set<string>,
  mode: IndirectSelection = 'eager',
): Set<string> {
  const out = new Set(selected);
  if (mode === 'empty') return out;
  const parentsOf = (id: string) => (dag.graph.predecessors(id) as string[] | undefined) ?? [];
  let buildable: Set<string> | undefined;
  const accepts = (tested: readonly string[]): boolean => {
    if (tested.length === 0) return false;
    if (mode === 'eager') return tested.some((p) => selected.has(p));
    if (tested.every((p) => selected.has(p))) return true;
    if (mode !== 'buildable' || !tested.some((p) => selected.has(p))) return false;
    buildable ??= withAncestors(selected, parentsOf);
    return tested.every((p) => (buildable as Set<string>).has(p));
  };
  for (const node of project.nodes.values()) {
    if (out.has(node.uniqueId)) continue;
    const tested =
      node.resourceType === 'unit_test' && node.unitTest
        ? [node.unitTest.model]
        : node.resourceType === 'test'
          ? parentsOf(node.uniqueId)
          : [];
    if (accepts(tested)) out.add(node.uniqueId);
  }
  return out;
}

/** The ids and everything upstream of them. */
function withAncestors(ids: Set<string>, parentsOf: (id: string) => string[]): Set<string> {
  const out = new Set(ids);
  const stack = [...ids];
  while (stack.length > 0)
    for (const parent of parentsOf(stack.pop() as string))
      if (!out.has(parent)) {
        out.add(parent);
        stack.push(parent);
      }
  return out;
}

// Named selectors (selectors.yml): their definitions are evaluated with the same terms and atoms.

const KEYS = new Set([
  'method',
  'value',
  'parents',
  'children',
  'parents_depth',
  'children_depth',
  'childrens_parents',
  'indirect_selection',
]);

/**
 * Evaluates a selectors.yml definition: a string in CLI syntax; `{method, value, parents,
 * children, parents_depth, children_depth, childrens_parents}`; the shorthand `{tag: nightly}`;
 * or `union`/`intersection` lists whose `exclude` entries are subtracted. Each leaf brings its
 * attached tests (indirect selection) before exclusions apply, so an `exclude` can remove tests.
 */
function evaluateSelectorDefinition(ctx: SelectContext, selector: NamedSelector): Set<string> {
  return evaluateDefinition(ctx, selector, selector.definition, []);
}

/** One part of a selector's definition, at `path` inside it. */
function evaluateDefinition(ctx: SelectContext, selector: NamedSelector, definition: unknown, path: readonly PropertyKey[]): Set<string> {
  const at = selector.locate?.(path);
  if (typeof definition === 'string') return withAttachedTests(ctx.project, ctx.dag, evaluateTerms(ctx, [definition], at), ctx.indirect);
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition))
    return invalid(ctx, selector.name, definition, at);
  const entries = Object.entries(definition as Record<string, unknown>);
  const [firstKey, firstValue] = entries[0] ?? [];
  if ((firstKey === 'union' || firstKey === 'intersection') && entries.length === 1 && Array.isArray(firstValue)) {
    const items = firstValue.map((d, i) => ({ d, path: [...path, firstKey, i] }));
    const parts = items.filter(({ d }) => !isExclude(d)).map((item) => evaluateDefinition(ctx, selector, item.d, item.path));
    const excluded = items
      .filter(({ d }) => isExclude(d))
      .flatMap((item) =>
        ((item.d as { exclude: unknown[] }).exclude ?? []).map((e, j) =>
          evaluateDefinition(ctx, selector, e, [...item.path, 'exclude', j]),
        ),
      );
    let result =
      firstKey === 'union'
        ? new Set(parts.flatMap((s) => [...s]))
        : (parts.reduce<Set<string> | undefined>((acc, s) => (acc ? new Set([...acc].filter((id) => s.has(id))) : s), undefined) ??
          new Set<string>());
    for (const ex of excluded) result = new Set([...result].filter((id) => !ex.has(id)));
    return result;
  }
  const spec = definition as Record<string, unknown>;
  const method =
    typeof spec.method === 'string' ? spec.method : entries.length === 1 && firstKey && !KEYS.has(firstKey) ? firstKey : undefined;
  const value = typeof spec.method === 'string' ? spec.value : firstValue;
  if (!method || value === undefined) return invalid(ctx, selector.name, definition, at);
  const depth = (flag: unknown, explicit: unknown) => (typeof explicit === 'number' ? explicit : flag === true ? Infinity : undefined);
  const atom: SelectorAtom = { method, value: String(value), text: `${method}:${String(value)}`, ...(at ? { at } : {}) };
  const parents = depth(spec.parents, spec.parents_depth);
  const children = depth(spec.children, spec.children_depth);
  if (parents !== undefined) atom.parents = parents;
  if (children !== undefined) atom.children = children;
  if (spec.childrens_parents === true) atom.childrenWithParents = true;
  // A definition's own `indirect_selection` wins over the command's (as in dbt).
  const mode = INDIRECT_SELECTION_MODES.find((m) => m === spec.indirect_selection) ?? ctx.indirect;
  return withAttachedTests(ctx.project, ctx.dag, evaluateAtom(ctx, atom), mode);
}

function isExclude(d: unknown): boolean {
  return d !== null && typeof d === 'object' && 'exclude' in (d as object);
}

function invalid(ctx: SelectContext, name: string, definition: unknown, at: SourceLocation | undefined): Set<string> {
  ctx.diagnostics.push(
    diagnostic(
      'invalid-selectors-file',
      `Selector '${name}': cannot read the definition ${JSON.stringify(definition)}.`,
      at ?? { file: 'selectors.yml', line: 1, column: 1 },
    ),
  );
  return new Set();
}

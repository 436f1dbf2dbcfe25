import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Relation } from '../adapter/relation.js';
import { diagnostic, throwIfErrors } from '../diagnostics/diagnostic.js';
import { inputKey } from '../project/build-unit-tests.js';
import { checksum } from '../project/checksum.js';
import type { MacroDefinition, Project, ProjectNode } from '../project/types.js';
import { unitTestSpec } from '../project/unit-test-spec.js';
import { readFreshnessRecord, type FreshnessRecord } from './source-status.js';
import { comparableConfig, configuredRelation, stableJson } from './state-configs.js';

/** What another run (usually production's) left behind: its manifest and, if present, its results. */
export interface ProjectState {
  /** The state directory. */
  dir: string;
  /** Nodes of the state manifest by unique id. */
  nodes: Map<string, StateNode>;
  /** Macro text by unique id. */
  macros: Map<string, string>;
  /** Unit tests of the state manifest by unique id. */
  unitTests: Map<string, StateUnitTest>;
  /** Status of each node in the state's run_results.json. */
  results: Map<string, string>;
  /** The state's sources.json (source freshness), for `source_status:`. */
  sources?: FreshnessRecord;
}

/** The parts of a manifest node that state comparison and deferral use. */
export interface StateNode {
  resource_type: string;
  raw_code?: string;
  checksum?: { name?: string; checksum: string };
  config?: Record<string, unknown>;
  database?: string | null;
  schema: string;
  alias?: string;
  name: string;
  fqn?: string[];
  description?: string;
  contract?: { enforced?: boolean };
  columns?: Record<string, StateColumn>;
  constraints?: { type: string }[];
  depends_on?: { macros?: string[] };
}

/** A column of a manifest node, as state comparison reads it. */
export interface StateColumn {
  description?: string;
  data_type?: string | null;
  constraints?: { type: string }[];
}

/** The parts of a manifest unit test that state comparison uses. */
export interface StateUnitTest {
  model: string;
  given?: { input: string; rows?: unknown; format?: string }[];
  expect?: { rows?: unknown; format?: string };
  overrides?: { vars?: Record<string, unknown>; macros?: Record<string, unknown> } | null;
}

/** Reads `manifest.json` (required) and `run_results.json` (optional) from a state directory. */
export function loadState(dir: string): ProjectState {
  const root = resolve(dir);
  const manifestFile = join(root, 'manifest.json');
  if (!existsSync(manifestFile))
    throwIfErrors([
      diagnostic(
        'invalid-state',
        `--state ${dir}: no manifest.json there. Point --state at the target/ folder of the run to compare with (e.g. production's artifacts).`,
      ),
    ]);
  let manifest: {
    nodes?: Record<string, StateNode>;
    macros?: Record<string, { macro_sql?: string }>;
    unit_tests?: Record<string, StateUnitTest>;
  };
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as typeof manifest;
  } catch (err) {
    throwIfErrors([diagnostic('invalid-state', `${manifestFile} is not valid JSON: ${(err as Error).message}`)]);
    throw err;
  }
  const results = new Map<string, string>();
  const resultsFile = join(root, 'run_results.json');
  if (existsSync(resultsFile)) {
    const parsed = JSON.parse(readFileSync(resultsFile, 'utf8')) as { results?: { unique_id: string; status: string }[] };
    for (const r of parsed.results ?? []) results.set(r.unique_id, r.status);
  }
  const sources = readFreshnessRecord(join(root, 'sources.json'));
  return {
    ...(sources ? { sources } : {}),
    dir: root,
    nodes: new Map(Object.entries(manifest.nodes ?? {})),
    macros: new Map(Object.entries(manifest.macros ?? {}).map(([id, m]) => [id, m.macro_sql ?? ''])),
    unitTests: new Map(Object.entries(manifest.unit_tests ?? {})),
    results,
  };
}

/** dbt's `state:modified` sub-selectors: the ways a node can differ from its state counterpart. */
export const MODIFIED_KINDS = ['body', 'configs', 'relation', 'persisted_descriptions', 'contract', 'macros'] as const;

/** A way a node can differ: a sub-selector, or a move to another folder (`fqn`, which only `state:modified` sees). */
export type ModifiedKind = (typeof MODIFIED_KINDS)[number] | 'fqn';

/** Whitespace never changes what SQL means (outside literals), so it never counts as a change. */
export function normalizeSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/**
 * Which kinds of modification a node has relative to the state, by dbt's rules (its nodes'
 * same_body, same_config, same_database_representation, same_persisted_description,
 * same_contract and macro checks).
 */
export function modifications(project: Project, node: ProjectNode, state: ProjectState): Set<ModifiedKind> {
  if (node.resourceType === 'unit_test') return unitTestModifications(project, node, state);
  const old = state.nodes.get(node.uniqueId);
  if (!old) return newNodeKinds(macrosChanged(project, node, state));
  const kinds = new Set<ModifiedKind>();
  const type = node.resourceType;
  if (bodyChanged(node, old)) kinds.add('body');
  if (comparableConfig(old.config ?? {}, type) !== comparableConfig(node.config, type)) kinds.add('configs');
  const versionAlias = node.version === undefined ? undefined : `${node.name}_v${node.version}`;
  if (configuredRelation(old.config, type, versionAlias) !== configuredRelation(node.config, type, versionAlias)) kinds.add('relation');
  if (!samePersistedDescriptions(node, old)) kinds.add('persisted_descriptions');
  if (type === 'model' && !sameContract(node, old)) kinds.add('contract');
  if (old.fqn && comparableFqn(old.fqn, type) !== node.fqn.join('.')) kinds.add('fqn');
  if (macrosChanged(project, node, state)) kinds.add('macros');
  return kinds;
}

/**
 * A state node's fqn as Strata writes it. dbt before its `require_corrected_analysis_fqns` flag
 * (1.12) puts an extra `analysis` folder into analyses' fqns ([project, 'analysis', …]); Strata
 * writes the corrected form, so dbt's legacy one is read as the same place.
 */
function comparableFqn(fqn: readonly string[], type: string): string {
  return (type === 'analysis' && fqn[1] === 'analysis' ? [fqn[0], ...fqn.slice(2)] : fqn).join('.');
}

/**
 * A node the state lacks, as dbt's sub-selectors see it: every comparison with nothing fails, so
 * each picks it, except `.macros`, which looks only at whether the macros it calls changed.
 */
function newNodeKinds(macrosChanged: boolean): Set<ModifiedKind> {
  const kinds = new Set<ModifiedKind>(MODIFIED_KINDS);
  if (!macrosChanged) kinds.delete('macros');
  return kinds;
}

/**
 * A seed's body is its checksum (over 1 MiB, its path, as dbt does: its changes are not seen). A
 * generic test's body is its macro call, which only changes with its name, so with its unique id.
 */
function bodyChanged(node: ProjectNode, old: StateNode): boolean {
  if (node.resourceType === 'seed') {
    const sum = node.checksum ?? checksum(node.rawCode);
    return (old.checksum?.name ?? 'sha256') !== sum.name || old.checksum?.checksum !== sum.checksum;
  }
  if (node.test?.kind === 'generic') return false;
  return normalizeSql(old.raw_code ?? '') !== normalizeSql(node.rawCode);
}

/** Descriptions the node writes to the database (persist_docs), as dbt: only those it persists count. */
function samePersistedDescriptions(node: ProjectNode, old: StateNode): boolean {
  const persist = node.config.persist_docs;
  if (persist?.relation && (old.description ?? '') !== node.description) return false;
  if (!persist?.columns) return true;
  const before = Object.entries(old.columns ?? {}).map(([name, c]) => [name, c.description ?? '']);
  const now = Object.values(node.columns).map((c) => [c.name, c.description]);
  return stableJson(Object.fromEntries(before)) === stableJson(Object.fromEntries(now));
}

/**
 * dbt's ModelNode.same_contract: unenforced before and now is no change; otherwise what its
 * contract checksum covers must be equal: columns (by name) with types and constraints, and for
 * materializations that enforce constraints, the materialization and the model's constraints.
 */
function sameContract(node: ProjectNode, old: StateNode): boolean {
  const was = old.contract?.enforced ?? false;
  const now = node.config.contract?.enforced ?? false;
  if (!was && !now) return true;
  if (was !== now) return false;
  const columns = (list: [string, string | null | undefined, { type: string }[] | undefined][]) =>
    list
      .map(([name, type, constraints]) => [name, type ?? null, (constraints ?? []).map((c) => c.type).sort()])
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
  const enforcing = (materialized: unknown, constraints: { type: string }[] | undefined) =>
    materialized === 'table' || materialized === 'incremental' ? [materialized, (constraints ?? []).map((c) => c.type).sort()] : [];
  const before = stableJson([
    columns(Object.entries(old.columns ?? {}).map(([name, c]) => [name, c.data_type, c.constraints])),
    enforcing(old.config?.materialized, old.constraints),
  ]);
  const after = stableJson([
    columns(Object.values(node.columns).map((c) => [c.name, c.dataType, c.constraints])),
    enforcing(node.config.materialized, node.constraints),
  ]);
  return before === after;
}

/** Whether a macro the node calls (directly or through others) changed; dbt's own macros are Strata's here, not compared. */
function macrosChanged(project: Project, node: ProjectNode, state: ProjectState): boolean {
  const byName = macrosByName(project);
  return node.macros.some((name) => {
    const macro = byName.get(name);
    return macro !== undefined && state.macros.get(macro.uniqueId) !== macro.sql;
  });
}

const macroIndexes = new WeakMap<Project, Map<string, MacroDefinition>>();
function macrosByName(project: Project): Map<string, MacroDefinition> {
  let byName = macroIndexes.get(project);
  if (!byName) {
    byName = new Map();
    for (const m of project.macros) if (!byName.has(m.name)) byName.set(m.name, m);
    macroIndexes.set(project, byName);
  }
  return byName;
}

/**
 * A unit test is modified when what it checks changed: its model, inputs, rows (a fixture file's
 * contents included) or overrides, as dbt's unit test checksum covers; not its description or config.
 */
function unitTestModifications(project: Project, node: ProjectNode, state: ProjectState): Set<ModifiedKind> {
  const old = state.unitTests.get(node.uniqueId);
  if (!old) return newNodeKinds(false);
  return unitTestContents(old) !== unitTestContents(unitTestSpec(project, node)) ? new Set(['body']) : new Set();
}

/** A unit test's contents in one form, whether dbt or Strata wrote the manifest: inputs by what they replace, SQL rows without layout. */
function unitTestContents(test: StateUnitTest): string {
  const rows = (r: { rows?: unknown; format?: string } | undefined) => ({
    format: r?.format ?? 'dict',
    rows: r?.format === 'sql' ? normalizeSql(String(r.rows ?? '')) : (r?.rows ?? []),
  });
  const given = (test.given ?? [])
    .map((g) => ({ input: inputKey(g.input) ?? g.input, ...rows(g) }))
    .sort((a, b) => a.input.localeCompare(b.input));
  return stableJson({
    model: test.model,
    given,
    expect: rows(test.expect),
    vars: test.overrides?.vars ?? {},
    macros: test.overrides?.macros ?? {},
  });
}

/** Where a node was built in the state's run, for deferral. */
export function stateRelation(state: ProjectState, uniqueId: string): Relation | undefined {
  const node = state.nodes.get(uniqueId);
  if (!node) return undefined;
  return { ...(node.database ? { database: node.database } : {}), schema: node.schema, identifier: node.alias ?? node.name };
}

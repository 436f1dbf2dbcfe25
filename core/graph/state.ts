import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Relation } from '../adapter/relation.js';
import { diagnostic, throwIfErrors } from '../diagnostics/diagnostic.js';
import { inputKey } from '../project/build-unit-tests.js';
import { checksum } from '../project/checksum.js';
import { manifestConfig } from '../project/node-config-json.js';
import type { Project, ProjectNode } from '../project/types.js';
import { unitTestSpec } from '../project/unit-test-spec.js';
import { readFreshnessRecord, type FreshnessRecord } from './source-status.js';

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
  contract?: { enforced?: boolean };
  columns?: Record<string, { data_type?: string | null }>;
  depends_on?: { macros?: string[] };
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

/** Ways a node can differ from its state counterpart (dbt's `state:modified` sub-selectors). */
export type ModifiedKind = 'body' | 'configs' | 'relation' | 'contract' | 'macros';

/** Whitespace never changes what SQL means (outside literals), so it never counts as a change. */
export function normalizeSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/** Which kinds of modification a node has relative to the state (empty: unchanged or new). */
export function modifications(project: Project, node: ProjectNode, state: ProjectState): Set<ModifiedKind> {
  if (node.resourceType === 'unit_test') return unitTestModifications(project, node, state);
  const old = state.nodes.get(node.uniqueId);
  const kinds = new Set<ModifiedKind>();
  if (!old) return kinds;
  // A seed over 1 MiB is checksummed by its path (as dbt does): its changes are not seen here.
  const seedSum = node.checksum ?? checksum(node.rawCode);
  const body =
    node.resourceType === 'seed'
      ? (old.checksum?.name ?? 'sha256') !== seedSum.name || old.checksum?.checksum !== seedSum.checksum
      : normalizeSql(old.raw_code ?? '') !== normalizeSql(node.rawCode);
  if (body) kinds.add('body');
  if (stableJson(withoutVolatile(old.config ?? {})) !== stableJson(withoutVolatile(manifestConfig(node.config)))) kinds.add('configs');
  // The relation as configured, not as rendered: production and a dev target differ in schema by design.
  const configured = (c: Record<string, unknown> | undefined) => stableJson([c?.database ?? null, c?.schema ?? null, c?.alias ?? null]);
  if (configured(old.config) !== configured(node.config as Record<string, unknown>)) kinds.add('relation');
  if (
    contractOf(old) !==
    stableJson({
      enforced: node.config.contract?.enforced ?? false,
      columns: Object.values(node.columns).map((c) => [c.name, c.dataType ?? null]),
    })
  )
    kinds.add('contract');
  const macroIds = node.macros.map((name) => project.macros.find((m) => m.name === name)).filter((m) => m !== undefined);
  if (macroIds.some((m) => state.macros.get(m.uniqueId) !== m.sql)) kinds.add('macros');
  return kinds;
}

/**
 * A unit test is modified when what it checks changed: its model, inputs, rows (a fixture file's
 * contents included) or overrides, as dbt's unit test checksum covers; not its description or config.
 */
function unitTestModifications(project: Project, node: ProjectNode, state: ProjectState): Set<ModifiedKind> {
  const old = state.unitTests.get(node.uniqueId);
  return old && unitTestContents(old) !== unitTestContents(unitTestSpec(project, node)) ? new Set(['body']) : new Set();
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

function contractOf(node: StateNode): string {
  return stableJson({
    enforced: node.contract?.enforced ?? false,
    columns: Object.entries(node.columns ?? {}).map(([name, c]) => [name, c.data_type ?? null]),
  });
}

/** Config keys that say nothing about what gets built. */
function withoutVolatile(config: Record<string, unknown>): Record<string, unknown> {
  const { tags: _tags, meta: _meta, docs: _docs, ...rest } = config;
  return rest;
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Where a node was built in the state's run, for deferral. */
export function stateRelation(state: ProjectState, uniqueId: string): Relation | undefined {
  const node = state.nodes.get(uniqueId);
  if (!node) return undefined;
  return { ...(node.database ? { database: node.database } : {}), schema: node.schema, identifier: node.alias ?? node.name };
}

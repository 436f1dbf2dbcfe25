import { createHash } from 'node:crypto';
import type { SqlDialect } from '../adapter/dialect.js';
import type { DependencyGraph } from '../graph/build-graph.js';
import type { Project } from '../project/types.js';
import { docEntries, groupEntries, macroEntries } from './definition-entries.js';
import { exposureEntry, externalEntry, nodeEntry, sourceEntry, unitTestEntry } from './manifest-entries.js';
import { artifactMetadata, type InvocationInfo } from './run-results.js';

/** The dbt artifact version Strata's manifest.json follows. */
export const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';

/** Everything the manifest is made from. */
export interface ManifestInput {
  project: Project;
  dag: DependencyGraph;
  dialect: SqlDialect;
  invocation: InvocationInfo;
  /** Environment: `STRATA_ENV_CUSTOM_ENV_*` / `DBT_ENV_CUSTOM_ENV_*` are recorded in metadata.env. */
  env?: NodeJS.ProcessEnv;
  /** Compiled SQL by node id, when this command compiled nodes. */
  compiled?: ReadonlyMap<string, string>;
}

/** target/manifest.json in dbt's v12 shape: how other tools and other teams see the project. */
export function manifestArtifact(input: ManifestInput): Record<string, unknown> {
  const { sections, nodeEntries } = manifestParts(input);
  return { ...sections, nodes: Object.fromEntries(nodeEntries()) };
}

/**
 * The manifest with its node entries made one at a time, for {@link writeManifest}: an entry
 * written as soon as it is made dies young, where 10,000 entries held until the end were copied
 * by the garbage collector into the old generation, a large share of a big project's compile.
 */
export interface ManifestParts {
  /** Every section in order; `nodes` is a placeholder. */
  sections: Record<string, unknown>;
  /** The `nodes` section's entries, made while iterated. */
  nodeEntries: () => Iterable<[id: string, entry: unknown]>;
}

/** The manifest's sections, and its node entries made on demand (see {@link ManifestParts}). */
export function manifestParts({ project, dag, dialect, invocation, compiled, env = process.env }: ManifestInput): ManifestParts {
  const parentMap: Record<string, string[]> = {};
  const childMap: Record<string, string[]> = {};
  for (const id of dag.graph.nodes()) {
    // graphlib lists each neighbour once.
    parentMap[id] = [...((dag.graph.predecessors(id) as string[] | undefined) ?? [])].sort();
    childMap[id] = [...((dag.graph.successors(id) as string[] | undefined) ?? [])].sort();
  }
  // A macro a node calls by name, as its unique id (macros of dbt's own namespace otherwise).
  const macroIds = new Map<string, string>();
  for (const m of project.macros) if (!macroIds.has(m.name)) macroIds.set(m.name, m.uniqueId);
  const unitTests: Record<string, unknown> = {};
  for (const node of project.nodes.values()) if (node.resourceType === 'unit_test') unitTests[node.uniqueId] = unitTestEntry(project, node);
  function* nodeEntries(): Generator<[string, unknown]> {
    for (const node of project.nodes.values()) {
      if (node.resourceType !== 'unit_test')
        yield [node.uniqueId, nodeEntry(project, node, dialect, compiled?.get(node.uniqueId), parentMap[node.uniqueId] ?? [], macroIds)];
    }
    // Models of upstream projects this project refs, so lineage tools see them (marked by package).
    for (const external of project.externals.values())
      if (dag.graph.hasNode(external.uniqueId)) yield [external.uniqueId, externalEntry(external, dialect)];
  }
  const disabled: Record<string, unknown[]> = {};
  for (const node of project.disabled.values())
    if (node.resourceType !== 'unit_test') disabled[node.uniqueId] = [nodeEntry(project, node, dialect, undefined, [], macroIds)];
  for (const source of project.disabledSources?.values() ?? []) disabled[source.uniqueId] = [sourceEntry(source, dialect, false)];
  const sections = {
    metadata: manifestMetadata(project.name, project.target.type, invocation, env),
    nodes: null,
    sources: Object.fromEntries([...project.sources.values()].map((s) => [s.uniqueId, sourceEntry(s, dialect)])),
    macros: macroEntries(project),
    docs: docEntries(project),
    exposures: Object.fromEntries([...(project.exposures?.values() ?? [])].map((e) => [e.uniqueId, exposureEntry(e, project)])),
    metrics: {},
    groups: groupEntries(project, (id) => dag.graph.hasNode(id)),
    selectors: {},
    disabled,
    parent_map: parentMap,
    child_map: childMap,
    group_map: groupMap(project, dag),
    saved_queries: {},
    semantic_models: {},
    unit_tests: unitTests,
    functions: {},
  };
  return { sections, nodeEntries };
}

/** The manifest's `metadata` section. */
export function manifestMetadata(
  projectName: string,
  adapterType: string,
  invocation: InvocationInfo,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  return {
    ...artifactMetadata(MANIFEST_SCHEMA, invocation, customEnv(env)),
    project_name: projectName,
    project_id: createHash('md5').update(projectName).digest('hex'),
    user_id: null,
    send_anonymous_usage_stats: false,
    adapter_type: adapterType,
  };
}

/** dbt's custom-env convention: `DBT_ENV_CUSTOM_ENV_X=v` (or STRATA_...) is recorded as `{X: v}`. */
export function customEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  // Only matching variables are read (a recording environment then knows which ones were used).
  for (const key of Object.keys(env)) {
    const match = /^(?:DBT|STRATA)_ENV_CUSTOM_ENV_(.+)$/.exec(key);
    const value = match ? env[key] : undefined;
    if (match && value !== undefined) out[match[1] as string] = value;
  }
  return out;
}

/** Node ids by group name, upstream models this project refs included (they are nodes of the manifest too). */
function groupMap(project: Project, dag: DependencyGraph): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const node of project.nodes.values()) {
    const group = node.config.group;
    if (group) (out[group] ??= []).push(node.uniqueId);
  }
  for (const external of project.externals.values())
    if (external.group && dag.graph.hasNode(external.uniqueId)) (out[external.group] ??= []).push(external.uniqueId);
  return out;
}

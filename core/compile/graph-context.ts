import type { SqlDialect } from '../adapter/dialect.js';
import type { DependencyGraph } from '../graph/build-graph.js';
import type { ProjectNode } from '../project/types.js';
import type { ProjectForCompile } from './project-for-compile.js';
import { columnEntry, exposureEntry, nodeEntry, sourceEntry } from '../artifacts/manifest-entries.js';
import { groupEntries } from '../artifacts/definition-entries.js';

/**
 * A node as templates see it (`model`, and the entries of `graph.nodes`): the fields of its
 * manifest entry that dbt projects read.
 */
export function nodeContext(
  project: ProjectForCompile,
  dag: DependencyGraph,
  node: ProjectNode,
  dialect: SqlDialect,
): Record<string, unknown> {
  const r = node.relation;
  const parents = dag.graph?.hasNode(node.uniqueId) ? ((dag.graph.predecessors(node.uniqueId) as string[] | undefined) ?? []) : [];
  return {
    unique_id: node.uniqueId,
    name: node.name,
    resource_type: node.resourceType,
    package_name: node.packageName,
    path: node.path,
    original_file_path: node.originalFilePath,
    fqn: node.fqn,
    alias: r.identifier,
    schema: r.schema,
    database: r.database ?? null,
    relation_name: node.resourceType === 'test' || node.config.materialized === 'ephemeral' ? null : dialect.qualify(r),
    config: node.config,
    tags: node.config.tags,
    meta: node.config.meta,
    description: node.description,
    columns: Object.fromEntries(Object.values(node.columns).map((c) => [c.name, columnEntry(c)])),
    raw_code: node.rawCode,
    raw_sql: node.rawCode,
    language: 'sql',
    refs: node.refs.map((ref) => ({ name: ref.name, package: ref.package ?? null, version: ref.version ?? null })),
    sources: node.sources.map((s) => [s.source, s.table]),
    depends_on: { nodes: [...parents].sort(), macros: node.macros },
    ...(node.test?.kind === 'generic'
      ? {
          test_metadata: { name: node.test.testName, kwargs: node.test.kwargs, namespace: node.test.namespace ?? null },
          column_name: node.test.columnName ?? null,
          attached_node: node.test.attachedNode ?? null,
        }
      : {}),
  };
}

/**
 * dbt's `graph` context: every node and source by id, as the manifest writes them (dbt builds it
 * from the same dicts), built on first use. Compiled code is left out: it is what is being made.
 */
export function graphContext(
  project: ProjectForCompile,
  dag: DependencyGraph,
  dialect: SqlDialect,
): { nodes: Record<string, unknown>; sources: Record<string, unknown>; exposures: object; metrics: object; groups: object } {
  const macroIds = new Map<string, string>();
  for (const m of project.macros) if (!macroIds.has(m.name)) macroIds.set(m.name, m.uniqueId);
  const parentsOf = (id: string) =>
    dag.graph?.hasNode(id) ? [...((dag.graph.predecessors(id) as string[] | undefined) ?? [])].sort() : [];
  const nodes: Record<string, unknown> = {};
  for (const node of project.nodes.values())
    if (node.resourceType !== 'unit_test')
      nodes[node.uniqueId] = nodeEntry(project, node, dialect, undefined, parentsOf(node.uniqueId), macroIds);
  const sources: Record<string, unknown> = {};
  for (const s of project.sources.values()) sources[s.uniqueId] = sourceEntry(s, dialect);
  // The same entries as the manifest's `groups`: upstream projects' and packages' groups included.
  const groups = groupEntries(project, (id) => dag.graph?.hasNode(id) ?? false);
  const exposures: Record<string, unknown> = {};
  for (const e of project.exposures?.values() ?? []) exposures[e.uniqueId] = exposureEntry(e, project);
  return { nodes, sources, exposures, metrics: {}, groups };
}

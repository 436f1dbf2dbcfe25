import type { SqlDialect } from '../adapter/dialect.js';
import type { DependencyGraph } from '../graph/build-graph.js';
import type { Project } from '../project/types.js';
import { renderMarkdown } from './markdown.js';

/** One node of the docs site: everything its page and the lineage graph show. */
export interface SiteNode {
  id: string;
  name: string;
  type: string;
  package: string;
  file: string;
  fqn: string[];
  description: string;
  materialized: string;
  relation: string;
  database: string | null;
  schema: string;
  tags: string[];
  group: string | null;
  owner: string | null;
  access: string | null;
  version: string | null;
  contract: boolean;
  columns: { name: string; type: string | null; description: string; tests: string[] }[];
  raw: string;
  compiled: string | null;
  parents: string[];
  children: string[];
  /** Declared in another project (cross-project reference). */
  external: boolean;
  rowCount: number | null;
}

/** The data the docs site renders, embedded in its page. */
export interface SiteData {
  project: string;
  adapter: string;
  generatedAt: string;
  nodes: SiteNode[];
}

type CatalogEntry = { columns?: Record<string, { type: string }>; stats?: { row_count?: { value: number } } };

const SHOWN = new Set(['model', 'seed', 'snapshot']);

/** Builds the site's data: models, seeds, snapshots and sources, with their columns, tests and lineage. */
export function siteData(
  project: Project,
  dag: DependencyGraph,
  dialect: SqlDialect,
  catalog: { nodes: Record<string, CatalogEntry>; sources: Record<string, CatalogEntry> },
  compiled: ReadonlyMap<string, string>,
): SiteData {
  const testsByColumn = new Map<string, string[]>();
  for (const node of project.nodes.values()) {
    if (!node.test?.attachedNode) continue;
    const key = `${node.test.attachedNode}|${node.test.column ?? node.test.columnName ?? ''}`;
    testsByColumn.set(key, [...(testsByColumn.get(key) ?? []), node.test.testName ?? node.name]);
  }
  const shown = (id: string) =>
    project.nodes.has(id)
      ? SHOWN.has(project.nodes.get(id)?.resourceType ?? '')
      : project.sources.has(id) || (project.externals.has(id) && dag.graph.hasNode(id));
  const neighbours = (id: string, direction: 'predecessors' | 'successors') =>
    ((dag.graph[direction](id) as string[] | undefined) ?? []).filter(shown).sort();
  const columnsOf = (
    id: string,
    documented: Record<string, { name: string; description: string; dataType?: string }>,
    entry: CatalogEntry | undefined,
  ) => {
    const names = [...new Set([...Object.keys(entry?.columns ?? {}), ...Object.keys(documented)])];
    return names.map((name) => ({
      name,
      type: entry?.columns?.[name]?.type ?? documented[name]?.dataType ?? null,
      description: renderMarkdown(documented[name]?.description ?? ''),
      tests: testsByColumn.get(`${id}|${name}`) ?? [],
    }));
  };
  const ownerOf = (group: string | null | undefined) => {
    const owner = group ? project.groups.get(group)?.owner : undefined;
    return owner ? [owner.name, owner.email ? `<${owner.email}>` : ''].filter(Boolean).join(' ') : null;
  };
  const nodes: SiteNode[] = [];
  for (const node of project.nodes.values()) {
    if (!SHOWN.has(node.resourceType)) continue;
    const entry = catalog.nodes[node.uniqueId];
    nodes.push({
      id: node.uniqueId,
      name: node.name,
      type: node.resourceType,
      package: node.packageName,
      file: node.originalFilePath,
      fqn: node.fqn,
      description: renderMarkdown(node.description),
      materialized: node.config.materialized,
      relation: node.config.materialized === 'ephemeral' ? '' : dialect.qualify(node.relation),
      database: node.relation.database ?? null,
      schema: node.relation.schema,
      tags: node.config.tags,
      group: node.config.group ?? null,
      owner: ownerOf(node.config.group),
      access: node.resourceType === 'model' ? (node.config.access ?? 'protected') : null,
      version:
        node.version === undefined
          ? null
          : `${node.version}${node.latest ? ' (latest)' : ''}${node.deprecationDate ? `, deprecated ${node.deprecationDate}` : ''}`,
      contract: node.config.contract?.enforced ?? false,
      columns: columnsOf(node.uniqueId, node.columns, entry),
      raw: node.resourceType === 'seed' ? '' : node.rawCode,
      compiled: compiled.get(node.uniqueId) ?? null,
      parents: neighbours(node.uniqueId, 'predecessors'),
      children: neighbours(node.uniqueId, 'successors'),
      external: false,
      rowCount: entry?.stats?.row_count?.value ?? null,
    });
  }
  for (const source of project.sources.values()) {
    const entry = catalog.sources[source.uniqueId];
    nodes.push({
      id: source.uniqueId,
      name: `${source.sourceName}.${source.name}`,
      type: 'source',
      package: source.packageName,
      file: source.originalFilePath,
      fqn: source.fqn,
      description: renderMarkdown(source.description),
      materialized: 'source',
      relation: dialect.qualify(source.relation),
      database: source.relation.database ?? null,
      schema: source.relation.schema,
      tags: source.tags,
      group: null,
      owner: null,
      access: null,
      version: null,
      contract: false,
      columns: columnsOf(source.uniqueId, source.columns, entry),
      raw: '',
      compiled: null,
      parents: [],
      children: neighbours(source.uniqueId, 'successors'),
      external: false,
      rowCount: entry?.stats?.row_count?.value ?? null,
    });
  }
  for (const external of project.externals.values()) {
    if (!dag.graph.hasNode(external.uniqueId)) continue;
    nodes.push({
      id: external.uniqueId,
      name: external.name,
      type: 'model',
      package: external.project,
      file: external.manifestFile,
      fqn: [external.project, external.name],
      description: renderMarkdown(external.description),
      materialized: 'external',
      relation: dialect.qualify(external.relation),
      database: external.relation.database ?? null,
      schema: external.relation.schema,
      tags: [],
      group: external.group ?? null,
      owner: null,
      access: external.access,
      version: external.version === undefined ? null : String(external.version),
      contract: false,
      columns: columnsOf(external.uniqueId, external.columns, undefined),
      raw: '',
      compiled: null,
      parents: [],
      children: neighbours(external.uniqueId, 'successors'),
      external: true,
      rowCount: null,
    });
  }
  return {
    project: project.name,
    adapter: project.target.type,
    generatedAt: new Date().toISOString(),
    nodes: nodes.sort((a, b) => a.id.localeCompare(b.id)),
  };
}

import type { SqlDialect } from '../adapter/dialect.js';
import type { DependencyGraph } from '../graph/build-graph.js';
import type { Project } from '../project/types.js';
import type { FreshnessThreshold, FreshnessTime } from '../project/freshness.js';
import { renderMarkdown } from './markdown.js';
import { exposureNodes, type SiteExposure } from './site-exposures.js';
import { groupOwners } from './site-groups.js';
import { siteMacros, type SiteMacro } from './site-macros.js';
import type { LastResults, SiteFreshnessResult } from './site-results.js';
import { siteTests, type SiteTest } from './site-tests.js';

/** What a source page shows beyond any node's: where the data comes from and how fresh it must be. */
export interface SiteSource {
  sourceName: string;
  loader: string;
  sourceDescription: string;
  loadedAtField: string | null;
  /** `warn_after`/`error_after` as text (`12 hours`), null when not set; `filter` as written. */
  freshness: { warnAfter: string | null; errorAfter: string | null; filter: string | null } | null;
  /** The last `strata source freshness` (target/sources.json), null when there is none. */
  lastFreshness: SiteFreshnessResult | null;
}

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
  /** Short label of a model version for the graph and lists (`v2`), null when unversioned. */
  versionLabel: string | null;
  contract: boolean;
  /** Column tests are test unique ids. */
  columns: { name: string; type: string | null; description: string; tests: string[] }[];
  /** Every test that reads this node: column tests, model-level tests, singular tests that ref it. */
  tests: string[];
  /** Only for sources. */
  source: SiteSource | null;
  /** Only for exposures. */
  exposure: SiteExposure | null;
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
  tests: SiteTest[];
  macros: SiteMacro[];
}

type CatalogEntry = { columns?: Record<string, { type: string }>; stats?: { row_count?: { value: number } } };

/** Nodes with a page, in the tree and in the lineage graph (dbt's docs site shows analyses too). */
const SHOWN = new Set(['model', 'seed', 'snapshot', 'analysis']);

/**
 * Builds the site's data: models, seeds, snapshots, analyses, sources and exposures with their
 * columns, tests and lineage; tests; and the macros of the project and its packages.
 */
export function siteData(
  project: Project,
  dag: DependencyGraph,
  dialect: SqlDialect,
  catalog: { nodes: Record<string, CatalogEntry>; sources: Record<string, CatalogEntry> },
  compiled: ReadonlyMap<string, string>,
  last: LastResults = { runs: new Map(), freshness: new Map() },
): SiteData {
  const { tests, testsOf } = siteTests(project, dag, compiled, last.runs);
  const testsByColumn = new Map<string, string[]>();
  for (const test of tests) {
    if (!test.attachedTo || !test.column) continue;
    const key = `${test.attachedTo}|${test.column}`;
    testsByColumn.set(key, [...(testsByColumn.get(key) ?? []), test.id]);
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
  const ownerOf = groupOwners(project, dag);
  const nodes: SiteNode[] = [];
  for (const node of project.nodes.values()) {
    if (!SHOWN.has(node.resourceType)) continue;
    const entry = catalog.nodes[node.uniqueId];
    // An analysis is compiled, never built: it has no relation and no materialization.
    const built = node.resourceType !== 'analysis';
    nodes.push({
      id: node.uniqueId,
      name: node.name,
      type: node.resourceType,
      package: node.packageName,
      file: node.originalFilePath,
      fqn: node.fqn,
      description: renderMarkdown(node.description),
      materialized: built ? node.config.materialized : '',
      relation: !built || node.config.materialized === 'ephemeral' ? '' : dialect.qualify(node.relation),
      database: node.relation.database ?? null,
      schema: node.relation.schema,
      tags: node.config.tags,
      group: node.config.group ?? null,
      owner: ownerOf(node.packageName, node.config.group),
      access: node.resourceType === 'model' ? (node.config.access ?? 'protected') : null,
      version:
        node.version === undefined
          ? null
          : `${node.version}${node.latest ? ' (latest)' : ''}${node.deprecationDate ? `, deprecated ${node.deprecationDate}` : ''}`,
      versionLabel: versionLabel(node.version),
      contract: node.config.contract?.enforced ?? false,
      columns: columnsOf(node.uniqueId, node.columns, entry),
      tests: testsOf.get(node.uniqueId) ?? [],
      source: null,
      exposure: null,
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
      versionLabel: null,
      contract: false,
      columns: columnsOf(source.uniqueId, source.columns, entry),
      tests: testsOf.get(source.uniqueId) ?? [],
      source: {
        sourceName: source.sourceName,
        loader: source.loader,
        sourceDescription: renderMarkdown(source.sourceDescription),
        loadedAtField: source.loadedAtField ?? null,
        freshness: freshnessShown(source.freshness),
        lastFreshness: last.freshness.get(source.uniqueId) ?? null,
      },
      exposure: null,
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
      // Named by its project only: the manifest's folder on this machine means nothing to a reader.
      file: '',
      fqn: [external.project, external.name],
      description: renderMarkdown(external.description),
      materialized: 'external',
      relation: dialect.qualify(external.relation),
      database: external.relation.database ?? null,
      schema: external.relation.schema,
      tags: [],
      group: external.group ?? null,
      owner: ownerOf(external.project, external.group),
      access: external.access,
      version: external.version === undefined ? null : `${external.version}${external.latest ? ' (latest)' : ''}`,
      versionLabel: versionLabel(external.version),
      contract: (external as { contract?: { enforced?: boolean } }).contract?.enforced ?? false,
      columns: columnsOf(external.uniqueId, external.columns, undefined),
      tests: testsOf.get(external.uniqueId) ?? [],
      source: null,
      exposure: null,
      raw: '',
      compiled: null,
      parents: [],
      children: neighbours(external.uniqueId, 'successors'),
      external: true,
      rowCount: null,
    });
  }
  nodes.push(...exposureNodes(project, new Map(nodes.map((n) => [n.id, n]))));
  return {
    project: project.name,
    adapter: project.target.type,
    generatedAt: new Date().toISOString(),
    nodes: nodes.sort((a, b) => a.id.localeCompare(b.id)),
    tests,
    macros: siteMacros(project),
  };
}

const versionLabel = (version: string | number | undefined) => (version === undefined ? null : `v${version}`);

const periodText = (time: FreshnessTime | null) =>
  time?.count !== null && time?.count !== undefined && time.period ? `${time.count} ${time.period}${time.count === 1 ? '' : 's'}` : null;

function freshnessShown(freshness: FreshnessThreshold | null | undefined): SiteSource['freshness'] {
  if (!freshness) return null;
  const shown = { warnAfter: periodText(freshness.warn_after), errorAfter: periodText(freshness.error_after), filter: freshness.filter };
  return shown.warnAfter || shown.errorAfter ? shown : null;
}

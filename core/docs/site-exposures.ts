import type { ExposureDefinition, Project } from '../project/types.js';
import { renderMarkdown } from './markdown.js';
import type { SiteNode } from './site-data.js';

/** What an exposure's page shows beyond any node's: what uses the data, and who owns it. */
export interface SiteExposure {
  /** `dashboard`, `notebook`, `analysis`, `ml` or `application`. */
  type: string;
  label: string | null;
  maturity: string | null;
  url: string | null;
}

const ownerText = (owner: Record<string, unknown>) =>
  [owner.name, typeof owner.email === 'string' ? `<${owner.email}>` : ''].filter((v) => typeof v === 'string' && v).join(' ') || null;

/**
 * The project's exposures as site nodes, children of what they depend on (as dbt's docs site
 * draws them). Only `shown` parents are kept; their `children` gain the exposure.
 */
export function exposureNodes(project: Pick<Project, 'exposures'>, byId: ReadonlyMap<string, SiteNode>): SiteNode[] {
  return [...(project.exposures?.values() ?? [])].map((e) => {
    const parents = e.dependsOn.filter((id) => byId.has(id)).sort();
    for (const id of parents) byId.get(id)?.children.push(e.uniqueId);
    return exposureNode(e, parents);
  });
}

function exposureNode(e: ExposureDefinition, parents: string[]): SiteNode {
  return {
    id: e.uniqueId,
    name: e.name,
    type: 'exposure',
    package: e.packageName,
    file: e.originalFilePath,
    fqn: e.fqn,
    description: renderMarkdown(e.description),
    materialized: '',
    relation: '',
    database: null,
    schema: '',
    tags: e.tags,
    group: null,
    owner: ownerText(e.owner),
    access: null,
    version: null,
    versionLabel: null,
    contract: false,
    columns: [],
    tests: [],
    source: null,
    exposure: { type: e.type, label: e.label ?? null, maturity: e.maturity ?? null, url: e.url ?? null },
    raw: '',
    compiled: null,
    parents,
    children: [],
    external: false,
    rowCount: null,
  };
}

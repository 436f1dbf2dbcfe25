import { join } from 'node:path';
import { throwIfErrors } from '../diagnostics/diagnostic.js';
import { buildGraph, type DependencyGraph } from '../graph/build-graph.js';
import { nodeRelation } from '../project/build-nodes.js';
import { finalizeConfig, mergeConfigs, type PartialNodeConfig } from '../project/node-config.js';
import { parseTemplate } from '../project/parse-template.js';
import type { Project, ProjectNode } from '../project/types.js';
import { baseScope } from '../template/base-scope.js';
import type { TemplateEngine } from '../template/engine.js';

/** The name dbt gives SQL passed on the command line (`--inline`). */
export const INLINE_NAME = 'inline_query';

/** Where diagnostics about inline SQL point: it has no file. */
export const INLINE_FILE = '<inline>';

/** A project with an inline query added as a node, and the graph that resolves its refs. */
export interface WithInline {
  project: Project;
  dag: DependencyGraph;
  /** The inline node's id (`sql_operation.<project>.inline_query`, as dbt names it). */
  uniqueId: string;
}

/**
 * Adds `sql` (a SQL template, as `--inline` gives it) to the project as a node that is compiled
 * like an analysis and never built: parsed for its refs, sources and config(), then the graph is
 * built again so those resolve as any model's would (an unknown ref is the usual error).
 */
export function withInlineNode(project: Project, engine: TemplateEngine, sql: string, env: NodeJS.ProcessEnv): WithInline {
  const base = baseScope({
    projectName: project.name,
    vars: project.vars,
    target: { ...project.target.info, name: project.target.targetName, profile_name: project.target.profileName },
    env,
    execute: false,
  });
  const parsed = parseTemplate({ engine, base }, INLINE_FILE, sql, INLINE_NAME);
  throwIfErrors(parsed.diagnostics);
  const record = parsed.record;
  if (!record) throw new Error('inline SQL parsed without a record or a diagnostic');
  const config = finalizeConfig(mergeConfigs(record.config as PartialNodeConfig), 'view');
  const uniqueId = `sql_operation.${project.name}.${INLINE_NAME}`;
  const node: ProjectNode = {
    uniqueId,
    resourceType: 'analysis',
    name: INLINE_NAME,
    packageName: project.name,
    originalFilePath: INLINE_FILE,
    absolutePath: join(project.root, INLINE_FILE),
    path: `${INLINE_NAME}.sql`,
    fqn: [project.name, INLINE_NAME],
    rawCode: sql,
    config,
    description: '',
    columns: {},
    tests: [],
    refs: record.refs,
    sources: record.sources,
    macros: [...record.macros],
    relation: nodeRelation(config, INLINE_NAME, project.target.info),
  };
  const withNode: Project = { ...project, nodes: new Map([...project.nodes, [uniqueId, node]]) };
  return { project: withNode, dag: buildGraph(withNode), uniqueId };
}

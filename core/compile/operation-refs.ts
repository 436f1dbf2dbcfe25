import type { SqlDialect } from '../adapter/dialect.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { Project, ProjectNode } from '../project/types.js';
import { splitArgs, TemplateCallError } from '../template/call-args.js';
import type { RenderScope } from '../template/engine.js';
import { relationValue } from '../template/relation-value.js';

const REFABLE = new Set(['model', 'seed', 'snapshot']);

/**
 * `ref()` and `source()` for a template that belongs to no node (`run-operation`): the graph
 * recorded no refs for it, so names are looked up in the project as dbt's operation context does
 * (the root project's node first, then a package's; a versioned model's latest version).
 */
export function operationRefs(project: Pick<Project, 'name' | 'nodes' | 'sources'>, dialect: SqlDialect): RenderScope {
  const refable = [...project.nodes.values()].filter((n) => REFABLE.has(n.resourceType));
  const ref = (...args: unknown[]) => {
    const { positional, keywords } = splitArgs(args);
    const name = String(positional[positional.length - 1]);
    const pkg = positional.length === 2 ? String(positional[0]) : undefined;
    const version = keywords.v ?? keywords.version;
    const named = refable.filter((n) => n.name === name && (pkg === undefined || n.packageName === pkg));
    const versioned = (n: ProjectNode) =>
      version !== undefined && version !== null ? String(n.version) === String(version) : n.version === undefined || n.latest === true;
    const found = [...named.filter((n) => n.packageName === project.name), ...named].find(versioned);
    if (!found)
      throw new TemplateCallError(
        'unknown-ref',
        `ref('${name}') was not found in the project.${didYouMean(
          name,
          refable.map((n) => n.name),
        )}`,
      );
    return relationValue(found.relation, dialect);
  };
  const source = (...args: unknown[]) => {
    const [sourceName, table] = splitArgs(args).positional.map(String);
    const all = [...project.sources.values()];
    const found =
      project.sources.get(`source.${project.name}.${sourceName}.${table}`) ??
      all.find((s) => s.sourceName === sourceName && s.name === table);
    if (!found) throw new TemplateCallError('unknown-source', `source('${sourceName}', '${table}') is not declared under 'sources:'.`);
    return relationValue(found.relation, dialect);
  };
  return { ref, source };
}

import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { RenderScope, TemplateEngine } from '../template/engine.js';
import { parseScope } from '../template/parse-scope.js';
import type { ExposureDefinition, ProjectNode, SourceDefinition } from './types.js';

/** An `exposures:` entry, for checking what it depends on (Strata builds nothing from exposures). */
export interface ExposureEntry {
  name: string;
  file: string;
  /** `depends_on:` items as written (`ref('orders')`, `source('erp', 'sales')`), each with its place. */
  dependsOn: { text: string; at: SourceLocation }[];
  /** The entry as written (type, owner, description, ...), for the manifest and `ls`. */
  properties: Record<string, unknown>;
}

/** The exposures of a properties file's `exposures:` section. */
export function readExposures(
  file: string,
  entries: readonly Record<string, unknown>[],
  locate: (path: readonly PropertyKey[]) => SourceLocation,
): ExposureEntry[] {
  return entries.flatMap((entry, i) => {
    if ((entry.config as { enabled?: unknown } | undefined)?.enabled === false) return [];
    const dependsOn = Array.isArray(entry.depends_on) ? entry.depends_on : [];
    return [
      {
        name: String(entry.name ?? ''),
        file,
        properties: entry,
        dependsOn: dependsOn.flatMap((text, j) =>
          typeof text === 'string' ? [{ text, at: locate(['exposures', i, 'depends_on', j]) }] : [],
        ),
      },
    ];
  });
}

const REFABLE = new Set(['model', 'seed', 'snapshot']);

/**
 * Each exposure's `depends_on` must name enabled models, seeds, snapshots or declared sources: dbt
 * fails the parse ("depends on a node named 'x' which was not found") otherwise.
 */
export function checkExposures(
  exposures: readonly ExposureEntry[],
  nodes: ReadonlyMap<string, ProjectNode>,
  sources: readonly SourceDefinition[],
  engine: TemplateEngine,
  base: RenderScope,
): Diagnostic[] {
  return exposures.flatMap((exposure) => exposureDependencies(exposure, nodes, sources, engine, base).diagnostics);
}

/** The exposures as the project keeps them, with `depends_on` resolved to node and source ids. */
export function exposureDefinitions(
  exposures: readonly (ExposureEntry & { packageName: string })[],
  nodes: ReadonlyMap<string, ProjectNode>,
  sources: readonly SourceDefinition[],
  engine: TemplateEngine,
  base: RenderScope,
): Map<string, ExposureDefinition> {
  const out = new Map<string, ExposureDefinition>();
  for (const exposure of exposures) {
    const p = exposure.properties;
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const config = (p.config ?? {}) as { tags?: unknown; meta?: unknown };
    const uniqueId = `exposure.${exposure.packageName}.${exposure.name}`;
    out.set(uniqueId, {
      uniqueId,
      name: exposure.name,
      packageName: exposure.packageName,
      originalFilePath: exposure.file,
      fqn: [exposure.packageName, exposure.name],
      type: text(p.type) ?? 'dashboard',
      owner: (p.owner ?? {}) as Record<string, unknown>,
      description: text(p.description) ?? '',
      label: text(p.label),
      maturity: text(p.maturity),
      url: text(p.url),
      tags: [...asStrings(p.tags), ...asStrings(config.tags)],
      meta: { ...((p.meta ?? {}) as Record<string, unknown>), ...((config.meta ?? {}) as Record<string, unknown>) },
      dependsOn: exposureDependencies(exposure, nodes, sources, engine, base).ids,
    });
  }
  return out;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
}

/** What one exposure's `depends_on` names, as node and source ids, and what it names that does not exist. */
function exposureDependencies(
  exposure: ExposureEntry,
  nodes: ReadonlyMap<string, ProjectNode>,
  sources: readonly SourceDefinition[],
  engine: TemplateEngine,
  base: RenderScope,
): { ids: string[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const ids: string[] = [];
  const refable = [...nodes.values()].filter((n) => REFABLE.has(n.resourceType));
  for (const { text, at } of exposure.dependsOn) {
    // `metric('x')` names a metric, which Strata does not build: nothing to check.
    const { scope, record } = parseScope(base, exposure.file, text, exposure.name, { metric: () => '' });
    const rendered = engine.renderString(`{{ ${text} }}`, exposure.file, scope);
    if (rendered.diagnostic) {
      diagnostics.push({ ...rendered.diagnostic, at });
      continue;
    }
    for (const ref of record.refs) {
      const found = refable.find(
        (n) =>
          n.name === ref.name &&
          (ref.package === undefined || n.packageName === ref.package) &&
          (ref.version === undefined || String(n.version) === String(ref.version)),
      );
      if (found) ids.push(found.uniqueId);
      else
        diagnostics.push(
          diagnostic(
            'unknown-ref',
            `Exposure '${exposure.name}' depends on a node named '${ref.name}' which was not found.${didYouMean(
              ref.name,
              refable.map((n) => n.name),
            )}`,
            at,
          ),
        );
    }
    for (const call of record.sources) {
      const found = sources.find((s) => s.sourceName === call.source && s.name === call.table);
      if (found) ids.push(found.uniqueId);
      else
        diagnostics.push(
          diagnostic(
            'unknown-source',
            `Exposure '${exposure.name}' depends on source('${call.source}', '${call.table}'), which is not declared under 'sources:'.${didYouMean(
              `${call.source}.${call.table}`,
              sources.map((s) => `${s.sourceName}.${s.name}`),
            )}`,
            at,
          ),
        );
    }
  }
  return { ids: [...new Set(ids)], diagnostics };
}

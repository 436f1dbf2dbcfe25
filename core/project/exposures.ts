import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { RenderScope, TemplateEngine } from '../template/engine.js';
import { parseScope } from '../template/parse-scope.js';
import type { ProjectNode, SourceDefinition } from './types.js';

/** An `exposures:` entry, for checking what it depends on (Strata builds nothing from exposures). */
export interface ExposureEntry {
  name: string;
  file: string;
  /** `depends_on:` items as written (`ref('orders')`, `source('erp', 'sales')`), each with its place. */
  dependsOn: { text: string; at: SourceLocation }[];
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
  const diagnostics: Diagnostic[] = [];
  const refable = [...nodes.values()].filter((n) => REFABLE.has(n.resourceType));
  for (const exposure of exposures) {
    for (const { text, at } of exposure.dependsOn) {
      // `metric('x')` names a metric, which Strata does not build: nothing to check.
      const { scope, record } = parseScope(base, exposure.file, text, exposure.name, { metric: () => '' });
      const rendered = engine.renderString(`{{ ${text} }}`, exposure.file, scope);
      if (rendered.diagnostic) {
        diagnostics.push({ ...rendered.diagnostic, at });
        continue;
      }
      for (const ref of record.refs) {
        const found = refable.some(
          (n) =>
            n.name === ref.name &&
            (ref.package === undefined || n.packageName === ref.package) &&
            (ref.version === undefined || String(n.version) === String(ref.version)),
        );
        if (!found)
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
        if (!sources.some((s) => s.sourceName === call.source && s.name === call.table)) {
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
    }
  }
  return diagnostics;
}

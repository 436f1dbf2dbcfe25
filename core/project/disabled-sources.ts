import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { ProjectNode, SourceDefinition } from './types.js';

/**
 * Errors for enabled nodes that call `source()` on a table switched off with `enabled: false`,
 * worded as dbt's "depends on a source named '...' which is disabled" (rather than not found).
 */
export function disabledSourceUses(nodes: Iterable<ProjectNode>, disabled: readonly SourceDefinition[]): Diagnostic[] {
  if (disabled.length === 0) return [];
  const byId = new Map(disabled.map((s) => [s.uniqueId, s]));
  const out: Diagnostic[] = [];
  for (const node of nodes)
    for (const call of node.sources) {
      const source = byId.get(`source.${node.packageName}.${call.source}.${call.table}`);
      if (source)
        out.push(
          diagnostic(
            'disabled-ref',
            `${node.resourceType} '${node.uniqueId}' (${node.originalFilePath}) depends on a source named '${call.source}.${call.table}' which is disabled (enabled: false, set in ${source.originalFilePath} or the project file's 'sources:').`,
            call.at,
          ),
        );
    }
  return out;
}

import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { ProjectNode } from './types.js';

const RELATIONAL = new Set(['model', 'seed', 'snapshot']);

/**
 * No two models, seeds or snapshots may be built as the same relation (a model and a seed both
 * named `orders` in one schema): one would overwrite the other. dbt fails the parse on it too.
 */
export function duplicateRelations(nodes: ReadonlyMap<string, ProjectNode>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, ProjectNode>();
  for (const node of nodes.values()) {
    if (!RELATIONAL.has(node.resourceType)) continue;
    const { database, schema, identifier } = node.relation;
    const key = [database, schema, identifier].filter((part) => part !== undefined).join('.');
    const first = seen.get(key);
    if (!first) seen.set(key, node);
    else
      out.push(
        diagnostic(
          'duplicate-node',
          `${first.uniqueId} (${first.originalFilePath}) and ${node.uniqueId} (${node.originalFilePath}) would both be built as ${key}; rename one, or give it another alias or schema.`,
          { file: node.originalFilePath, line: 1, column: 1 },
        ),
      );
  }
  return out;
}

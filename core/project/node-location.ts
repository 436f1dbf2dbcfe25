import type { SourceLocation } from '../diagnostics/diagnostic.js';
import type { ProjectNode } from './types.js';

/** Where a node is declared, for problems with its properties: its entry in a properties file, else its own file. */
export function declarationAt(node: ProjectNode): SourceLocation {
  return node.patchAt ?? { file: node.patchPath ?? node.originalFilePath, line: 1, column: 1 };
}

/**
 * Where a config key is most likely set for a node: a `key=` in its own file (`config()`), else its
 * properties entry, else the top of its file (the key came from the project file).
 */
export function configKeyAt(node: ProjectNode, key: string): SourceLocation {
  const match = new RegExp(`\\b${key}\\s*=`).exec(node.rawCode);
  if (match && node.resourceType !== 'snapshot') {
    const before = node.rawCode.slice(0, match.index).split('\n');
    return { file: node.originalFilePath, line: before.length, column: (before.at(-1) as string).length + 1 };
  }
  return node.patchAt ?? { file: node.originalFilePath, line: 1, column: 1 };
}

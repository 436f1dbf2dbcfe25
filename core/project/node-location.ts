import type { SourceLocation } from '../diagnostics/diagnostic.js';
import type { ProjectNode } from './types.js';

/** Where a node is declared, for problems with its properties: its entry in a properties file, else its own file. */
export function declarationAt(node: ProjectNode): SourceLocation {
  return node.patchAt ?? { file: node.patchPath ?? node.originalFilePath, line: 1, column: 1 };
}

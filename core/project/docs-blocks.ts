import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { DocBlock } from './types.js';

const BLOCK = /\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;

/** Reads every `{% docs name %}…{% enddocs %}` block in a Markdown file. */
export function readDocBlocks(file: string, text: string, into: Map<string, DocBlock>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const name = match[1] as string;
    const line = text.slice(0, match.index).split('\n').length;
    const existing = into.get(name);
    if (existing) {
      diagnostics.push(diagnostic('duplicate-doc', `Docs block '${name}' is defined in both ${existing.file} and ${file}.`, { file, line, column: 1 }));
      continue;
    }
    into.set(name, { name, content: (match[2] as string).trim(), file });
  }
  return diagnostics;
}

import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { DocBlock } from './types.js';

const TAG = /\{%-?\s*(?:docs\s+([A-Za-z_][A-Za-z0-9_]*)|(enddocs))\s*-?%\}/g;

/** Where a docs file sits: the package that defines it (absent: the project) and its path within its docs folder. */
export interface DocsFileOrigin {
  packageName?: string;
  path: string;
}

/**
 * Reads every `{% docs name %}…{% enddocs %}` block in a Markdown file. A block left open (or
 * opened inside another) is an error at its opening tag, as dbt fails on it, rather than a doc
 * that silently does not exist; so is a name used twice within one package.
 */
export function readDocBlocks(file: string, text: string, into: Map<string, DocBlock>, origin?: DocsFileOrigin): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  let open: { name: string; index: number; contentStart: number } | undefined;
  for (const match of text.matchAll(TAG)) {
    const [tag, name, end] = match;
    if (name !== undefined) {
      if (open)
        diagnostics.push(
          unclosed(file, open.name, lineOf(open.index), `another docs block ('${name}') starts on line ${lineOf(match.index)}`),
        );
      open = { name, index: match.index, contentStart: match.index + tag.length };
      continue;
    }
    if (end === undefined || !open) continue;
    const block = { name: open.name, content: text.slice(open.contentStart, match.index).trim(), file, ...origin };
    // Another package's block of the same name (each package may have its own `__overview__`) is
    // kept under its package for the manifest, while `doc()` finds the first one loaded (the project's).
    const first = into.get(open.name);
    const key = first && first.packageName !== origin?.packageName ? `${origin?.packageName ?? ''}.${open.name}` : open.name;
    const existing = into.get(key);
    if (existing) {
      diagnostics.push(
        diagnostic('duplicate-doc', `Docs block '${open.name}' is defined in both ${existing.file} and ${file}.`, {
          file,
          line: lineOf(open.index),
          column: 1,
        }),
      );
    } else {
      into.set(key, block);
    }
    open = undefined;
  }
  if (open) diagnostics.push(unclosed(file, open.name, lineOf(open.index), 'the file ends first'));
  return diagnostics;
}

function unclosed(file: string, name: string, line: number, why: string): Diagnostic {
  return diagnostic('template-syntax', `Docs block '${name}' is not closed: no {% enddocs %} before ${why}.`, { file, line, column: 1 });
}

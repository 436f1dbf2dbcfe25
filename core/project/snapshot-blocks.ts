import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';

/** A `{% snapshot name %}...{% endsnapshot %}` block found in a snapshot file. */
export interface SnapshotBlock {
  /** Snapshot name. */
  name: string;
  /** Line of its `{% snapshot %}` tag. */
  line: number;
  /**
   * The file's text with everything outside this block's body blanked out (newlines kept), so
   * template errors inside the body report the file's own line and column numbers.
   */
  template: string;
}

const TAG = /\{%-?\s*(?:snapshot\s+([A-Za-z_][A-Za-z0-9_]*)|(endsnapshot))\s*-?%\}/g;

/**
 * Finds the legacy snapshot blocks in a `.sql` file under the snapshot paths. A block left open
 * (or opened inside another) and a stray `{% endsnapshot %}` are errors at their tag, as dbt's
 * block lexer fails on them, rather than a snapshot that silently does not exist.
 */
export function readSnapshotBlocks(file: string, text: string): { blocks: SnapshotBlock[]; diagnostics: Diagnostic[] } {
  const blocks: SnapshotBlock[] = [];
  const diagnostics: Diagnostic[] = [];
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  const fail = (index: number, message: string) =>
    diagnostics.push(diagnostic('template-syntax', message, { file, line: lineOf(index), column: 1 }));
  let open: { name: string; index: number; bodyStart: number } | undefined;
  for (const match of text.matchAll(TAG)) {
    const [tag, name] = match;
    if (name !== undefined) {
      if (open)
        fail(
          open.index,
          `Snapshot block '${open.name}' is not closed: no {% endsnapshot %} before another snapshot block ('${name}') starts on line ${lineOf(match.index)}.`,
        );
      open = { name, index: match.index, bodyStart: match.index + tag.length };
    } else if (!open) {
      fail(match.index, '{% endsnapshot %} without a {% snapshot name %} block before it.');
    } else {
      const template = blank(text.slice(0, open.bodyStart)) + text.slice(open.bodyStart, match.index) + blank(text.slice(match.index));
      blocks.push({ name: open.name, line: lineOf(open.index), template });
      open = undefined;
    }
  }
  if (open) fail(open.index, `Snapshot block '${open.name}' is not closed: no {% endsnapshot %} before the file ends.`);
  return { blocks, diagnostics };
}

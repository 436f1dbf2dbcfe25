/** A `{% snapshot name %}...{% endsnapshot %}` block found in a snapshot file. */
export interface SnapshotBlock {
  /** Snapshot name. */
  name: string;
  /**
   * The file's text with everything outside this block's body blanked out (newlines kept), so
   * template errors inside the body report the file's own line and column numbers.
   */
  template: string;
}

const BLOCK = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*endsnapshot\s*-?%\}/g;

/** Finds the legacy snapshot blocks in a `.sql` file under the snapshot paths. */
export function readSnapshotBlocks(text: string): SnapshotBlock[] {
  return [...text.matchAll(BLOCK)].map((match) => {
    const bodyStart = (match.index ?? 0) + match[0].indexOf(match[2] as string, match[0].indexOf('%}') + 2);
    const bodyEnd = bodyStart + (match[2] as string).length;
    const blank = (s: string) => s.replace(/[^\n]/g, ' ');
    return { name: match[1] as string, template: blank(text.slice(0, bodyStart)) + text.slice(bodyStart, bodyEnd) + blank(text.slice(bodyEnd)) };
  });
}

import { describe, expect, it } from 'vitest';
import { readSnapshotBlocks } from '../../../core/project/snapshot-blocks.js';

const FILE = 'snapshots/s.sql';

describe('readSnapshotBlocks', () => {
  it('finds each block, its tag line and its body at the file positions', () => {
    const text = '-- header\n{% snapshot a %}\nselect 1\n{% endsnapshot %}\n{%- snapshot b -%}select 2{%- endsnapshot -%}\n';
    const { blocks, diagnostics } = readSnapshotBlocks(FILE, text);
    expect(diagnostics).toEqual([]);
    expect(blocks.map((b) => [b.name, b.line])).toEqual([
      ['a', 2],
      ['b', 5],
    ]);
    expect(blocks[0]?.template.split('\n')[2]).toBe('select 1');
    expect(blocks[0]?.template.length).toBe(text.length);
    expect(blocks[1]?.template.trim()).toBe('select 2');
  });

  it('reports a block left open at its tag, naming endsnapshot', () => {
    const { blocks, diagnostics } = readSnapshotBlocks(FILE, '\n{% snapshot s %}\nselect 1\n');
    expect(blocks).toEqual([]);
    expect(diagnostics).toEqual([
      {
        code: 'template-syntax',
        severity: 'error',
        at: { file: FILE, line: 2, column: 1 },
        message: "Snapshot block 's' is not closed: no {% endsnapshot %} before the file ends.",
      },
    ]);
  });

  it('reports a block opened inside another, and a stray endsnapshot', () => {
    const nested = readSnapshotBlocks(FILE, '{% snapshot a %}\n{% snapshot b %}\nselect 1\n{% endsnapshot %}\n');
    expect(nested.blocks.map((b) => b.name)).toEqual(['b']);
    expect(nested.diagnostics.map((d) => [d.at?.line, d.message])).toEqual([
      [1, "Snapshot block 'a' is not closed: no {% endsnapshot %} before another snapshot block ('b') starts on line 2."],
    ]);
    const stray = readSnapshotBlocks(FILE, 'select 1\n{% endsnapshot %}\n');
    expect(stray.diagnostics.map((d) => [d.at?.line, d.code])).toEqual([[2, 'template-syntax']]);
  });
});

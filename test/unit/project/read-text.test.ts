import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../core/diagnostics/diagnostic.js';
import { firstInvalidUtf8, readProjectText } from '../../../core/project/read-text.js';
import { writeProject } from '../../helpers/temp-project.js';

function read(bytes: Buffer): { text: string; diagnostics: Diagnostic[] } {
  const dir = writeProject({});
  writeFileSync(join(dir, 'f.sql'), bytes);
  const diagnostics: Diagnostic[] = [];
  return { text: readProjectText(join(dir, 'f.sql'), 'models/f.sql', diagnostics), diagnostics };
}

describe('readProjectText', () => {
  it('reads UTF-8 as it is, without a byte-order mark', () => {
    expect(read(Buffer.from("select 'café' -- 🦆\n"))).toEqual({ text: "select 'café' -- 🦆\n", diagnostics: [] });
    expect(read(Buffer.from('\ufeffselect 1'))).toEqual({ text: 'select 1', diagnostics: [] });
    expect(read(Buffer.alloc(0))).toEqual({ text: '', diagnostics: [] });
  });

  it('reports the first byte that is not UTF-8, with its line and column', () => {
    // A UTF-8 é, then a Latin-1 one: the column counts characters.
    const { diagnostics } = read(Buffer.concat([Buffer.from("select 1,\n  'é', 'caf"), Buffer.from([0xe9]), Buffer.from("'\n")]));
    expect(diagnostics).toEqual([
      {
        code: 'file-not-utf8',
        severity: 'error',
        at: { file: 'models/f.sql', line: 2, column: 12 },
        message:
          "models/f.sql is not UTF-8: byte 0xE9 on line 2 is not valid UTF-8 (Latin-1 or Windows-1252 text, or not a text file?). Project files must be UTF-8, as in dbt: save it as UTF-8, or move it out of the project's folders if it is not text.",
      },
    ]);
    expect(read(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('select 1', 'utf16le')])).diagnostics[0]?.message).toContain(
      'it starts with a UTF-16 byte-order mark',
    );
  });

  it('finds overlong forms, surrogates, code points past U+10FFFF and cut-off sequences', () => {
    const at = (bytes: number[]) => firstInvalidUtf8('f', Uint8Array.from(bytes)).offset;
    expect(at([0x61, 0xc0, 0x80])).toBe(1); // overlong NUL
    expect(at([0x61, 0xe0, 0x80, 0x80])).toBe(1); // overlong 3-byte
    expect(at([0xed, 0xa0, 0x80])).toBe(0); // a surrogate
    expect(at([0xf4, 0x90, 0x80, 0x80])).toBe(0); // past U+10FFFF
    expect(at([0x61, 0x62, 0xe2, 0x82])).toBe(2); // cut off at the end
    expect(at([0xe2, 0x82, 0xac, 0x80])).toBe(3); // a lone continuation byte after a good €
  });
});

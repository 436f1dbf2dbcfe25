import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';

/** Where a file's bytes stop being UTF-8: the first bad byte, its offset and its line and column. */
export interface InvalidUtf8 {
  offset: number;
  byte: number;
  at: SourceLocation;
}

/**
 * A project file's text. dbt reads every file as UTF-8 and fails on anything else; Node would
 * quietly turn each bad byte into U+FFFD, which then ends up in the data (a Latin-1 `é` in a
 * model's string literal). So the bytes are checked (simdutf, a small cost next to reading), an
 * error names the file and the line of the first bad byte, and the text goes on as decoded so
 * that loading still reports every other problem. A UTF-8 byte-order mark is dropped.
 */
export function readProjectText(absolute: string, shownAs: string, diagnostics: Diagnostic[]): string {
  const bytes = readFileSync(absolute);
  const text = decodeText(bytes);
  if (text === undefined) {
    diagnostics.push(notUtf8(shownAs, bytes));
    return stripBom(bytes.toString('utf8'));
  }
  return text;
}

/** The bytes as text without a byte-order mark, or undefined when they are not UTF-8. */
export function decodeText(bytes: Buffer): string | undefined {
  return isUtf8(bytes) ? stripBom(bytes.toString('utf8')) : undefined;
}

/** The `file-not-utf8` error for bytes that are not UTF-8. */
export function notUtf8(shownAs: string, bytes: Buffer): Diagnostic {
  const bad = firstInvalidUtf8(shownAs, bytes);
  const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  const what = utf16
    ? 'it starts with a UTF-16 byte-order mark'
    : `byte 0x${bad.byte.toString(16).toUpperCase().padStart(2, '0')} on line ${bad.at.line} is not valid UTF-8 (Latin-1 or Windows-1252 text, or not a text file?)`;
  return diagnostic(
    'file-not-utf8',
    `${shownAs} is not UTF-8: ${what}. Project files must be UTF-8, as in dbt: save it as UTF-8, or move it out of the project's folders if it is not text.`,
    bad.at,
  );
}

/** The first byte that breaks UTF-8 (bytes known to be invalid somewhere). */
export function firstInvalidUtf8(file: string, bytes: Uint8Array): InvalidUtf8 {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) break;
    i += length;
  }
  const offset = Math.min(i, bytes.length - 1);
  let line = 1;
  let lineStart = 0;
  for (let j = 0; j < offset; j++) {
    if (bytes[j] === 0x0a) {
      line++;
      lineStart = j + 1;
    }
  }
  const column = Buffer.from(bytes.buffer, bytes.byteOffset + lineStart, offset - lineStart).toString('utf8').length + 1;
  return { offset, byte: bytes[offset] ?? 0, at: { file, line, column } };
}

/** Bytes in the valid UTF-8 sequence starting at `i` (RFC 3629: no overlongs, surrogates or > U+10FFFF); 0 when invalid. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i] as number;
  if (b < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf) => {
    const c = bytes[i + k];
    return c !== undefined && c >= low && c <= high;
  };
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

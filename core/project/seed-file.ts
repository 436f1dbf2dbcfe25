import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { checksum as sha256Checksum, type FileChecksum } from './checksum.js';
import { notUtf8 } from './read-text.js';

/**
 * dbt's MAXIMUM_SEED_SIZE (1 MiB). A larger seed is checksummed by its path, as dbt does, and its
 * column types are inferred from its first 1 MiB of rows: no part of Strata holds a large CSV.
 */
export const SEED_SAMPLE_BYTES = 1024 * 1024;

/** What project loading reads of a seed file. */
export interface SeedSample {
  /** The whole file, or its first whole records past {@link SEED_SAMPLE_BYTES}. */
  text: string;
  /** Whether `text` is the whole file. */
  whole: boolean;
  /** dbt's checksum: sha256 of the stripped text up to 1 MiB, the path beyond. */
  checksum: FileChecksum;
}

// Python's str.strip() set (dbt strips the text before hashing it); unlike JavaScript's trim(), it keeps a BOM.
const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g');

const CHUNK = 64 * 1024;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads a seed file's sample (see {@link SeedSample}) without ever reading a large file whole.
 * Bytes that are not UTF-8 in the sample are a diagnostic (as for every project file); past it,
 * the database's own check refuses them when the rows are loaded.
 */
export function readSeedSample(absolute: string, fromRoot: string, diagnostics: Diagnostic[]): SeedSample {
  const fd = openSync(absolute, 'r');
  try {
    const size = fstatSync(fd).size;
    const chunks: Buffer[] = [];
    let read = 0;
    let cut = -1;
    let quoted = false;
    while (cut < 0) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, chunk, 0, CHUNK, read);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      // A line end outside quotes ends a record (an escaped "" flips twice, so the parity holds);
      // the sample ends at the first record end past 1 MiB.
      for (let i = 0; i < n && cut < 0; i++) {
        const c = chunk[i];
        if (c === QUOTE) quoted = !quoted;
        else if ((c === LF || c === CR) && !quoted && read + i >= SEED_SAMPLE_BYTES) cut = read + i + 1;
      }
      read += n;
    }
    const all = Buffer.concat(chunks);
    const whole = cut < 0 || cut >= size;
    const bytes = whole ? all : all.subarray(0, cut);
    if (!isUtf8(bytes)) diagnostics.push(notUtf8(fromRoot, bytes));
    const text = bytes.toString('utf8');
    const checksum = size > SEED_SAMPLE_BYTES ? { name: 'path', checksum: fromRoot } : sha256Checksum(text.replace(PY_STRIP, ''));
    return { text, whole, checksum };
  } finally {
    closeSync(fd);
  }
}

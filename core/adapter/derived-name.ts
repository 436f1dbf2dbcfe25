import { hash } from 'node:crypto';

/** Hex digits of the hash that stands for the part of a name that was cut. */
const HASH_LENGTH = 8;

/** Length of a name in UTF-8 bytes, which is what databases limit (Postgres: 63). */
export function identifierBytes(name: string): number {
  return Buffer.byteLength(name, 'utf8');
}

/**
 * A name made from `base` and a fixed `suffix` (`orders__strata_tmp`) that fits `maxBytes`. When
 * `base + suffix` is too long the database would cut it from the end, so two long names would
 * become one (a table's temp and backup names, or two models sharing a long prefix): instead the
 * base is cut, at a character boundary, and a short hash of the whole base goes before the suffix,
 * so the name stays recognisable, stable from run to run, and distinct for distinct bases.
 */
export function derivedIdentifier(base: string, suffix: string, maxBytes: number | undefined): string {
  const whole = `${base}${suffix}`;
  if (maxBytes === undefined || identifierBytes(whole) <= maxBytes) return whole;
  const tag = `_${hash('sha256', base, 'hex').slice(0, HASH_LENGTH)}`;
  const room = maxBytes - identifierBytes(suffix) - tag.length;
  if (room < 1) throw new Error(`suffix '${suffix}' leaves no room in a ${maxBytes}-byte identifier`);
  return `${cutToBytes(base, room)}${tag}${suffix}`;
}

/** The longest prefix of `text` of at most `bytes` UTF-8 bytes, never splitting a character. */
export function cutToBytes(text: string, bytes: number): string {
  let used = 0;
  let end = 0;
  for (const char of text) {
    const size = identifierBytes(char);
    if (used + size > bytes) break;
    used += size;
    end += char.length;
  }
  return text.slice(0, end);
}

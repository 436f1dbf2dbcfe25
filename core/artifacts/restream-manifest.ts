import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** A part of a manifest {@link writeManifest} wrote: its byte range there, and its new text. */
export type ManifestPart = [start: number, end: number, text: string];

/** Bytes copied at a time: one buffer, reused, where reading the whole base first cost twice the time. */
const CHUNK = 1 << 20;

/**
 * Writes target/manifest.json again from one {@link writeManifest} wrote (the base, open as `base`)
 * with some of its parts (the metadata, node entries; see its layout) replaced, given in the order
 * the file holds them. Everything else is streamed from the base in between, so the file is what
 * writeManifest writes for the same entries. It is written beside manifest.json and renamed over
 * it: a reader never sees half a file, and a base linked to the old file stays as it was.
 */
export function restreamManifest(targetPath: string, base: number, parts: readonly ManifestPart[]): void {
  const file = join(targetPath, 'manifest.json');
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const out = openSync(temp, 'w');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK);
      const copy = (from: number, to: number): void => {
        for (let at = from; at < to;) {
          const read = readSync(base, buffer, 0, Math.min(CHUNK, to - at), at);
          if (read === 0) throw new Error('The base manifest is shorter than its layout says.');
          writeSync(out, buffer, 0, read);
          at += read;
        }
      };
      let at = 0;
      for (const [start, end, text] of parts) {
        copy(at, start);
        writeSync(out, text);
        at = end;
      }
      copy(at, fstatSync(base).size);
    } finally {
      closeSync(out);
    }
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

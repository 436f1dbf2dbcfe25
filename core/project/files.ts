import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** A file found under one of the project's resource folders. */
export interface FoundFile {
  /** Absolute path. */
  absolute: string;
  /** Path relative to the project root, with forward slashes. */
  fromRoot: string;
  /** Path relative to the resource folder it was found in, with forward slashes. */
  fromFolder: string;
}

/** Files under `folders` (relative to `root`) whose names end in one of `extensions`, sorted. */
export function findFiles(root: string, folders: readonly string[], extensions: readonly string[]): FoundFile[] {
  const out: FoundFile[] = [];
  for (const folder of folders) {
    const base = join(root, folder);
    if (!existsSync(base) || !statSync(base).isDirectory()) continue;
    // Entries are under `base`, itself under `root`: their relative paths are plain suffixes
    // (path.relative for each of 10,000 files was a visible share of loading).
    const fromRoot = relative(root, base);
    const rootPrefix = fromRoot === '' ? '' : `${toPosix(fromRoot)}/`;
    const cut = base.endsWith(sep) ? base.length : base.length + 1; // `models/` and `/` end in one
    for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !extensions.some((ext) => entry.name.endsWith(ext))) continue;
      const absolute = join(entry.parentPath, entry.name);
      const fromFolder = toPosix(absolute.slice(cut));
      out.push({ absolute, fromRoot: rootPrefix + fromFolder, fromFolder });
    }
  }
  return out.sort((a, b) => a.fromRoot.localeCompare(b.fromRoot));
}

/** A path with forward slashes, as Strata records paths on every platform. */
export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

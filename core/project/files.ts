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
    for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !extensions.some((ext) => entry.name.endsWith(ext))) continue;
      const absolute = join(entry.parentPath, entry.name);
      out.push({ absolute, fromRoot: toPosix(relative(root, absolute)), fromFolder: toPosix(relative(base, absolute)) });
    }
  }
  return out.sort((a, b) => a.fromRoot.localeCompare(b.fromRoot));
}

/** A path with forward slashes, as Strata records paths on every platform. */
export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

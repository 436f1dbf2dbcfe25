import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a file looked like: size, mtime (ms) and a hash of its content. */
export type FileSignature = [size: number, mtimeMs: number, hash: string];

/** sha1 of a file's bytes, in base64. */
export function hashBytes(bytes: Buffer | string): string {
  return createHash('sha1').update(bytes).digest('base64');
}

/** The signature of one file, or null when it does not exist. */
export function signatureOf(file: string): FileSignature | null {
  try {
    const stat = statSync(file);
    return [stat.size, stat.mtimeMs, hashBytes(readFileSync(file))];
  } catch {
    return null;
  }
}

/**
 * Size and mtime of every file a load can read, by path relative to `root`: the files directly
 * in the root (project file, profiles.yml, selectors.yml, ...) and everything under `folders`.
 */
export function listInputs(root: string, folders: readonly string[]): Map<string, [size: number, mtimeMs: number]> {
  const out = new Map<string, [number, number]>();
  const prefix = root.length + 1;
  const add = (absolute: string) => {
    const stat = statSync(absolute);
    out.set(toPosix(absolute.slice(prefix)), [stat.size, stat.mtimeMs]);
  };
  for (const entry of readdirSync(root, { withFileTypes: true })) if (entry.isFile()) add(join(root, entry.name));
  const seen = new Set<string>();
  const walk = (base: string) => {
    if (seen.has(realpathSync(base))) return;
    seen.add(realpathSync(base));
    for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
      const path = `${entry.parentPath}${sep}${entry.name}`;
      if (entry.isFile()) add(path);
      // A local package is installed as a link to its folder (as dbt does): its files are inputs too.
      else if (entry.isSymbolicLink() && !SKIPPED_IN_LINKS.test(entry.name) && isDirectory(path)) walk(path);
    }
  };
  for (const folder of folders) {
    const base = join(root, folder);
    if (existsSync(base)) walk(base);
  }
  return out;
}

/** Folders of a linked package that hold no inputs (build output, installed packages, history). */
const SKIPPED_IN_LINKS = /^(target|logs|node_modules|\.git)$/;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Which build of Strata is running: its version and the mtimes of its own files. A result
 * cached by one build is never trusted by another (built-in macros or SQL generation may differ).
 */
export function strataFingerprint(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Bundled (dist/bundle/, see build.mjs), the bundle's own files are the build; else dist/ or the sources.
  const bundled = basename(here) === 'bundle';
  const base = bundled ? here : join(here, '..', '..');
  const parts: string[] = [];
  for (const folder of bundled ? ['.'] : ['core', 'adapters', 'cli']) {
    const dir = join(base, folder);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) parts.push(`${entry.parentPath}/${entry.name}:${statSync(join(entry.parentPath, entry.name)).mtimeMs}`);
    }
  }
  return hashBytes(parts.sort().join('\n'));
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

import { existsSync, readdirSync, readlinkSync, realpathSync, unlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/**
 * Removes the symbolic links in a fetched package that lead outside it (or nowhere inside it), so
 * reading the package never reads other files of the machine; returns them, relative to `dir`.
 * Links within the package stay.
 */
export function removeOutsideLinks(dir: string): string[] {
  const root = realpathSync(dir);
  const removed: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isSymbolicLink()) continue;
    const link = join(entry.parentPath, entry.name);
    const target = resolve(dirname(link), readlinkSync(link));
    const real = existsSync(target) ? realpathSync(target) : target;
    const inside = relative(root, real);
    if (inside.startsWith('..') || isAbsolute(inside) || !existsSync(target)) {
      unlinkSync(link);
      removed.push(relative(dir, link));
    }
  }
  return removed.sort();
}

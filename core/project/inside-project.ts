import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

/**
 * Why Strata must not delete or replace `path` (`strata clean`, the install folder of `strata
 * deps`), or undefined when it may: only folders strictly inside the project are Strata's to
 * remove. A path through a symlink counts where the link leads, so `target -> /` is refused too.
 */
export function notInsideProject(root: string, path: string): string | undefined {
  const base = realpathSync(root);
  const full = resolve(root, path);
  const lexical = relative(resolve(root), full);
  if (lexical === '') return 'it is the project folder itself';
  if (lexical.startsWith('..') || isAbsolute(lexical)) return 'it is outside the project folder';
  const real = relative(base, realExisting(full));
  if (real === '') return 'it is the project folder itself (through a symbolic link)';
  if (real.startsWith('..') || isAbsolute(real)) return 'it leads outside the project folder (through a symbolic link)';
  return undefined;
}

/** The real path of `path`, resolving the part of it that exists (the rest is appended as written). */
function realExisting(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  return parent === path ? path : resolve(realExisting(parent), relative(parent, path));
}

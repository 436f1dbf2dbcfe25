import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * The compiled SQL of the nodes named `names` under target/compiled/, found by file name (a model's
 * compiled file is named after it), for a re-compile that does not hold the SQL in memory. Names
 * with no file, or with several (the same name in two packages), are left out.
 */
export function compiledByName(targetPath: string, names: readonly string[]): { name: string; sql: string }[] {
  const wanted = new Set(names.map((n) => `${n}.sql`));
  const found = new Map<string, string[]>();
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (wanted.has(entry.name)) found.set(entry.name, [...(found.get(entry.name) ?? []), path]);
    }
  };
  walk(join(targetPath, 'compiled'));
  return [...found.values()]
    .filter((paths) => paths.length === 1)
    .map(([path]) => ({
      name: basename(path as string, '.sql'),
      sql: readFileSync(path as string, 'utf8'),
    }));
}

/** The terms of a selection that are bare node names (no method, graph operator or wildcard). */
export function plainNames(select: readonly string[]): string[] {
  return select.flatMap((s) => s.split(/\s+/)).filter((term) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(term));
}

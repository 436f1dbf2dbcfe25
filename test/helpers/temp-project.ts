import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

/** Writes `files` (path → contents) into a fresh temporary directory and returns its path. */
export function writeProject(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-test-'));
  writeFiles(root, files);
  return root;
}

/** Writes more files into an existing directory. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

/**
 * A minimal project file. It names no profile: with no profiles.yml that builds on the built-in
 * DuckDB target, and with one, the first profile in it is used. The comment keeps the lines where
 * tests expect them (the file used to name a profile there).
 */
export function projectYml(name = 'proj', extra = ''): string {
  return `name: ${name}\n# no profile named: the built-in DuckDB target, or the first profile in profiles.yml\n${extra}`;
}

/** A copy of `examples/<name>` in a fresh temporary directory, without any target/ folders. */
export function copyExample(name: string): string {
  const source = resolve(import.meta.dirname, '../../examples', name);
  const dir = join(mkdtempSync(join(tmpdir(), 'strata-example-')), name);
  cpSync(source, dir, { recursive: true, filter: (src) => !/(^|\/)target(\/|$)/.test(relative(source, src)) });
  return dir;
}

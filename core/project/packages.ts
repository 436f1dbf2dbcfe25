import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { PackageSpec, PinnedPackage } from './package-types.js';
import { readLockFile, specsHash } from './package-lock.js';
import { expectedName, readPackageList } from './package-specs.js';

/** Where `strata deps` installs packages unless the project file says `packages-install-path`. */
export const DEFAULT_PACKAGES_PATH = 'strata_packages';

const PROJECT_FILES = ['strata_project.yml', 'dbt_project.yml'];

/** An installed package: its name (from its project file) and folder. */
export interface InstalledPackage {
  name: string;
  dir: string;
}

/** The project's `packages-install-path`, read without loading the project (its packages may not be installed yet). */
export function packagesInstallPath(root: string): string {
  const file = PROJECT_FILES.map((f) => join(root, f)).find((f) => existsSync(f));
  const match = file ? /^packages-install-path:\s*['"]?([^'"\n#]+?)['"]?\s*(?:#.*)?$/m.exec(readFileSync(file, 'utf8')) : null;
  return match?.[1] ?? DEFAULT_PACKAGES_PATH;
}

/**
 * Where the project's packages are installed: `packages-install-path` when set, else
 * strata_packages/, or dbt_packages/ when only that exists (a dbt project after `dbt deps`).
 */
export function packagesFolder(root: string, configured: string | undefined): string {
  if (configured) return configured;
  return !existsSync(join(root, DEFAULT_PACKAGES_PATH)) && existsSync(join(root, 'dbt_packages')) ? 'dbt_packages' : DEFAULT_PACKAGES_PATH;
}

/**
 * Packages listed in packages.yml (or pinned in package-lock.yml) that are not installed: each an
 * error naming the package and saying to run `strata deps`. A package's name is known from the
 * lock, else from its spec (a hub package's last segment, a tarball's `name:`, a local package's
 * project file); a git package is named by its project file, so without a lock it is not checked.
 */
export function missingPackages(
  root: string,
  folder: string,
  installed: readonly InstalledPackage[],
  env: NodeJS.ProcessEnv,
  vars: Record<string, unknown>,
): Diagnostic[] {
  const list = readPackageList(root, env, vars);
  const lock = readLockFile(root, []);
  const locked = lock && lock.sha1Hash === specsHash(list.specs) ? new Map(lock.packages.map((p) => [pinnedKey(p), p.name])) : undefined;
  const names = list.specs.map((spec) => ({
    spec,
    name: locked?.get(specKey(spec)) ?? (spec.kind === 'local' ? packageName(resolve(spec.base, spec.local)) : expectedName(spec)),
  }));
  // A git package's name is in its project file: with nothing installed at all, say so for it too.
  const unnamed = names.find((n) => n.name === undefined);
  if (unnamed && installed.length === 0) {
    return [
      diagnostic(
        'invalid-dependency',
        `${list.file ?? 'packages.yml'} lists ${names.length} package${names.length === 1 ? '' : 's'}, but none is installed in ${folder}/: run 'strata deps'.`,
        unnamed.spec.at,
      ),
    ];
  }
  return names.flatMap(({ spec, name }) => {
    if (name === undefined || installed.some((p) => p.name === name)) return [];
    return [
      diagnostic(
        'invalid-dependency',
        `Package '${name}' is listed in ${list.file ?? 'packages.yml'} but not installed in ${folder}/: run 'strata deps'.`,
        spec.at,
      ),
    ];
  });
}

/** What identifies a spec's package in the lock file. */
function specKey(spec: PackageSpec): string {
  if (spec.kind === 'hub') return `hub:${spec.package}`;
  if (spec.kind === 'git') return `git:${spec.written ?? spec.git}`;
  if (spec.kind === 'tarball') return `tarball:${spec.tarball}`;
  return `local:${spec.local}`;
}

function pinnedKey(pinned: PinnedPackage): string {
  if (pinned.kind === 'hub') return `hub:${pinned.package}`;
  if (pinned.kind === 'git') return `git:${pinned.git}`;
  if (pinned.kind === 'tarball') return `tarball:${pinned.tarball}`;
  return `local:${pinned.local}`;
}

/** A package's name, from its project file. */
export function packageName(dir: string): string | undefined {
  const file = PROJECT_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) return undefined;
  const match = /^name:\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?\s*$/m.exec(readFileSync(file, 'utf8'));
  return match?.[1];
}

/** Packages installed in the install folder, by name (sorted, for a stable load order). */
export function installedPackages(root: string, installPath: string): InstalledPackage[] {
  const base = resolve(root, installPath);
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .sort()
    .flatMap((entry) => {
      const dir = join(base, entry);
      const name = statSync(dir).isDirectory() ? packageName(dir) : undefined;
      return name ? [{ name, dir }] : [];
    });
}

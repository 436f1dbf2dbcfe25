import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, throwIfErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { notInsideProject } from '../project/inside-project.js';
import { readPackageList } from '../project/package-specs.js';
import { packageName, packagesInstallPath } from '../project/packages.js';
import { envVarFunction } from '../template/base-scope.js';
import { macroFreeEngine } from '../project/render-yaml.js';
import { fetchPinned, placePackage, type FetchContext } from './fetch-source.js';
import { hubBaseUrl, hubPackage, type HubPackage } from './hub.js';
import { LOCK_FILE, readLockFile, specsHash, writeLockFile, type LockFile } from '../project/package-lock.js';
import { describe, resolveTree } from './resolve-tree.js';
import type { FetchedPackage, PinnedPackage } from '../project/package-types.js';

/** What `strata deps` is asked to do. */
export interface DepsOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  vars?: Record<string, unknown>;
  /** `--upgrade`: resolve again even when the lock file matches packages.yml. */
  upgrade?: boolean;
  /** `--lock`: resolve and write the lock file without installing. */
  lockOnly?: boolean;
  /** A line of progress for the user. */
  progress: (line: string) => void;
  /** A warning for the user. */
  warn: (line: string) => void;
}

/** What `strata deps` did. */
export interface DepsResult {
  /** The install folder, relative to the project. */
  installPath: string;
  /** Packages installed (or locked), by name. */
  packages: FetchedPackage[];
  /** True when the lock and the installed packages already matched: nothing was fetched. */
  upToDate: boolean;
  /** True when package-lock.yml was written. */
  lockWritten: boolean;
}

/** Kept in the install folder: what was installed there, so a later `deps` with the same lock does nothing. */
const RECORD_FILE = '.strata-installed.json';
const WORK_PREFIX = '.strata_deps_work-';
const OLD_PREFIX = '.strata_deps_old-';

/**
 * `strata deps`: reads packages.yml, installs exactly what package-lock.yml pins when it matches
 * (else resolves the whole tree and writes the lock), and replaces the install folder in one
 * rename, so an interrupted run leaves the previous packages as they were.
 */
export async function runDeps(options: DepsOptions): Promise<DepsResult> {
  const { root, env } = options;
  const vars = options.vars ?? {};
  const installPath = packagesInstallPath(root);
  const refused = notInsideProject(root, installPath);
  if (refused)
    throwIfErrors([
      diagnostic(
        'invalid-dependency',
        `Refusing to install packages into '${installPath}' (packages-install-path): ${refused}. Use a folder inside the project, e.g. dbt_packages.`,
      ),
    ]);
  const installDir = join(root, installPath);
  removeLeftovers(root);

  const list = readPackageList(root, env, vars);
  throwIfErrors(list.diagnostics);
  const lockProblems: Diagnostic[] = [];
  const lock = readLockFile(root, lockProblems);
  for (const problem of lockProblems)
    options.warn(`${LOCK_FILE}: ${problem.message} The lock file is ignored; packages are resolved again.`);
  const hash = specsHash(list.specs);
  const useLock = lock !== undefined && lock.sha1Hash === hash && !options.upgrade;

  if (useLock && !options.lockOnly && matchesInstalled(installDir, lock)) {
    return { installPath, packages: [], upToDate: true, lockWritten: false };
  }
  const hubBase = hubBaseUrl(env);
  const indexes = new Map<string, Promise<HubPackage>>();
  const ctx: FetchContext = {
    workDir: join(root, `${WORK_PREFIX}${process.pid}`),
    hubIndex: (pkg) => {
      const cached = indexes.get(pkg);
      if (cached) return cached;
      // As dbt does, a renamed package is installed under its old name, with a warning.
      const index = hubPackage(hubBase, pkg).then((found) => {
        if (found.movedTo)
          options.warn(`Package ${pkg} has moved to ${found.movedTo} on the package hub; update packages.yml to the new name.`);
        return found;
      });
      indexes.set(pkg, index);
      return index;
    },
    warn: options.warn,
  };
  try {
    const projectName = packageName(root) ?? 'root';
    const render = (text: string) =>
      macroFreeEngine().renderString(text, LOCK_FILE, { env_var: envVarFunction(env, { allowSecrets: true }) }).output ?? text;
    const packages = useLock
      ? await Promise.all((lock as LockFile).packages.map((pinned) => fetchPinned(pinned, root, ctx, render)))
      : await resolveTree(root, list.specs, projectName, env, vars, ctx);
    const newLock: LockFile = { packages: packages.map((p) => p.pinned), sha1Hash: hash };
    const lockWritten = !useLock || !sameLock(lock, newLock);
    if (lockWritten && list.specs.length > 0) writeLockFile(root, newLock);
    if (!options.lockOnly) {
      for (const pkg of packages) options.progress(`Installed ${pkg.name} (${describe(pkg)})`);
      install(root, installDir, ctx.workDir, packages, newLock);
    }
    return { installPath, packages, upToDate: false, lockWritten: lockWritten && list.specs.length > 0 };
  } finally {
    rmSync(ctx.workDir, { recursive: true, force: true });
  }
}

/** Builds the new install folder beside the old one, then swaps them by renaming. */
function install(root: string, installDir: string, workDir: string, packages: readonly FetchedPackage[], lock: LockFile): void {
  const fresh = join(workDir, 'installed');
  mkdirSync(fresh, { recursive: true });
  const move = (from: string, to: string) => {
    try {
      renameSync(from, to);
    } catch {
      cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    }
  };
  for (const pkg of packages) placePackage(pkg, fresh, move);
  writeFileSync(join(fresh, RECORD_FILE), `${JSON.stringify(recordOf(lock), null, 2)}\n`);
  const old = join(root, `${OLD_PREFIX}${process.pid}`);
  if (existsSync(installDir)) renameSync(installDir, old);
  mkdirSync(join(installDir, '..'), { recursive: true });
  renameSync(fresh, installDir);
  rmSync(old, { recursive: true, force: true });
}

/** Work and old folders a killed `deps` left behind (never the install folder itself). */
function removeLeftovers(root: string): void {
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(WORK_PREFIX) || entry.startsWith(OLD_PREFIX)) rmSync(join(root, entry), { recursive: true, force: true });
  }
}

function recordOf(lock: LockFile): { sha1_hash: string; packages: PinnedPackage[] } {
  return { sha1_hash: lock.sha1Hash, packages: lock.packages };
}

/** Whether the install folder holds what the lock pins (recorded by the install that made it), every package still there. */
function matchesInstalled(installDir: string, lock: LockFile): boolean {
  const file = join(installDir, RECORD_FILE);
  if (!existsSync(file)) return false;
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return JSON.stringify(record) === JSON.stringify(recordOf(lock)) && lock.packages.every((p) => existsSync(join(installDir, p.name)));
  } catch {
    return false;
  }
}

function sameLock(a: LockFile | undefined, b: LockFile): boolean {
  return a !== undefined && JSON.stringify(recordOf(a)) === JSON.stringify(recordOf(b));
}

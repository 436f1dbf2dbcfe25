import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { diagnostic, throwIfErrors, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { parseYaml, validateYaml } from './yaml-file.js';

/** Where `strata deps` installs packages unless the project file says `packages-install-path`. */
export const DEFAULT_PACKAGES_PATH = 'strata_packages';

const PROJECT_FILES = ['strata_project.yml', 'dbt_project.yml'];

const packagesSchema = z.strictObject({
  packages: z.array(z.union([
    z.strictObject({ local: z.string() }),
    z.object({ package: z.string(), version: z.unknown().optional() }).loose(),
    z.object({ git: z.string() }).loose(),
    z.object({ tarball: z.string() }).loose(),
  ])).default([]),
});

/** An installed package: its name (from its project file) and folder. */
export interface InstalledPackage {
  name: string;
  dir: string;
}

/**
 * The `local:` packages of packages.yml (or of dependencies.yml's `packages:`), as absolute
 * folders. Hub, git and tarball packages need the network; they are reported as errors that
 * say how to vendor them instead.
 */
export function readPackageSpecs(root: string): { dirs: string[]; locals: { dir: string; at: SourceLocation | undefined }[]; diagnostics: Diagnostic[] } {
  const file = ['packages.yml', 'dependencies.yml'].find((f) => existsSync(join(root, f)));
  if (!file) return { dirs: [], locals: [], diagnostics: [] };
  const parsed = parseYaml(file, readFileSync(join(root, file), 'utf8'));
  if (!parsed.yaml) return { dirs: [], locals: [], diagnostics: parsed.diagnostics };
  const value = (parsed.yaml.value ?? {}) as Record<string, unknown>;
  const checked = validateYaml(parsed.yaml, file === 'packages.yml' ? packagesSchema : packagesSchema.loose(), value, [], 'packages file');
  const diagnostics = [...checked.diagnostics];
  const dirs: string[] = [];
  const locals: { dir: string; at: SourceLocation | undefined }[] = [];
  (checked.data?.packages ?? []).forEach((entry, i) => {
    const at = parsed.yaml?.locate(['packages', i]);
    if ('local' in entry && typeof entry.local === 'string') {
      const dir = resolve(root, entry.local);
      locals.push({ dir, at });
      if (!PROJECT_FILES.some((f) => existsSync(join(dir, f)))) diagnostics.push(diagnostic('invalid-dependency', `Package at '${entry.local}' (${dir}) has no strata_project.yml or dbt_project.yml.`, at));
      else dirs.push(dir);
      return;
    }
    const kind = Object.keys(entry)[0];
    diagnostics.push(diagnostic('invalid-dependency', `Only 'local:' packages can be installed (this machine installs nothing from the network); put a copy of this ${kind} package in the project and point 'local:' at it.`, at));
  });
  return { dirs, locals, diagnostics };
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

/** `local:` packages of packages.yml that are not installed: each an error saying to run `strata deps`. */
export function missingPackages(root: string, folder: string, installed: readonly InstalledPackage[]): Diagnostic[] {
  return readPackageSpecs(root).locals.flatMap(({ dir, at }) => {
    const name = packageName(dir);
    if (name === undefined || installed.some((p) => p.name === name)) return [];
    return [diagnostic('invalid-dependency', `Package '${name}' (${relative(root, dir)}) is listed but not installed in ${folder}/: run 'strata deps'.`, at)];
  });
}

/** A package's name, from its project file. */
export function packageName(dir: string): string | undefined {
  const file = PROJECT_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) return undefined;
  const match = /^name:\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?\s*$/m.exec(readFileSync(file, 'utf8'));
  return match?.[1];
}

/**
 * `strata deps`: copies every `local:` package into the install folder, named after the package,
 * replacing what was there (so the install folder always matches packages.yml).
 */
export function installPackages(root: string, installPath: string): InstalledPackage[] {
  const { dirs, diagnostics } = readPackageSpecs(root);
  throwIfErrors(diagnostics);
  const target = resolve(root, installPath);
  rmSync(target, { recursive: true, force: true });
  const installed: InstalledPackage[] = [];
  for (const dir of dirs) {
    const name = packageName(dir);
    if (!name) throwIfErrors([diagnostic('invalid-dependency', `Package at ${dir}: its project file has no 'name:'.`)]);
    const into = join(target, name as string);
    // Build output and the package's own installed packages are not part of it.
    cpSync(dir, into, { recursive: true, filter: (src) => !/^(target|logs|strata_packages|dbt_packages|node_modules|\.git)(\/|$)/.test(relative(dir, src)) });
    installed.push({ name: name as string, dir: into });
  }
  return installed;
}

/** Packages installed in the install folder, by name (sorted, for a stable load order). */
export function installedPackages(root: string, installPath: string): InstalledPackage[] {
  const base = resolve(root, installPath);
  if (!existsSync(base)) return [];
  return readdirSync(base).sort().flatMap((entry) => {
    const dir = join(base, entry);
    const name = statSync(dir).isDirectory() ? packageName(dir) : undefined;
    return name ? [{ name, dir }] : [];
  });
}

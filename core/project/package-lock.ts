import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { z } from 'zod';
import { parseYaml, validateYaml } from './yaml-file.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { PackageSpec, PinnedPackage } from './package-types.js';

/** dbt's lock file, next to packages.yml. */
export const LOCK_FILE = 'package-lock.yml';

/** The lock file's contents: every package of the tree, pinned, and the hash of the spec it came from. */
export interface LockFile {
  packages: PinnedPackage[];
  sha1Hash: string;
}

const lockSchema = z
  .object({
    packages: z
      .array(
        z
          .object({
            name: z.string(),
            package: z.string().optional(),
            version: z.union([z.string(), z.number()]).optional(),
            git: z.string().optional(),
            revision: z.string().optional(),
            subdirectory: z.string().optional(),
            tarball: z.string().optional(),
            local: z.string().optional(),
          })
          .loose(),
      )
      .default([]),
    sha1_hash: z.string().default(''),
  })
  .loose();

/**
 * dbt's `sha1_hash`: sha1 of the specs, each as sorted-key JSON, sorted, joined by newlines; a
 * changed packages.yml no longer matches its lock. Git URLs count as written (before env_var).
 * The JSON is Strata's rendering of dbt's spec dicts, so dbt and Strata do not share hashes: each
 * re-resolves a lock the other wrote (and then writes its own), which is safe.
 */
export function specsHash(specs: readonly PackageSpec[]): string {
  const lines = specs.map((spec) => sortedJson(specDict(spec))).sort();
  return createHash('sha1').update(lines.join('\n')).digest('hex');
}

function specDict(spec: PackageSpec): Record<string, unknown> {
  if (spec.kind === 'hub')
    return {
      package: spec.package,
      version: spec.versions.length === 1 ? spec.versions[0] : spec.versions,
      ...(spec.installPrerelease ? { 'install-prerelease': true } : {}),
    };
  if (spec.kind === 'git')
    return {
      git: spec.written ?? spec.git,
      ...(spec.revision !== undefined ? { revision: spec.revision } : {}),
      ...(spec.subdirectory !== undefined ? { subdirectory: spec.subdirectory } : {}),
      ...(spec.warnUnpinned ? {} : { 'warn-unpinned': false }),
    };
  if (spec.kind === 'tarball') return { tarball: spec.tarball, name: spec.name };
  return { local: spec.local };
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}: ${sortedJson((value as Record<string, unknown>)[k])}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

/** The project's lock file, if it has one; a malformed one is reported (and then ignored: deps re-resolves). */
export function readLockFile(root: string, diagnostics: Diagnostic[]): LockFile | undefined {
  const file = join(root, LOCK_FILE);
  if (!existsSync(file)) return undefined;
  const parsed = parseYaml(LOCK_FILE, readFileSync(file, 'utf8'));
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.yaml) return undefined;
  const checked = validateYaml(parsed.yaml, lockSchema, parsed.yaml.value ?? {}, [], 'lock file');
  if (!checked.data) {
    diagnostics.push(...checked.diagnostics);
    return undefined;
  }
  const packages = checked.data.packages.flatMap((entry): PinnedPackage[] => {
    if (entry.package !== undefined && entry.version !== undefined)
      return [{ kind: 'hub', name: entry.name, package: entry.package, version: String(entry.version) }];
    if (entry.git !== undefined && entry.revision !== undefined)
      return [
        {
          kind: 'git',
          name: entry.name,
          git: entry.git,
          revision: entry.revision,
          ...(entry.subdirectory !== undefined ? { subdirectory: entry.subdirectory } : {}),
        },
      ];
    if (entry.tarball !== undefined) return [{ kind: 'tarball', name: entry.name, tarball: entry.tarball }];
    if (entry.local !== undefined) return [{ kind: 'local', name: entry.name, local: entry.local }];
    return [];
  });
  // An entry Strata cannot read makes the lock incomplete: resolve again rather than install part of it.
  if (packages.length !== checked.data.packages.length) return undefined;
  return { packages, sha1Hash: checked.data.sha1_hash };
}

/** Writes the lock file as dbt lays it out (source key, name, pin), atomically. */
export function writeLockFile(root: string, lock: LockFile): void {
  const packages = lock.packages.map((p) => {
    if (p.kind === 'hub') return { package: p.package, name: p.name, version: p.version };
    if (p.kind === 'git')
      return { git: p.git, name: p.name, revision: p.revision, ...(p.subdirectory !== undefined ? { subdirectory: p.subdirectory } : {}) };
    if (p.kind === 'tarball') return { tarball: p.tarball, name: p.name };
    return { local: p.local, name: p.name };
  });
  const file = join(root, LOCK_FILE);
  writeFileSync(`${file}.tmp`, dump({ packages, sha1_hash: lock.sha1Hash }, { lineWidth: -1, noRefs: true }));
  renameSync(`${file}.tmp`, file);
}

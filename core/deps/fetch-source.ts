import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import { packageName } from '../project/packages.js';
import { downloadFile, unpackTarball } from './download.js';
import { fetchGitPackage, redactUrl } from './git.js';
import { removeOutsideLinks } from './outside-links.js';
import type { HubPackage } from './hub.js';
import type { FetchedPackage, GitSpec, LocalSpec, PinnedPackage, TarballSpec } from '../project/package-types.js';

/** Where fetches put their files (a temporary folder inside the project), and how they report. */
export interface FetchContext {
  /** Temporary folder of this `strata deps`; everything is moved into place only at the end. */
  workDir: string;
  /** The hub's answer for a package (cached per run). */
  hubIndex: (pkg: string) => Promise<HubPackage>;
  /** A warning for the user (unpinned git revisions). */
  warn: (message: string) => void;
}

/** A fresh folder under the work folder for one fetch. */
function scratch(ctx: FetchContext, kind: string): string {
  mkdirSync(ctx.workDir, { recursive: true });
  return mkdtempSync(join(ctx.workDir, `${kind}-`));
}

/** The package's name from its project file; a folder without one is not a package. */
function nameOf(dir: string, source: string): string {
  const name = packageName(dir);
  if (!name)
    throw new StrataUserError([
      diagnostic(
        'invalid-dependency',
        `${source}: no dbt_project.yml or strata_project.yml with a 'name:' there, so it is not a dbt package.`,
      ),
    ]);
  return name;
}

/** A hub package at an exact version: its tarball, downloaded, checked against the hub's sha1 and unpacked. */
export async function fetchHub(pkg: string, version: string, ctx: FetchContext): Promise<FetchedPackage> {
  const index = await ctx.hubIndex(pkg);
  const entry = index.versions.get(version);
  if (!entry)
    throw new StrataUserError([
      diagnostic(
        'invalid-dependency',
        `Package ${pkg} has no version ${version} on the package hub (it has ${[...index.versions.keys()].join(', ') || 'none'}).`,
      ),
    ]);
  const dir = scratch(ctx, 'hub');
  const file = join(dir, 'package.tar.gz');
  await downloadFile(entry.tarball, file, entry.sha1);
  const unpacked = await unpackTarball(file, join(dir, 'files'), `The package hub's archive of ${pkg}@${version}`);
  const name = nameOf(unpacked, `${pkg}@${version}`);
  return { name, dir: unpacked, pinned: { kind: 'hub', name, package: pkg, version } };
}

/** A git package at a revision; the lock records the commit it resolved to. */
export async function fetchGit(spec: GitSpec, ctx: FetchContext): Promise<FetchedPackage> {
  const fetched = await fetchGitPackage(spec, join(scratch(ctx, 'git'), 'clone'));
  if (fetched.warning) ctx.warn(fetched.warning);
  const name = nameOf(fetched.dir, redactUrl(spec.git));
  // A repository can hold links to anywhere on the machine; a package only reads its own files.
  const links = removeOutsideLinks(fetched.dir);
  if (links.length > 0)
    ctx.warn(`Package ${name} (${redactUrl(spec.git)}) has links that lead outside it; they were left out: ${links.join(', ')}.`);
  return {
    name,
    dir: fetched.dir,
    pinned: {
      kind: 'git',
      name,
      git: spec.written ?? spec.git,
      revision: fetched.commit,
      ...(spec.subdirectory !== undefined ? { subdirectory: spec.subdirectory } : {}),
    },
  };
}

/** A tarball package: downloaded and unpacked (no checksum: the URL is all dbt has too). */
export async function fetchTarball(spec: TarballSpec, ctx: FetchContext): Promise<FetchedPackage> {
  const dir = scratch(ctx, 'tarball');
  const file = join(dir, 'package.tar.gz');
  await downloadFile(spec.tarball, file);
  const unpacked = await unpackTarball(file, join(dir, 'files'), `The archive at ${redactUrl(spec.tarball)}`);
  const name = nameOf(unpacked, redactUrl(spec.tarball));
  if (name !== spec.name)
    ctx.warn(
      `The tarball at ${redactUrl(spec.tarball)} holds package '${name}', not '${spec.name}' as packages.yml says; it is installed as '${name}'.`,
    );
  return { name, dir: unpacked, pinned: { kind: 'tarball', name, tarball: spec.tarball } };
}

/** A local package: used in place (linked, as dbt does), so edits show at once. */
export function fetchLocal(spec: LocalSpec): FetchedPackage {
  const dir = resolve(spec.base, spec.local);
  if (!existsSync(dir))
    throw new StrataUserError([diagnostic('invalid-dependency', `Local package '${spec.local}' (${dir}) does not exist.`, spec.at)]);
  const name = nameOf(dir, `Local package '${spec.local}' (${dir})`);
  return { name, dir, pinned: { kind: 'local', name, local: spec.local } };
}

/** Fetches what a lock file entry records, exactly. `render` renders a git URL as written (env_var). */
export async function fetchPinned(
  pinned: PinnedPackage,
  root: string,
  ctx: FetchContext,
  render: (text: string) => string,
): Promise<FetchedPackage> {
  if (pinned.kind === 'hub') return fetchHub(pinned.package, pinned.version, ctx);
  if (pinned.kind === 'git')
    return fetchGit(
      {
        kind: 'git',
        git: render(pinned.git),
        written: pinned.git,
        revision: pinned.revision,
        ...(pinned.subdirectory !== undefined ? { subdirectory: pinned.subdirectory } : {}),
        warnUnpinned: false,
      },
      ctx,
    );
  if (pinned.kind === 'tarball') return fetchTarball({ kind: 'tarball', tarball: pinned.tarball, name: pinned.name }, ctx);
  return fetchLocal({ kind: 'local', local: pinned.local, base: root });
}

/** Puts a fetched package into the new install folder: moved from the work folder, or a link for a local one. */
export function placePackage(fetched: FetchedPackage, into: string, move: (from: string, to: string) => void): void {
  const target = join(into, fetched.name);
  if (fetched.pinned.kind === 'local') symlinkSync(fetched.dir, target, 'dir');
  else move(fetched.dir, target);
}

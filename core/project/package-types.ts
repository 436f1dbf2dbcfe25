import type { SourceLocation } from '../diagnostics/diagnostic.js';

/**
 * One entry of packages.yml / dependencies.yml, as written (after `env_var` is rendered), the
 * plain data every phase of `strata deps` hands on.
 */
export type PackageSpec = HubSpec | GitSpec | TarballSpec | LocalSpec;

/** `package: owner/name` with `version:` (one range, a list of ranges, or exact). */
export interface HubSpec {
  kind: 'hub';
  /** `owner/name` as the hub names it, e.g. `dbt-labs/dbt_utils`. */
  package: string;
  /** Each a dbt version range: `1.1.1`, `>=1.0.0`, `<2.0.0`, `=1.0.0` (all must hold). */
  versions: string[];
  /** `install-prerelease: true`: pre-releases may be picked. */
  installPrerelease: boolean;
  at?: SourceLocation;
}

/** `git:` URL with an optional `revision:` (tag, branch or commit) and `subdirectory:`. */
export interface GitSpec {
  kind: 'git';
  /** The URL as rendered (may hold a secret from env_var: never print it, see `redactUrl`). */
  git: string;
  /** The URL as written, before rendering: what the lock file records, so no secret reaches it. */
  written?: string;
  revision?: string;
  subdirectory?: string;
  /** `warn-unpinned` (default true): warn when the revision is a branch or missing. */
  warnUnpinned: boolean;
  at?: SourceLocation;
}

/** `tarball:` URL with the package's `name:`. */
export interface TarballSpec {
  kind: 'tarball';
  tarball: string;
  name: string;
  at?: SourceLocation;
}

/** `local:` path, relative to the project (or package) that lists it, or absolute. */
export interface LocalSpec {
  kind: 'local';
  local: string;
  /** The folder the path is relative to (the listing project's root). */
  base: string;
  at?: SourceLocation;
}

/** A package fetched into a folder of its own, ready to be moved into the install folder. */
export interface FetchedPackage {
  /** The package's name, from its project file. */
  name: string;
  /** Folder holding the package's project file (for git, the `subdirectory`). */
  dir: string;
  /** What the lock file records for it. */
  pinned: PinnedPackage;
}

/** What package-lock.yml records for one package (dbt's layout). */
export type PinnedPackage =
  | { kind: 'hub'; name: string; package: string; version: string }
  | { kind: 'git'; name: string; git: string; revision: string; subdirectory?: string }
  | { kind: 'tarball'; name: string; tarball: string }
  | { kind: 'local'; name: string; local: string };

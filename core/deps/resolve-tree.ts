import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { diagnostic, StrataUserError, type Diagnostic } from '../diagnostics/diagnostic.js';
import { dependencySpec, readPackageList } from '../project/package-specs.js';
import { admitsStrata } from '../project/dbt-version.js';
import { fetchGit, fetchHub, fetchLocal, fetchTarball, type FetchContext } from './fetch-source.js';
import { redactUrl } from './git.js';
import { resolveHubVersion } from './versions.js';
import type { FetchedPackage, HubSpec, PackageSpec } from '../project/package-types.js';

/** A spec and who lists it (the project, or a package by name), for messages about conflicts. */
interface Wanted {
  spec: PackageSpec;
  requiredBy: string;
}

/** More rounds than any real tree needs; a tree still changing after them is reported. */
const MAX_ROUNDS = 25;

/**
 * Resolves and fetches the whole dependency tree, as dbt does: round by round, each fetched
 * package's own packages.yml (or, for hub packages, the hub's record of its dependencies) adds to
 * the next round; every requirement on a hub package is combined and the highest version that
 * satisfies all of them (and admits Strata's dbt version) is installed. Git, tarball and local
 * packages are fetched once per source.
 */
export async function resolveTree(
  root: string,
  rootSpecs: readonly PackageSpec[],
  projectName: string,
  env: NodeJS.ProcessEnv,
  vars: Record<string, unknown>,
  ctx: FetchContext,
): Promise<FetchedPackage[]> {
  const fetched = new Map<string, FetchedPackage>();
  const gitRevisions = new Map<string, { revision: string; requiredBy: string }>();
  const hubRequirements = new Map<string, { spec: HubSpec; requiredBy: string }[]>();
  let pending: Wanted[] = rootSpecs.map((spec) => ({ spec, requiredBy: `the project (${projectName})` }));
  for (let round = 0; pending.length > 0; round++) {
    if (round === MAX_ROUNDS)
      throw new StrataUserError([
        diagnostic(
          'invalid-dependency',
          `The package tree did not settle after ${MAX_ROUNDS} rounds of resolution (packages requiring each other in a loop?).`,
        ),
      ]);
    const next: Wanted[] = [];
    const nested = (pkg: FetchedPackage) => {
      const list = readPackageList(pkg.dir, env, vars, `${pkg.name}/`);
      if (list.diagnostics.some((d) => d.severity === 'error')) throw new StrataUserError(list.diagnostics);
      for (const spec of list.specs) next.push({ spec: spec.kind === 'local' ? { ...spec, base: pkg.dir } : spec, requiredBy: pkg.name });
    };
    // Each round's new sources are fetched at once (downloads and clones overlap); their
    // dependencies are then read in the order packages.yml lists them, so results are stable.
    const sources = new Map<string, Exclude<PackageSpec, HubSpec>>();
    for (const { spec, requiredBy } of pending) {
      if (spec.kind === 'hub') {
        hubRequirements.set(spec.package, [...(hubRequirements.get(spec.package) ?? []), { spec, requiredBy }]);
        continue;
      }
      if (spec.kind === 'git') checkOneRevision(spec.git, spec.revision ?? 'HEAD', requiredBy, gitRevisions);
      const key = sourceKey(spec);
      if (!fetched.has(key) && !sources.has(key)) sources.set(key, spec);
    }
    const got = await Promise.all(
      [...sources.values()].map((spec) =>
        spec.kind === 'git' ? fetchGit(spec, ctx) : spec.kind === 'tarball' ? fetchTarball(spec, ctx) : fetchLocal(spec),
      ),
    );
    [...sources.keys()].forEach((key, i) => fetched.set(key, got[i] as FetchedPackage));
    got.forEach(nested);
    const versions = await Promise.all(
      [...hubRequirements].map(async ([name, requirements]) => [name, await pickHubVersion(name, requirements, ctx)] as const),
    );
    const changed = versions.filter(([name, version]) => {
      const pinned = fetched.get(`hub:${name}`)?.pinned;
      return !(pinned?.kind === 'hub' && pinned.version === version);
    });
    const hubPackages = await Promise.all(changed.map(([name, version]) => fetchHub(name, version, ctx)));
    for (const [i, [name, version]] of changed.entries()) {
      const pkg = hubPackages[i] as FetchedPackage;
      fetched.set(`hub:${name}`, pkg);
      const dependencies = (await ctx.hubIndex(name)).versions.get(version)?.dependencies ?? [];
      for (const dependency of dependencies) {
        const spec = dependencySpec(dependency, pkg.dir);
        if (spec) next.push({ spec, requiredBy: pkg.name });
        else
          ctx.warn(
            `The package hub lists a dependency of ${pkg.name} that Strata cannot read: ${JSON.stringify(dependency)}; it is left out.`,
          );
      }
    }
    pending = next;
  }
  return uniqueNames([...fetched.values()]);
}

/** The highest version every requirer accepts, among those that admit Strata's dbt version (as dbt's version check filters them). */
async function pickHubVersion(pkg: string, requirements: { spec: HubSpec; requiredBy: string }[], ctx: FetchContext): Promise<string> {
  const index = await ctx.hubIndex(pkg);
  const compatible = [...index.versions]
    .filter(([, v]) => v.requireDbtVersion === undefined || admitsStrata(v.requireDbtVersion))
    .map(([version]) => version);
  const prerelease = requirements.some((r) => r.spec.installPrerelease);
  const picked = resolveHubVersion(
    pkg,
    requirements.map((r) => ({ versions: r.spec.versions, requiredBy: r.requiredBy })),
    compatible,
    prerelease,
  );
  if ('version' in picked) return picked.version;
  const skipped = index.versions.size - compatible.length;
  const diag: Diagnostic =
    skipped > 0
      ? {
          ...picked.diagnostic,
          message: `${picked.diagnostic.message} (${skipped} version${skipped === 1 ? '' : 's'} left out: they require a dbt version other than the one Strata behaves as)`,
        }
      : picked.diagnostic;
  throw new StrataUserError([{ ...diag, ...(requirements[0]?.spec.at ? { at: requirements[0].spec.at } : {}) }]);
}

/** What makes two specs the same package source. */
function sourceKey(spec: Exclude<PackageSpec, HubSpec>): string {
  if (spec.kind === 'git') return `git:${spec.git}#${spec.subdirectory ?? ''}`;
  if (spec.kind === 'tarball') return `tarball:${spec.tarball}`;
  const dir = resolve(spec.base, spec.local);
  try {
    return `local:${realpathSync(dir)}`;
  } catch {
    return `local:${dir}`;
  }
}

/** dbt allows one revision per git repository in the tree. */
function checkOneRevision(
  url: string,
  revision: string,
  requiredBy: string,
  seen: Map<string, { revision: string; requiredBy: string }>,
): void {
  const earlier = seen.get(url);
  if (!earlier) seen.set(url, { revision, requiredBy });
  else if (earlier.revision !== revision) {
    throw new StrataUserError([
      diagnostic(
        'invalid-dependency',
        `Git package ${redactUrl(url)} is wanted at two revisions: '${earlier.revision}' by ${earlier.requiredBy} and '${revision}' by ${requiredBy}; a project can install one.`,
      ),
    ]);
  }
}

/** Two sources that hold packages of one name cannot both be installed (the folder is the name). */
function uniqueNames(packages: FetchedPackage[]): FetchedPackage[] {
  const byName = new Map<string, FetchedPackage>();
  for (const pkg of packages) {
    const other = byName.get(pkg.name);
    if (other)
      throw new StrataUserError([
        diagnostic(
          'invalid-dependency',
          `Two packages are named '${pkg.name}': ${describe(other)} and ${describe(pkg)}. List only one of them.`,
        ),
      ]);
    byName.set(pkg.name, pkg);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A package's source in words, without secrets. */
export function describe(pkg: FetchedPackage): string {
  const p = pkg.pinned;
  if (p.kind === 'hub') return `${p.package}@${p.version} from the package hub`;
  if (p.kind === 'git') return `git ${redactUrl(p.git)} at ${p.revision.slice(0, 10)}${p.subdirectory ? ` (${p.subdirectory})` : ''}`;
  if (p.kind === 'tarball') return `tarball ${redactUrl(p.tarball)}`;
  return `local ${p.local}`;
}

import semver, { type SemVer } from 'semver';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';

/** One requirer's ranges on a hub package (all must hold), as packages.yml or the hub lists them. */
export interface VersionRequirement {
  /** dbt ranges: `1.1.1`, `=1.1.1`, `>=1.0.0`, `<2.0.0`, `>0.8.0`, `<=1.3.0`, or several in one string (`">=0.9.0, <1.0.0"`). */
  versions: string[];
  /** Who asks, for messages: "the project (my_project)" or a package name. */
  requiredBy: string;
}

/** One comparison of a dbt range, read. */
interface Comparison {
  op: '>=' | '<=' | '>' | '<' | '=';
  version: SemVer;
}

/** An available version, read, with the hub's own string for it (what is installed, locked and shown). */
type Candidate = [SemVer, string];

/** Lists longer than this are shortened to the versions nearest the ranges. */
const MAX_LISTED = 8;

/**
 * The highest of `available` that every requirement admits, as dbt resolves hub packages
 * (dbt-core `semver.py`, `deps/registry.py`): all ranges of all requirers must hold; pre-releases
 * are candidates only with `install-prerelease` or when some range names a pre-release.
 */
export function resolveHubVersion(
  pkg: string,
  requirements: readonly VersionRequirement[],
  available: readonly string[],
  installPrerelease: boolean,
): { version: string } | { diagnostic: Diagnostic } {
  const comparisons: Comparison[] = [];
  for (const { versions, requiredBy } of requirements) {
    for (const text of versions) {
      const read = readRange(text);
      if (!read) return { diagnostic: invalidRange(pkg, text, requiredBy) };
      comparisons.push(...read);
    }
  }
  const range = new semver.Range(comparisons.map(toComparator).join(' ') || '*', { includePrerelease: true });
  const prerelease = installPrerelease || comparisons.some((c) => c.version.prerelease.length > 0);
  const candidates = parseVersions(available);
  const installable = candidates.filter(([v]) => prerelease || v.prerelease.length === 0);
  const best = installable.filter(([v]) => range.test(v)).sort(([a], [b]) => semver.rcompare(a, b))[0];
  if (best) return { version: best[1] };
  return {
    diagnostic: noVersion(
      pkg,
      requirements,
      range,
      installable,
      comparisons,
      prerelease ? [] : candidates.filter(([v]) => v.prerelease.length > 0 && range.test(v)),
    ),
  };
}

/**
 * A dbt range string read into comparisons: dbt writes one per string, but a comma or space
 * may separate several (`">=0.9.0, <1.0.0"`). Undefined when any part is not dbt's syntax.
 */
function readRange(text: string): Comparison[] | undefined {
  const parts = String(text)
    .replace(/(>=|<=|>|<|=)\s+/g, '$1')
    .split(/[\s,]+/)
    .filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  const read: Comparison[] = [];
  for (const part of parts) {
    const match = /^(>=|<=|>|<|=)?(\d[^<>=]*)$/.exec(part);
    // Loose parsing reads the hub's `1.2.0rc1` (no hyphen), which dbt's own pattern allows.
    const version = match?.[2] !== undefined ? semver.parse(match[2], { loose: true }) : null;
    if (!match || !version) return undefined;
    read.push({ op: (match[1] ?? '=') as Comparison['op'], version });
  }
  return read;
}

/**
 * A node-semver comparator. dbt's `<2.0.0` also shuts out `2.0.0-b1` (a pre-release of the bound
 * itself), which node-semver would let in, so a bound without a pre-release becomes `<2.0.0-0`.
 */
function toComparator({ op, version }: Comparison): string {
  if (op === '<' && version.prerelease.length === 0) return `<${version.version}-0`;
  return `${op}${version.version}`;
}

/** The hub's version strings that read as versions, each with the string itself (what is installed and locked). */
function parseVersions(available: readonly string[]): Candidate[] {
  const parsed: Candidate[] = [];
  for (const text of available) {
    const version = semver.parse(text, { loose: true }) ?? semver.coerce(text, { includePrerelease: true });
    if (version) parsed.push([version, text]);
  }
  return parsed;
}

/** The error for a range dbt would not read. */
function invalidRange(pkg: string, text: string, requiredBy: string): Diagnostic {
  return diagnostic(
    'invalid-dependency',
    `Invalid version range ${JSON.stringify(text)} for ${pkg} (required by ${requiredBy}): use a full version such as "1.2.3", or comparisons with >=, >, <=, < or = such as [">=1.0.0", "<2.0.0"].`,
  );
}

/** The error when no version is admitted: a conflict between the ranges themselves, or none available in range. */
function noVersion(
  pkg: string,
  requirements: readonly VersionRequirement[],
  range: semver.Range,
  installable: Candidate[],
  comparisons: Comparison[],
  prereleasesInRange: Candidate[],
): Diagnostic {
  const who = requirements.map((r) => `${r.requiredBy} requires [${r.versions.map((v) => JSON.stringify(v)).join(', ')}]`).join(', ');
  const listed = `(available: ${nearest(
    installable,
    comparisons.map((c) => c.version),
  )})`;
  const newestPrerelease = [...prereleasesInRange].sort(([a], [b]) => semver.rcompare(a, b))[0];
  const hint = newestPrerelease
    ? ` Pre-release ${newestPrerelease[1]} would match: set install-prerelease: true to allow pre-releases.`
    : '';
  if (semver.minVersion(range) === null)
    return diagnostic('invalid-dependency', `Version conflict for ${pkg}: ${who}; no version satisfies all ${listed}.`);
  return diagnostic('invalid-dependency', `No available version of ${pkg} matches: ${who} ${listed}.${hint}`);
}

/** The versions to show: all of a short list, else those either side of each bound and the latest, gaps marked "…". */
function nearest(versions: Candidate[], bounds: SemVer[]): string {
  const sorted = [...versions].sort(([a], [b]) => semver.compare(a, b));
  if (sorted.length === 0) return 'none';
  if (sorted.length <= MAX_LISTED) return sorted.map(([, text]) => text).join(', ');
  const picked = new Set<number>([sorted.length - 1]);
  for (const bound of bounds) {
    const above = sorted.findIndex(([v]) => semver.gte(v, bound));
    const at = above === -1 ? sorted.length : above;
    for (const i of [at - 1, at, at + 1]) if (i >= 0 && i < sorted.length) picked.add(i);
  }
  const shown: string[] = [];
  let previous = -1;
  for (const i of [...picked].sort((a, b) => a - b)) {
    if (i !== previous + 1) shown.push('…');
    shown.push(sorted[i]?.[1] ?? '');
    previous = i;
  }
  return `${shown.join(', ')}; ${sorted.length} in all`;
}

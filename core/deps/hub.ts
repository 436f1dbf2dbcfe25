import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { httpGet, isHttpUrl, isNetworkError, networkReason, printableUrl } from './download.js';

/** The public dbt package hub, unless DBT_PACKAGE_HUB_URL (dbt's own variable) names a mirror. */
const DEFAULT_HUB = 'https://hub.getdbt.com/';

/** One version of a hub package, as the hub's index records it. */
export interface HubVersion {
  /** The package's project name (`dbt_utils`): its folder once installed. */
  name: string;
  /** URL of the version's .tar.gz. */
  tarball: string;
  /** The tarball's sha1, when the hub publishes one. */
  sha1?: string;
  /** The version's own hub dependencies, as the hub lists them (`{package, version}`). */
  dependencies: unknown[];
  /** `require-dbt-version` of the version's project file. */
  requireDbtVersion?: string | string[];
}

/** What the hub knows of one package (`api/v1/<owner>/<name>.json`), as plain data. */
export interface HubPackage {
  /** `owner/name`, as asked for. */
  package: string;
  /** The package's project name. */
  name: string;
  /** Every version the hub lists, by its version string. */
  versions: Map<string, HubVersion>;
  /** `owner/name` the package moved to, when the hub says it was renamed (dbt warns and installs it anyway). */
  movedTo?: string;
}

/** The hub's base URL, always ending in '/'. */
export function hubBaseUrl(env: NodeJS.ProcessEnv): string {
  const base = env.DBT_PACKAGE_HUB_URL || env.STRATA_PACKAGE_HUB_URL || DEFAULT_HUB;
  return base.endsWith('/') ? base : `${base}/`;
}

/** A hub error, as the user sees it. */
function hubError(message: string): StrataUserError {
  return new StrataUserError([diagnostic('invalid-dependency', message)]);
}

/** GETs `path` under the hub and reads it as JSON; unreachable or failing hubs are user errors. */
async function getJson(base: string, path: string): Promise<{ status: number; body?: unknown }> {
  const url = `${base}${path}`;
  let response: Response;
  try {
    response = await httpGet(url);
  } catch (err) {
    if (!isNetworkError(err)) throw err;
    throw hubError(
      `Could not reach the package hub at ${printableUrl(base)} (${networkReason(err)}). Check the network, or set DBT_PACKAGE_HUB_URL to the URL of a mirror.`,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    if (response.status === 404) return { status: 404 };
    const retried = response.status >= 500 ? ' after several tries' : '';
    throw hubError(
      `The package hub at ${printableUrl(base)} answered HTTP ${response.status} ${response.statusText} for ${printableUrl(url)}${retried}. Try again later, or set DBT_PACKAGE_HUB_URL to the URL of a mirror.`,
    );
  }
  try {
    return { status: response.status, body: await response.json() };
  } catch {
    throw hubError(
      `The package hub at ${printableUrl(base)} sent something other than JSON for ${printableUrl(url)}. Is DBT_PACKAGE_HUB_URL the URL of a dbt package hub?`,
    );
  }
}

/** " Did you mean 'x/y'?" from the hub's list of packages, or '' (the list is a nicety: any failure is ignored). */
async function suggestion(base: string, pkg: string): Promise<string> {
  try {
    const { body } = await getJson(base, 'api/v1/index.json');
    return Array.isArray(body)
      ? didYouMean(
          pkg,
          body.filter((n): n is string => typeof n === 'string'),
        )
      : '';
  } catch {
    return '';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const asString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** `require_dbt_version` as a string or list of strings, else undefined. */
function dbtVersion(value: unknown): string | string[] | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return undefined;
}

/** Everything the hub lists for `pkg` (`owner/name`), fetched from `base` (see {@link hubBaseUrl}). */
export async function hubPackage(base: string, pkg: string): Promise<HubPackage> {
  const hub = base.endsWith('/') ? base : `${base}/`;
  if (!isHttpUrl(hub))
    throw hubError(`The package hub URL '${printableUrl(base)}' is not an http:// or https:// URL: check DBT_PACKAGE_HUB_URL.`);
  const parts = pkg.split('/');
  if (parts.length !== 2 || parts.some((p) => p.trim() === '' || p !== p.trim())) {
    throw hubError(`'${pkg}' is not a package hub name: write it as owner/name, e.g. dbt-labs/dbt_utils.`);
  }
  const { status, body } = await getJson(hub, `api/v1/${parts.map(encodeURIComponent).join('/')}.json`);
  if (status === 404) throw hubError(`Package '${pkg}' is not on the package hub at ${printableUrl(hub)}.${await suggestion(hub, pkg)}`);
  if (!isRecord(body) || !isRecord(body.versions))
    throw hubError(`The package hub at ${printableUrl(hub)} sent an index for '${pkg}' without versions.`);

  const name = asString(body.name) ?? parts[1] ?? pkg;
  const versions = new Map<string, HubVersion>();
  for (const [version, entry] of Object.entries(body.versions)) {
    const downloads = isRecord(entry) && isRecord(entry.downloads) ? entry.downloads : undefined;
    const tarball = asString(downloads?.tarball);
    // A version without a tarball cannot be installed: leave it out rather than fail later.
    if (!isRecord(entry) || tarball === undefined) continue;
    const sha1 = asString(downloads?.sha1);
    const requireDbtVersion = dbtVersion(entry.require_dbt_version);
    versions.set(version, {
      name: asString(entry.name) ?? name,
      tarball,
      ...(sha1 !== undefined ? { sha1 } : {}),
      dependencies: Array.isArray(entry.packages) ? entry.packages : [],
      ...(requireDbtVersion !== undefined ? { requireDbtVersion } : {}),
    });
  }
  // The hub marks a renamed package with its new namespace and/or name.
  const movedNamespace = asString(body.redirectnamespace);
  const movedName = asString(body.redirectname);
  const movedTo =
    movedNamespace !== undefined || movedName !== undefined
      ? `${movedNamespace ?? asString(body.namespace) ?? parts[0]}/${movedName ?? name}`
      : undefined;
  return { package: pkg, name, versions, ...(movedTo !== undefined && movedTo !== pkg ? { movedTo } : {}) };
}

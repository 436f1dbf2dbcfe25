import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import { PACKAGE_FILES } from '../project/package-specs.js';

/** dbt's `deps --source`: where `--add-package` takes the package from. */
export type AddSource = 'hub' | 'git' | 'local';

/**
 * dbt's `deps --add-package name@version`: adds the package to packages.yml (or the
 * dependencies.yml the project uses), replacing an entry for the same package, keeping the file's
 * comments and layout. `latest` answers a hub package given without a version.
 */
export async function addPackage(
  root: string,
  text: string,
  source: AddSource,
  latest: (pkg: string) => Promise<string>,
): Promise<{ file: string; entry: Record<string, string> }> {
  const at = text.lastIndexOf('@');
  const name = at > 0 ? text.slice(0, at) : text;
  const version = at > 0 ? text.slice(at + 1) : undefined;
  if (!name || version === '')
    throw new StrataUserError([
      diagnostic('invalid-dependency', `--add-package '${text}': write it as name@version (e.g. dbt-labs/dbt_utils@1.3.0).`),
    ]);
  let entry: Record<string, string>;
  if (source === 'hub') {
    if (!/^[^/\s]+\/[^/\s]+$/.test(name))
      throw new StrataUserError([
        diagnostic('invalid-dependency', `--add-package '${text}': a hub package is named owner/name (e.g. dbt-labs/dbt_utils).`),
      ]);
    entry = { package: name, version: version ?? (await latest(name)) };
  } else if (source === 'git') entry = { git: name, ...(version ? { revision: version } : {}) };
  else entry = { local: name };
  const file = PACKAGE_FILES.find((f) => existsSync(join(root, f))) ?? 'packages.yml';
  const path = join(root, file);
  const doc = parseDocument(existsSync(path) ? readFileSync(path, 'utf8') : 'packages: []\n');
  if (doc.errors.length > 0)
    throw new StrataUserError([diagnostic('invalid-dependency', `${file} is not valid YAML: ${doc.errors[0]?.message ?? ''}`)]);
  if (!isMap(doc.contents)) doc.contents = doc.createNode({ packages: [] }) as unknown as typeof doc.contents;
  const packages = (doc.contents as YAMLMap).get('packages');
  const key = Object.keys(entry)[0] as string;
  if (!isSeq(packages)) (doc.contents as YAMLMap).set('packages', doc.createNode([entry]));
  else {
    const existing = packages.items.findIndex((item) => isMap(item) && item.get(key) === entry[key]);
    if (existing >= 0) packages.set(existing, doc.createNode(entry));
    else packages.add(doc.createNode(entry));
  }
  writeFileSync(path, doc.toString());
  return { file, entry };
}

/** The newest version that is not a pre-release (what `--add-package owner/name` without a version installs). */
export function latestStable(pkg: string, versions: readonly string[]): string {
  const stable = versions.filter((v) => semver.valid(v) && !semver.prerelease(v)).sort(semver.rcompare);
  if (!stable[0])
    throw new StrataUserError([
      diagnostic(
        'invalid-dependency',
        `Package ${pkg} has no released version on the package hub; give one: --add-package ${pkg}@<version>.`,
      ),
    ]);
  return stable[0];
}

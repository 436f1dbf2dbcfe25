import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import type { PackageSpec } from './package-types.js';
import { envVarFunction } from '../template/base-scope.js';
import { cliVarFunction, macroFreeEngine, renderYamlValues } from './render-yaml.js';
import { parseYaml, validateYaml, type YamlFile } from './yaml-file.js';
import { readProjectText } from './read-text.js';

/** The files a project lists its packages in, in dbt's order of preference. */
export const PACKAGE_FILES = ['packages.yml', 'dependencies.yml'] as const;

const version = z.union([z.string(), z.number()]);
const entrySchema = z.union([
  z.strictObject({ local: z.string() }),
  z.strictObject({
    package: z.string(),
    version: z.union([version, z.array(version)]).optional(),
    'install-prerelease': z.boolean().optional(),
  }),
  z.strictObject({
    git: z.string(),
    revision: z.union([z.string(), z.number()]).optional(),
    subdirectory: z.string().optional(),
    'warn-unpinned': z.boolean().optional(),
  }),
  z.strictObject({ tarball: z.string(), name: z.string() }),
  z.strictObject({
    private: z.string(),
    provider: z.string().optional(),
    revision: z.string().optional(),
    subdirectory: z.string().optional(),
    'warn-unpinned': z.boolean().optional(),
  }),
]);
const packagesSchema = z.object({ packages: z.array(z.unknown()).default([]) }).loose();

/** What a project's packages file lists: each entry rendered (env_var, --vars) and typed. */
export interface PackageList {
  /** The file read (`packages.yml` or `dependencies.yml`), relative to the root; none when there is none. */
  file?: string;
  specs: PackageSpec[];
  diagnostics: Diagnostic[];
}

/**
 * The packages a project (or an installed package) lists. As in dbt, packages.yml wins over
 * dependencies.yml, values may use `env_var` (secrets too: the rendered text stays in memory) and
 * `var` (--vars only), and a git URL is also kept as written, for the lock file.
 */
export function readPackageList(root: string, env: NodeJS.ProcessEnv, vars: Record<string, unknown> = {}, shownAs = ''): PackageList {
  const file = PACKAGE_FILES.find((f) => existsSync(join(root, f)));
  if (!file) return { specs: [], diagnostics: [] };
  const encoding: Diagnostic[] = [];
  const parsed = parseYaml(`${shownAs}${file}`, readProjectText(join(root, file), `${shownAs}${file}`, encoding));
  if (encoding.length || !parsed.yaml) return { file, specs: [], diagnostics: [...encoding, ...parsed.diagnostics] };
  const diagnostics = [...parsed.diagnostics];
  const checked = validateYaml(parsed.yaml, packagesSchema, parsed.yaml.value ?? {}, [], 'packages file');
  diagnostics.push(...checked.diagnostics);
  const specs = (checked.data?.packages ?? []).flatMap((entry, i) => {
    const spec = readEntry(parsed.yaml as YamlFile, entry, i, root, env, vars, diagnostics);
    return spec ? [spec] : [];
  });
  return { file, specs, diagnostics };
}

function readEntry(
  yaml: YamlFile,
  entry: unknown,
  i: number,
  root: string,
  env: NodeJS.ProcessEnv,
  vars: Record<string, unknown>,
  diagnostics: Diagnostic[],
): PackageSpec | undefined {
  const path = ['packages', i];
  const at = yaml.locate(path);
  const scope = { env_var: envVarFunction(env, { allowSecrets: true }), var: cliVarFunction(vars) };
  const rendered = renderYamlValues(yaml, entry, path, macroFreeEngine(), scope, diagnostics);
  const checked = validateYaml(yaml, entrySchema, rendered, path, 'package');
  diagnostics.push(...checked.diagnostics);
  if (!checked.data) return undefined;
  const written = (entry as { git?: unknown }).git;
  return specOf(checked.data, root, diagnostics, at, typeof written === 'string' ? written : undefined);
}

/**
 * A dependency as the package hub records it for a hub package (`{package, version}`, or another
 * source written as in packages.yml); undefined for an entry Strata cannot read.
 */
export function dependencySpec(value: unknown, base: string): PackageSpec | undefined {
  const checked = entrySchema.safeParse(value);
  return checked.success ? specOf(checked.data, base, []) : undefined;
}

function specOf(
  value: z.infer<typeof entrySchema>,
  root: string,
  diagnostics: Diagnostic[],
  at?: SourceLocation,
  written?: string,
): PackageSpec | undefined {
  const where = at ? { at } : {};
  if ('local' in value) return { kind: 'local', local: value.local, base: root, ...where };
  if ('package' in value) {
    if (value.version === undefined) {
      diagnostics.push(
        diagnostic(
          'invalid-dependency',
          `Package '${value.package}' has no 'version:'; give a version or a range, e.g. version: [">=1.0.0", "<2.0.0"].`,
          at,
        ),
      );
      return undefined;
    }
    const versions = (Array.isArray(value.version) ? value.version : [value.version]).map(String);
    return { kind: 'hub', package: value.package, versions, installPrerelease: value['install-prerelease'] ?? false, ...where };
  }
  if ('git' in value) {
    return {
      kind: 'git',
      git: value.git,
      ...(written !== undefined ? { written } : {}),
      ...(value.revision !== undefined ? { revision: String(value.revision) } : {}),
      ...(value.subdirectory !== undefined ? { subdirectory: value.subdirectory } : {}),
      warnUnpinned: value['warn-unpinned'] ?? true,
      ...where,
    };
  }
  if ('tarball' in value) return { kind: 'tarball', tarball: value.tarball, name: value.name, ...where };
  diagnostics.push(
    diagnostic(
      'invalid-dependency',
      `'private: ${value.private}' packages are a dbt Cloud feature (they use the Cloud's git integration); list the package with 'git:' and its URL instead.`,
      at,
    ),
  );
  return undefined;
}

/** The name a spec's package is expected to have before it is fetched, where the spec says it (for "not installed" messages). */
export function expectedName(spec: PackageSpec): string | undefined {
  if (spec.kind === 'tarball') return spec.name;
  if (spec.kind === 'hub') return spec.package.split('/').pop();
  return undefined;
}

import { existsSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Adapter } from '../adapter/adapter.js';
import { diagnostic, throwIfErrors, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { baseScope } from '../template/base-scope.js';
import { TemplateEngine, type RenderScope } from '../template/engine.js';
import { envVarFunction } from '../template/base-scope.js';
import { configForPath, configLevels, readConfigTree, unusedConfigPaths, type ConfigTreeNode } from './config-tree.js';
import { readDocBlocks } from './docs-blocks.js';
import { findFiles, toPosix } from './files.js';
import type { NodeNaming } from './build-nodes.js';
import { derivedIdentifier } from '../adapter/derived-name.js';
import type { Relation } from '../adapter/relation.js';
import { loadResources, type ResourceSet, type SharedLoad } from './load-resources.js';
import { mergeConfigs } from './node-config.js';
import { installedPackages, missingPackages, packagesFolder } from './packages.js';
import { resourcePaths } from './resource-paths.js';
import { readMacroDefinitions } from './macro-definitions.js';
import { readSelectorsFile } from './selectors-file.js';
import { readDependencies } from './dependencies.js';
import { checkGroups, groupsByName } from './groups.js';
import { duplicateRelations } from './unique-relations.js';
import { ParseCache, parseCacheKey, type ParseResult } from './parse-cache.js';
import { BUILTIN_MACROS } from '../template/builtin-macros.js';
import { CROSS_DB_MACROS, NAMING_MACROS } from '../template/cross-db-macros.js';
import { checkContractDeclaration } from './contract-declaration.js';
import { buildUnitTests } from './build-unit-tests.js';
import type { Properties } from './properties.js';
import { resolveTarget } from './profiles.js';
import { projectFileSchema, type ProjectFile } from './project-file.js';
import { checkProjectFile } from './project-checks.js';
import { checkProjectFlags, projectFlags } from './project-flags.js';
import { cliVarFunction, macroFreeEngine, projectKeyRendered, renderYamlValues } from './render-yaml.js';
import type { DocBlock, GroupDefinition, Project, ProjectNode, SourceDefinition } from './types.js';
import { parseYaml, validateYaml, type YamlFile } from './yaml-file.js';
import { readProjectText } from './read-text.js';
import { addProjectLayers } from './unrendered-config.js';
import { checkExposures, exposureDefinitions, type ExposureEntry } from './exposures.js';
import { SOURCE_CONFIGS, type SourceConfigLevel } from './source-config.js';
import { disabledSourceUses } from './disabled-sources.js';

/** How to find and configure a project. */
export interface LoadOptions {
  /** Project directory (default: the working directory). */
  projectDir?: string;
  /** `--profiles-dir`. */
  profilesDir?: string;
  /** `--target`. */
  target?: string;
  /** `--vars`, already parsed. */
  vars?: Record<string, unknown>;
  /** Adapters the project may use. */
  adapters: readonly Adapter[];
  /** Environment for `env_var()` (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** `false` ignores and does not write target/partial_parse.json. */
  parseCache?: boolean;
  /** `--profile`: the profile to use instead of the project file's. */
  profile?: string;
  /** `--target-path`: where artifacts go instead of the project file's target-path (relative to the project). */
  targetPath?: string;
}

/** The project file names Strata reads, in order of preference. */
export { resourcePaths } from './resource-paths.js';

export const PROJECT_FILE_NAMES = ['strata_project.yml', 'dbt_project.yml'] as const;

/** A loaded project and the template engine its parse pass used (the compile pass renders with the same one). */
export interface LoadedProject {
  project: Project;
  engine: TemplateEngine;
}

/**
 * Loads a project from disk and runs the parse pass over every node. Throws
 * {@link StrataUserError} with every problem found when the project cannot be used.
 */
export function loadProject(options: LoadOptions): Project {
  return loadProjectWithEngine(options).project;
}

/** {@link loadProject}, handing over the engine too, so that compiling does not read and parse the macros again. */
export function loadProjectWithEngine(options: LoadOptions): LoadedProject {
  const root = resolve(options.projectDir ?? '.');
  const env = options.env ?? process.env;
  const diagnostics: Diagnostic[] = [];
  const projectFile = PROJECT_FILE_NAMES.map((n) => join(root, n)).find((f) => existsSync(f));
  if (!projectFile) {
    throwIfErrors([
      diagnostic('project-file-missing', `No strata_project.yml or dbt_project.yml in ${root}. Use --project-dir to point at a project.`),
    ]);
    throw new Error('unreachable');
  }
  // As in dbt, the keys that find the profile are read first; the rest of the file may use `target`.
  const head = readProjectHead(projectFile, env, options.vars ?? {}, diagnostics);
  if (!head) {
    throwIfErrors(diagnostics);
    throw new Error('unreachable: an unreadable project file always has an error');
  }
  const targetPath = resolve(root, options.targetPath ?? head.targetPath ?? 'target');
  const { target, diagnostics: targetDiagnostics } = resolveTarget(
    {
      projectDir: root,
      targetPath,
      profile: options.profile ?? head.profile,
      ...(options.profile ? { profileFromFlag: true } : head.profile ? { profileAt: head.yaml.locate(['profile']) } : {}),
      profilesDir: options.profilesDir,
      target: options.target,
      env,
      vars: options.vars ?? {},
    },
    options.adapters,
  );
  diagnostics.push(...targetDiagnostics);
  if (!target) {
    throwIfErrors(diagnostics);
    throw new Error('unreachable');
  }
  const targetScope = { ...target.info, name: target.targetName, profile_name: target.profileName };
  const fileScope = { env_var: envVarFunction(env), var: cliVarFunction(options.vars ?? {}), target: targetScope };
  const settings = renderProjectFile(head.yaml, fileScope, diagnostics, head.rendered);
  if (!settings) {
    throwIfErrors(diagnostics);
    throw new Error('unreachable: an invalid project file always has an error');
  }
  const name = settings.file.name;
  diagnostics.push(...checkProjectFile(settings.file, settings.yaml), ...checkProjectFlags(settings.file, settings.yaml));

  // Installed packages (strata deps), each with its own project file, macros and resources.
  const packagesPath = packagesFolder(root, settings.file['packages-install-path']);
  const installed = installedPackages(root, packagesPath);
  // Each project file as written (Jinja unrendered), by folder: dbt's unrendered_config reads them.
  const unrenderedFiles = new Map<string, unknown>([[root, head.yaml.value]]);
  diagnostics.push(...missingPackages(root, packagesPath, installed, env, options.vars ?? {}));
  const packages = installed.flatMap((pkg) => {
    const file = PROJECT_FILE_NAMES.map((n) => join(pkg.dir, n)).find((f) => existsSync(f)) as string;
    const yaml = readProjectYaml(file, relative(root, file), diagnostics);
    unrenderedFiles.set(pkg.dir, yaml?.value);
    const read = yaml && renderProjectFile(yaml, fileScope, diagnostics);
    if (read && read.file.name !== name) diagnostics.push(...checkProjectFile(read.file, read.yaml, read.file.name));
    return read && read.file.name !== name ? [{ name: read.file.name, dir: pkg.dir, settings: read }] : [];
  });
  const sets: ResourceSet[] = [{ name, dir: root, settings }, ...packages];
  const vars = {
    ...Object.assign({}, ...packages.map((p) => projectVars(p.settings.file, p.name))),
    ...projectVars(settings.file, name),
    ...options.vars,
  };

  // Generic tests ({% test %} blocks) live in macro paths or test-paths/generic, as in dbt.
  const macroTexts = sets.flatMap((set) => {
    const paths = resourcePaths(set.settings.file);
    return [
      ...findFiles(set.dir, paths.macros, ['.sql']),
      ...findFiles(
        set.dir,
        paths.tests.map((t) => `${t}/generic`),
        ['.sql'],
      ),
    ].map((f) => ({
      file: toPosix(relative(root, f.absolute)),
      text: readProjectText(f.absolute, toPosix(relative(root, f.absolute)), diagnostics),
      ...(set.dir === root ? {} : { package: set.name }),
    }));
  });
  const engine = new TemplateEngine(macroTexts, {
    rootPackage: name,
    ...(settings.file.dispatch ? { dispatch: settings.file.dispatch } : {}),
  });
  diagnostics.push(...engine.diagnostics);

  const docs = new Map<string, DocBlock>();
  for (const set of sets)
    for (const f of findFiles(set.dir, resourcePaths(set.settings.file).docs, ['.md']))
      diagnostics.push(
        ...readDocBlocks(f.fromRoot, readProjectText(f.absolute, f.fromRoot, diagnostics), docs, {
          path: f.fromFolder,
          ...(set.dir === root ? {} : { packageName: set.name }),
        }),
      );

  const base = baseScope({ projectName: name, vars, target: targetScope, env, execute: false });
  // Everything a parse result depends on besides the template's own text and the env vars it reads.
  // --no-partial-parse, else the project's `flags: {partial_parse: false}`, parses every file afresh.
  const cache =
    (options.parseCache ?? projectFlags(settings.file).partialParse) === false
      ? undefined
      : new ParseCache(
          join(targetPath, 'partial_parse.json'),
          parseCacheKey({
            settings: sets.map((set) => set.settings.file),
            macros: macroTexts,
            builtins: [...BUILTIN_MACROS, CROSS_DB_MACROS, NAMING_MACROS],
            vars,
            target: targetScope,
            name,
          }),
          env,
        );

  const trees = configTrees(settings.yaml, diagnostics);
  const testSection = settings.file.data_tests ? 'data_tests' : 'tests';
  const testTree = readConfigTree(settings.yaml, testSection);
  diagnostics.push(...testTree.diagnostics);
  // `sources:` trees: a package's own file configures its sources, the root project's overrides it.
  const sourceTrees = new Map(
    sets.map((set) => [set.name, readConfigTree<SourceConfigLevel>(set.settings.yaml, 'sources', SOURCE_CONFIGS)] as const),
  );
  for (const read of sourceTrees.values()) diagnostics.push(...read.diagnostics);
  const rootSourceTree = (sourceTrees.get(name) as { tree: ConfigTreeNode<SourceConfigLevel> }).tree;
  const targetAdapter = options.adapters.find((a) => a.name === target.type);
  const shared: SharedLoad = {
    engine,
    base,
    sourceConfig: (fqn) => {
      const own = fqn[0] !== name ? sourceTrees.get(fqn[0] ?? '')?.tree : undefined;
      return [...(own ? configLevels(own, fqn) : []), ...configLevels(rootSourceTree, fqn)];
    },
    target: target.info,
    docs,
    testTree: testTree.tree,
    naming: withNaming(engine, base),
    snapshotColumns: snapshotColumnNames(basename(projectFile) === 'dbt_project.yml' ? 'dbt' : 'strata'),
    ...(cache ? { cache } : {}),
    quoteColumn: (column) => targetAdapter?.dialect.quoteIdentifier(column) ?? `"${column.replaceAll('"', '""')}"`,
    // A test's name, unlike an alias, is Strata's: cut (with a hash) to the database's limit.
    auditRelation: (testName, config) => ({
      ...(target.info.database ? { database: target.info.database } : {}),
      schema: `${target.info.schema}_${config.schema ?? 'dbt_test__audit'}`,
      identifier: config.alias ?? derivedIdentifier(testName, '', targetAdapter?.capabilities.maxIdentifierBytes),
    }),
  };
  const built = { nodes: new Map<string, ProjectNode>(), disabled: new Map<string, ProjectNode>() };
  let properties: Properties | undefined;
  const allSources: SourceDefinition[] = [];
  const disabledSources: SourceDefinition[] = [];
  const allGroups: GroupDefinition[] = [];
  const exposures: (ExposureEntry & { packageName: string })[] = [];
  for (const set of sets) {
    // A package's own project file configures its resources; the root project's `models: <package>:` overrides it.
    const own = set.dir === root ? undefined : configTrees(set.settings.yaml, diagnostics);
    const loaded = loadResources(set, shared, (type, fqn) =>
      mergeConfigs(own ? configForPath(own[type].tree, fqn) : {}, configForPath(trees[type].tree, fqn)),
    );
    diagnostics.push(...loaded.diagnostics);
    const rootFile = set.dir === root ? undefined : head.yaml.value;
    addProjectLayers([...loaded.nodes.values(), ...loaded.disabled.values()], unrenderedFiles.get(set.dir), rootFile);
    for (const [id, node] of loaded.nodes) {
      if (built.nodes.has(id) || built.disabled.has(id))
        diagnostics.push(
          diagnostic('duplicate-node', `Two nodes have the id '${id}' (${node.originalFilePath} in ${set.name}).`, {
            file: node.originalFilePath,
            line: 1,
            column: 1,
          }),
        );
      else (node.config.enabled ? built.nodes : built.disabled).set(id, node);
    }
    for (const [id, node] of loaded.disabled) built.disabled.set(id, node);
    allSources.push(...loaded.properties.sources);
    disabledSources.push(...loaded.properties.disabledSources);
    allGroups.push(...loaded.properties.groups.map((g) => (set.dir === root ? g : { ...g, packageName: set.name })));
    exposures.push(...loaded.properties.exposures.map((e) => ({ ...e, packageName: set.name })));
    if (set.dir === root) properties = loaded.properties;
    else diagnostics.push(...unappliedPatches(loaded.properties));
  }
  const rootProperties = properties as Properties;
  const unitTests = buildUnitTests(rootProperties.unitTests, built.nodes, name, { root, testPaths: resourcePaths(settings.file).tests });
  diagnostics.push(...unitTests.diagnostics);
  for (const node of unitTests.nodes) {
    const clash = built.nodes.get(node.uniqueId);
    if (clash)
      diagnostics.push(
        diagnostic(
          'duplicate-node',
          `Two tests are named '${node.name}' (${clash.originalFilePath} and ${node.originalFilePath}); give one a 'name:'.`,
          { file: node.originalFilePath, line: 1, column: 1 },
        ),
      );
    else (node.config.enabled ? built.nodes : built.disabled).set(node.uniqueId, node);
  }
  diagnostics.push(...unusedConfigPaths(testTree.tree, testSection));
  for (const [type, section] of Object.entries(CONFIG_SECTIONS))
    diagnostics.push(...unusedConfigPaths(trees[type as ConfigType].tree, section));
  diagnostics.push(...unusedConfigPaths(rootSourceTree, 'sources'));
  diagnostics.push(...disabledSourceUses(built.nodes.values(), disabledSources));
  diagnostics.push(...unappliedPatches(rootProperties));
  const selectors = readSelectorsFile(root);
  diagnostics.push(...selectors.diagnostics);
  const dependencies = readDependencies(root, target.type);
  diagnostics.push(...dependencies.diagnostics);
  // Group names are shared by the project and its packages (dbt checks a node's group against all of them).
  const groups = groupsByName(allGroups);
  diagnostics.push(...checkGroups(built.nodes, groups));
  diagnostics.push(...duplicateRelations(built.nodes));
  for (const node of built.nodes.values()) diagnostics.push(...checkContractDeclaration(node));
  diagnostics.push(...checkExposures(exposures, built.nodes, allSources, engine, base));
  const warnings = throwIfErrors(diagnostics);
  const project: Project = {
    root,
    name,
    projectFile,
    settings: settings.file,
    hookLocations: {
      'on-run-start': hookLocations(settings, 'on-run-start'),
      'on-run-end': hookLocations(settings, 'on-run-end'),
    },
    targetPath,
    target,
    vars,
    nodes: built.nodes,
    disabled: built.disabled,
    sources: new Map(allSources.map((s) => [s.uniqueId, s])),
    disabledSources: new Map(disabledSources.map((s) => [s.uniqueId, s])),
    exposures: exposureDefinitions(exposures, built.nodes, allSources, engine, base),
    docs,
    macroFiles: macroTexts.map((m) => ({ file: m.file, ...(m.package ? { package: m.package } : {}) })),
    warnings,
    macros: macroTexts.flatMap((m) => readMacroDefinitions(m.package ?? name, m.file, m.text)),
    packages: packages.map((p) => ({ name: p.name, dir: p.dir })),
    selectors: selectors.selectors,
    groups,
    externals: dependencies.externals,
    parseCache: { hits: cache?.hits ?? 0, misses: cache?.misses ?? 0 },
    parseResults: modelParseResults(built.nodes, cache),
  };
  cache?.save();
  return { project, engine };
}

/** Where each hook of `which` is written (the locations are lazy: the file is parsed with positions only if one is read). */
function hookLocations(settings: { file: ProjectFile; yaml: YamlFile }, which: 'on-run-start' | 'on-run-end'): SourceLocation[] {
  const value = settings.file[which];
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map((_, i) => settings.yaml.locate([which, i])) : [settings.yaml.locate([which])];
}

/** The parse results this load recorded (reused or fresh) for enabled models that parsed cleanly. */
function modelParseResults(nodes: ReadonlyMap<string, ProjectNode>, cache: ParseCache | undefined): Map<string, ParseResult> {
  const results = new Map<string, ParseResult>();
  if (!cache) return results;
  for (const node of nodes.values()) {
    if (node.resourceType !== 'model') continue;
    const result = cache.result(node.originalFilePath, node.rawCode);
    if (result) results.set(node.uniqueId, result);
  }
  return results;
}

/** The project file's config trees, by the resource type they configure. */
const CONFIG_SECTIONS = { model: 'models', seed: 'seeds', snapshot: 'snapshots', analysis: 'analyses' } as const;
type ConfigType = keyof typeof CONFIG_SECTIONS;

function configTrees(yaml: YamlFile, diagnostics: Diagnostic[]): Record<ConfigType, { tree: ConfigTreeNode; diagnostics: Diagnostic[] }> {
  const trees = Object.fromEntries(
    Object.entries(CONFIG_SECTIONS).map(([type, section]) => [type, readConfigTree(yaml, section)]),
  ) as Record<ConfigType, { tree: ConfigTreeNode; diagnostics: Diagnostic[] }>;
  for (const tree of Object.values(trees)) diagnostics.push(...tree.diagnostics);
  return trees;
}

function readProjectYaml(file: string, shownAs: string, diagnostics: Diagnostic[]): YamlFile | undefined {
  const parsed = parseYaml(shownAs, readProjectText(file, shownAs, diagnostics));
  diagnostics.push(...parsed.diagnostics);
  return parsed.yaml;
}

/** The project file, and the two keys that find the profile, rendered before there is a target (with env_var and --vars). */
function readProjectHead(
  file: string,
  env: NodeJS.ProcessEnv,
  vars: Record<string, unknown>,
  diagnostics: Diagnostic[],
): { yaml: YamlFile; profile: string | undefined; targetPath: string | undefined; rendered: Record<string, unknown> } | undefined {
  const yaml = readProjectYaml(file, basename(file), diagnostics);
  if (!yaml) return undefined;
  const value = yaml.value !== null && typeof yaml.value === 'object' ? (yaml.value as Record<string, unknown>) : {};
  const scope = { env_var: envVarFunction(env), var: cliVarFunction(vars) };
  const rendered = Object.fromEntries(
    ['profile', 'target-path']
      .filter((k) => k in value)
      .map((k) => [k, renderYamlValues(yaml, value[k], [k], macroFreeEngine(), scope, diagnostics)]),
  );
  const text = (k: string) => (typeof rendered[k] === 'string' ? rendered[k] : undefined);
  return { yaml, profile: text('profile'), targetPath: text('target-path'), rendered };
}

/**
 * The whole project file rendered as dbt renders it (run hooks, vars and node hooks are left for
 * later), and checked; top-level keys in `done` were rendered already.
 */
function renderProjectFile(
  yaml: YamlFile,
  scope: RenderScope,
  diagnostics: Diagnostic[],
  done: Record<string, unknown> = {},
): { file: ProjectFile; yaml: YamlFile } | undefined {
  const fresh = renderYamlValues(
    yaml,
    yaml.value,
    [],
    macroFreeEngine(),
    scope,
    diagnostics,
    (p) => projectKeyRendered(p) && !(p.length === 1 && String(p[0]) in done),
  );
  const rendered = fresh !== null && typeof fresh === 'object' && !Array.isArray(fresh) ? { ...fresh, ...done } : fresh;
  const checked = validateYaml(yaml, projectFileSchema, rendered ?? {}, [], 'project file');
  diagnostics.push(...checked.diagnostics);
  // Unknown keys are reported, but loading goes on so one run shows every problem in the project.
  const usable = checked.data ?? projectFileSchema.strip().safeParse(rendered ?? {}).data;
  return usable ? { file: usable, yaml: { ...yaml, value: rendered } } : undefined;
}

/** Properties entries for resources that do not exist. */
function unappliedPatches(properties: Properties): Diagnostic[] {
  return [...properties.patches.values()]
    .filter((p) => !p.applied)
    .map((p) => diagnostic('properties-unknown-node', `'${p.props.name}' is described in ${p.file} but no such resource exists.`, p.at));
}

/** Global vars, plus the vars scoped under this project's name (dbt's `vars: {project: {...}}`). */
function projectVars(file: ProjectFile, name: string): Record<string, unknown> {
  const all = file.vars ?? {};
  const scoped = all[name];
  const global = Object.fromEntries(Object.entries(all).filter(([k]) => k !== name));
  return scoped !== null && typeof scoped === 'object' && !Array.isArray(scoped)
    ? { ...global, ...(scoped as Record<string, unknown>) }
    : global;
}

/**
 * The project's overrides of dbt's naming macros, called for every model, seed and snapshot as
 * in dbt: `generate_schema_name(custom_schema_name, node)` and its alias and database siblings.
 */
function withNaming(engine: TemplateEngine, base: RenderScope): { naming?: NodeNaming } {
  const kinds = (['schema', 'alias', 'database'] as const).filter((k) => engine.hasProjectMacro(`generate_${k}_name`));
  if (kinds.length === 0) return {};
  return {
    naming: (node) => {
      const context = {
        name: node.name,
        resource_type: node.resourceType,
        fqn: node.fqn,
        path: node.path,
        original_file_path: node.originalFilePath,
        config: node.config,
        version: null,
      };
      const out: Partial<Relation> = {};
      for (const kind of kinds) {
        const custom = kind === 'schema' ? node.config.schema : kind === 'alias' ? node.config.alias : node.config.database;
        const called = engine.callMacro(`generate_${kind}_name`, [custom ?? null, context], base);
        if (called.diagnostic) return { diagnostic: called.diagnostic };
        const value = String(called.value ?? '').trim();
        if (kind === 'alias') out.identifier = value;
        else if (value !== '') out[kind] = value;
      }
      return out;
    },
  };
}

/** Snapshot meta columns, keyed by dbt's names: dbt's own for a dbt project, strata_ otherwise. */
function snapshotColumnNames(prefix: 'dbt' | 'strata'): Record<string, string> {
  const keys = ['scd_id', 'updated_at', 'valid_from', 'valid_to', 'is_deleted'];
  return Object.fromEntries(keys.map((k) => [`dbt_${k}`, `${prefix}_${k}`]));
}

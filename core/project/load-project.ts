import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Adapter } from '../adapter/adapter.js';
import { diagnostic, throwIfErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { baseScope } from '../template/base-scope.js';
import { TemplateEngine, engineFor, type RenderScope } from '../template/engine.js';
import { envVarFunction } from '../template/base-scope.js';
import { readConfigTree, unusedConfigPaths } from './config-tree.js';
import { readDocBlocks } from './docs-blocks.js';
import { findFiles } from './files.js';
import { buildNodes, type NodeNaming } from './build-nodes.js';
import type { Relation } from '../adapter/relation.js';
import { buildTests } from './build-tests.js';
import { readMacroDefinitions } from './macro-definitions.js';
import { readSelectorsFile } from '../graph/selectors-file.js';
import { readDependencies } from './dependencies.js';
import { checkGroups } from './groups.js';
import { ParseCache, parseCacheKey } from './parse-cache.js';
import { BUILTIN_MACROS } from '../template/builtin-macros.js';
import { CROSS_DB_MACROS, NAMING_MACROS } from '../template/cross-db-macros.js';
import { checkContractDeclaration } from '../plan/contract.js';
import { buildUnitTests } from './build-unit-tests.js';
import { readProperties } from './properties.js';
import { resolveTarget } from './profiles.js';
import { projectFileSchema, type ProjectFile } from './project-file.js';
import { renderYamlStrings } from './render-yaml.js';
import type { DocBlock, Project } from './types.js';
import { parseYaml, validateYaml, type YamlFile } from './yaml-file.js';

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
}

/** The project file names Strata reads, in order of preference. */
export const PROJECT_FILE_NAMES = ['strata_project.yml', 'dbt_project.yml'] as const;

/**
 * Loads a project from disk and runs the parse pass over every node. Throws
 * {@link StrataUserError} with every problem found when the project cannot be used.
 */
export function loadProject(options: LoadOptions): Project {
  const root = resolve(options.projectDir ?? '.');
  const env = options.env ?? process.env;
  const diagnostics: Diagnostic[] = [];
  const projectFile = PROJECT_FILE_NAMES.map((n) => join(root, n)).find((f) => existsSync(f));
  if (!projectFile) {
    throwIfErrors([diagnostic('project-file-missing', `No strata_project.yml or dbt_project.yml in ${root}. Use --project-dir to point at a project.`)]);
    throw new Error('unreachable');
  }
  const settings = readProjectFile(projectFile, env, diagnostics);
  if (!settings) {
    throwIfErrors(diagnostics);
    throw new Error('unreachable: an unreadable project file always has an error');
  }
  const targetPath = resolve(root, settings.file['target-path'] ?? 'target');
  const { target, diagnostics: targetDiagnostics } = resolveTarget({ projectDir: root, targetPath, profile: settings.file.profile, profilesDir: options.profilesDir, target: options.target, env }, options.adapters);
  diagnostics.push(...targetDiagnostics);
  if (!target) {
    throwIfErrors(diagnostics);
    throw new Error('unreachable');
  }
  const name = settings.file.name;
  const vars = { ...projectVars(settings.file, name), ...options.vars };
  const paths = resourcePaths(settings.file);

  // Generic tests ({% test %} blocks) live in macro paths or test-paths/generic, as in dbt.
  const macroFiles = [...findFiles(root, paths.macros, ['.sql']), ...findFiles(root, paths.tests.map((t) => `${t}/generic`), ['.sql'])];
  const macroTexts = macroFiles.map((f) => ({ file: f.fromRoot, text: readFileSync(f.absolute, 'utf8') }));
  const engine = new TemplateEngine(macroTexts);
  diagnostics.push(...engine.diagnostics);

  const docs = new Map<string, DocBlock>();
  for (const f of findFiles(root, paths.docs, ['.md'])) diagnostics.push(...readDocBlocks(f.fromRoot, readFileSync(f.absolute, 'utf8'), docs));

  const yamlFiles = findFiles(root, [...new Set([...paths.models, ...paths.seeds, ...paths.snapshots, ...paths.analyses])], ['.yml', '.yaml']);
  const targetScope = { ...target.info, name: target.targetName, profile_name: target.profileName };
  const base = baseScope({ projectName: name, vars, target: targetScope, env, execute: false });
  // Everything a parse result depends on besides the template's own text and the env vars it reads.
  const cache = options.parseCache === false ? undefined : new ParseCache(join(targetPath, 'partial_parse.json'), parseCacheKey({ settings: settings.file, macros: macroTexts, builtins: [...BUILTIN_MACROS, CROSS_DB_MACROS, NAMING_MACROS], vars, target: targetScope, name }), env);
  const { properties, diagnostics: propDiagnostics } = readProperties(yamlFiles, { packageName: name, engine, docs, scope: base, ...(target.info.database ? { database: target.info.database } : {}) });
  diagnostics.push(...propDiagnostics);

  const modelTree = readConfigTree(settings.yaml, 'models');
  const seedTree = readConfigTree(settings.yaml, 'seeds');
  const snapshotTree = readConfigTree(settings.yaml, 'snapshots');
  diagnostics.push(...modelTree.diagnostics, ...seedTree.diagnostics, ...snapshotTree.diagnostics);
  const built = buildNodes({
    root, packageName: name, engine, base, target: target.info, properties, ...(cache ? { cache } : {}),
    trees: { model: modelTree.tree, seed: seedTree.tree, snapshot: snapshotTree.tree },
    files: { models: findFiles(root, paths.models, ['.sql']), seeds: findFiles(root, paths.seeds, ['.csv']), snapshots: findFiles(root, paths.snapshots, ['.sql']) },
    snapshotColumns: snapshotColumnNames(basename(projectFile) === 'dbt_project.yml' ? 'dbt' : 'strata'),
    ...withNaming(engine, base),
  });
  diagnostics.push(...built.diagnostics);
  const testSection = settings.file.data_tests ? 'data_tests' : 'tests';
  const testTree = readConfigTree(settings.yaml, testSection);
  diagnostics.push(...testTree.diagnostics);
  const genericDir = new Set(paths.tests.map((t) => `${t}/generic/`));
  const tests = buildTests({
    packageName: name, engine, base, tree: testTree.tree, nodes: built.nodes.values(), sources: properties.sources, ...(cache ? { cache } : {}),
    singular: findFiles(root, paths.tests, ['.sql']).filter((f) => ![...genericDir].some((g) => f.fromRoot.startsWith(g))),
    auditRelation: (testName, config) => ({ ...(target.info.database ? { database: target.info.database } : {}), schema: `${target.info.schema}_${config.schema ?? 'dbt_test__audit'}`, identifier: config.alias ?? testName }),
  });
  const unitTests = buildUnitTests(properties.unitTests, built.nodes, name);
  diagnostics.push(...tests.diagnostics, ...unitTests.diagnostics);
  for (const node of [...tests.nodes, ...unitTests.nodes]) {
    const clash = built.nodes.get(node.uniqueId);
    if (clash) diagnostics.push(diagnostic('duplicate-node', `Two tests are named '${node.name}' (${clash.originalFilePath} and ${node.originalFilePath}); give one a 'name:'.`, { file: node.originalFilePath, line: 1, column: 1 }));
    else (node.config.enabled ? built.nodes : built.disabled).set(node.uniqueId, node);
  }
  diagnostics.push(...unusedConfigPaths(testTree.tree, testSection));
  diagnostics.push(...unusedConfigPaths(modelTree.tree, 'models'), ...unusedConfigPaths(seedTree.tree, 'seeds'), ...unusedConfigPaths(snapshotTree.tree, 'snapshots'));
  for (const patch of properties.patches.values()) {
    if (!patch.applied) diagnostics.push(diagnostic('properties-unknown-node', `'${patch.props.name}' is described in ${patch.file} but no such resource exists.`, patch.at));
  }
  const selectors = readSelectorsFile(root);
  diagnostics.push(...selectors.diagnostics);
  const dependencies = readDependencies(root);
  diagnostics.push(...dependencies.diagnostics);
  const groups = new Map(properties.groups.map((g) => [g.name, g]));
  diagnostics.push(...checkGroups(built.nodes, groups));
  for (const node of built.nodes.values()) diagnostics.push(...checkContractDeclaration(node));
  const warnings = throwIfErrors(diagnostics);
  const project: Project = {
    root, name, projectFile, settings: settings.file, targetPath, target, vars,
    nodes: built.nodes, disabled: built.disabled,
    sources: new Map(properties.sources.map((s) => [s.uniqueId, s])),
    docs, macroFiles: macroFiles.map((f) => f.fromRoot), warnings,
    macros: macroTexts.flatMap((m) => readMacroDefinitions(name, m.file, m.text)),
    selectors: selectors.selectors,
    groups,
    externals: dependencies.externals,
    parseCache: { hits: cache?.hits ?? 0, misses: cache?.misses ?? 0 },
    parseResult: (file, text) => cache?.result(file, text),
  };
  engineFor(project, () => engine);
  cache?.save();
  return project;
}

function readProjectFile(file: string, env: NodeJS.ProcessEnv, diagnostics: Diagnostic[]): { file: ProjectFile; yaml: YamlFile } | undefined {
  const parsed = parseYaml(basename(file), readFileSync(file, 'utf8'));
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.yaml) return undefined;
  // Hooks and vars are rendered later, in their own context; everything else may use env_var().
  const deferred = new Set(['on-run-start', 'on-run-end', 'vars', 'models', 'seeds', 'snapshots', 'tests', 'data_tests']);
  const rendered = renderYamlStrings(parsed.yaml, new TemplateEngine([]), { env_var: envVarFunction(env) }, diagnostics, (p) => p.length === 1 && deferred.has(String(p[0])));
  const checked = validateYaml(parsed.yaml, projectFileSchema, rendered ?? {}, [], 'project file');
  diagnostics.push(...checked.diagnostics);
  // Unknown keys are reported, but loading goes on so one run shows every problem in the project.
  const usable = checked.data ?? projectFileSchema.strip().safeParse(rendered ?? {}).data;
  return usable ? { file: usable, yaml: { ...parsed.yaml, value: rendered } } : undefined;
}

/** Global vars, plus the vars scoped under this project's name (dbt's `vars: {project: {...}}`). */
function projectVars(file: ProjectFile, name: string): Record<string, unknown> {
  const all = file.vars ?? {};
  const scoped = all[name];
  const global = Object.fromEntries(Object.entries(all).filter(([k]) => k !== name));
  return scoped !== null && typeof scoped === 'object' && !Array.isArray(scoped) ? { ...global, ...(scoped as Record<string, unknown>) } : global;
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
      const context = { name: node.name, resource_type: node.resourceType, fqn: node.fqn, path: node.path, original_file_path: node.originalFilePath, config: node.config, version: null };
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

/** Folders for each kind of resource, with dbt's defaults. */
export function resourcePaths(file: ProjectFile) {
  const models = file['model-paths'] ?? ['models'];
  return {
    models,
    seeds: file['seed-paths'] ?? ['seeds'],
    macros: file['macro-paths'] ?? ['macros'],
    tests: file['test-paths'] ?? ['tests'],
    snapshots: file['snapshot-paths'] ?? ['snapshots'],
    analyses: file['analysis-paths'] ?? ['analyses'],
    docs: file['docs-paths'] ?? [...models, ...(file['seed-paths'] ?? ['seeds']), ...(file['macro-paths'] ?? ['macros']), 'docs'],
  };
}

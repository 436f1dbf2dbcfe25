import type { TargetInfo } from '../adapter/adapter.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { RenderScope, TemplateEngine } from '../template/engine.js';
import { buildNodes, type NodeNaming } from './build-nodes.js';
import { buildTests, type BuildTestsInput } from './build-tests.js';
import type { SourceConfigLevel } from './source-config.js';
import type { ConfigTreeNode } from './config-tree.js';
import { findFiles } from './files.js';
import type { PartialNodeConfig } from './node-config.js';
import type { ParseCache } from './parse-cache.js';
import type { ProjectFile } from './project-file.js';
import { readProperties, type Properties } from './properties.js';
import type { DocBlock, ProjectNode } from './types.js';
import type { YamlFile } from './yaml-file.js';
import { resourcePaths } from './resource-paths.js';

/** The root project or an installed package: its name, folder and project file. */
export interface ResourceSet {
  name: string;
  dir: string;
  settings: { file: ProjectFile; yaml: YamlFile };
}

/** What every package's resources are loaded with. */
export interface SharedLoad {
  engine: TemplateEngine;
  base: RenderScope;
  target: TargetInfo;
  docs: Map<string, DocBlock>;
  testTree: ConfigTreeNode;
  naming: { naming?: NodeNaming };
  snapshotColumns: Record<string, string>;
  cache?: ParseCache;
  auditRelation: BuildTestsInput['auditRelation'];
  quoteColumn: BuildTestsInput['quoteColumn'];
  /** The project files' `sources:` config levels a source table's fqn goes through (see PropertiesContext). */
  sourceConfig?: (fqn: readonly string[]) => SourceConfigLevel[];
}

/**
 * One project's or package's resources: properties files, models, seeds, snapshots, analyses and
 * their data tests, named after the package (`model.<package>.<name>`), paths relative to its folder.
 */
export function loadResources(
  set: ResourceSet,
  shared: SharedLoad,
  configFor: (type: 'model' | 'seed' | 'snapshot' | 'analysis', fqn: readonly string[]) => PartialNodeConfig,
): { nodes: Map<string, ProjectNode>; disabled: Map<string, ProjectNode>; properties: Properties; diagnostics: Diagnostic[] } {
  const { dir, name } = set;
  const paths = resourcePaths(set.settings.file);
  const diagnostics: Diagnostic[] = [];
  const yamlFiles = findFiles(
    dir,
    [...new Set([...paths.models, ...paths.seeds, ...paths.snapshots, ...paths.analyses])],
    ['.yml', '.yaml'],
  );
  const { properties, diagnostics: propDiagnostics } = readProperties(yamlFiles, {
    packageName: name,
    engine: shared.engine,
    docs: shared.docs,
    scope: shared.base,
    ...(shared.target.database ? { database: shared.target.database } : {}),
    ...(shared.cache ? { cache: shared.cache } : {}),
    ...(shared.sourceConfig ? { sourceConfig: shared.sourceConfig } : {}),
    projectDir: dir,
    targetType: shared.target.type,
  });
  diagnostics.push(...propDiagnostics);
  const built = buildNodes({
    root: dir,
    packageName: name,
    engine: shared.engine,
    base: shared.base,
    target: shared.target,
    properties,
    snapshotColumns: shared.snapshotColumns,
    configFor,
    files: {
      models: findFiles(dir, paths.models, ['.sql']),
      seeds: findFiles(dir, paths.seeds, ['.csv']),
      snapshots: findFiles(dir, paths.snapshots, ['.sql']),
      analyses: findFiles(dir, paths.analyses, ['.sql']),
    },
    ...(shared.cache ? { cache: shared.cache } : {}),
    ...shared.naming,
  });
  diagnostics.push(...built.diagnostics);
  // Test folders' generic/ holds {% test %} blocks and fixtures/ unit test rows, not singular tests.
  const notSingular = paths.tests.flatMap((t) => [`${t}/generic/`, `${t}/fixtures/`]);
  const tests = buildTests({
    // Analyses are never built, so there is nothing to test (dbt ignores tests on them too).
    packageName: name,
    engine: shared.engine,
    base: shared.base,
    tree: shared.testTree,
    nodes: [...built.nodes.values()].filter((n) => n.resourceType !== 'analysis'),
    sources: properties.sources,
    auditRelation: shared.auditRelation,
    quoteColumn: shared.quoteColumn,
    singular: findFiles(dir, paths.tests, ['.sql']).filter((f) => !notSingular.some((g) => f.fromRoot.startsWith(g))),
    ...(shared.cache ? { cache: shared.cache } : {}),
  });
  diagnostics.push(...tests.diagnostics);
  for (const node of tests.nodes) {
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
  return { nodes: built.nodes, disabled: built.disabled, properties, diagnostics };
}

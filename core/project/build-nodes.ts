import { join } from 'node:path';
import type { TargetInfo } from '../adapter/adapter.js';
import type { Relation } from '../adapter/relation.js';
import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import type { RenderScope, TemplateEngine } from '../template/engine.js';
import { locateCall, type RefCall, type SourceCall } from '../template/parse-scope.js';
import { parseTemplate } from './parse-template.js';
import type { ParseCache } from './parse-cache.js';
import type { FoundFile } from './files.js';
import { finalizeConfig, mergeConfigs, nodeConfigSchema, type NodeConfig, type PartialNodeConfig } from './node-config.js';
import type { Properties } from './properties.js';
import { readSeedColumns } from './seed-columns.js';
import { readSeedSample } from './seed-file.js';
import { readSnapshotBlocks } from './snapshot-blocks.js';
import { deprecationDateText, versionColumns, versionedFiles, type VersionSpec } from './model-versions.js';
import { declarationAt } from './node-location.js';
import type { NodeProperties } from './properties-file.js';
import type { NodeType, ProjectNode } from './types.js';
import { validateYaml } from './yaml-file.js';
import { readProjectText } from './read-text.js';
import { configCallConfig, propertiesConfig } from './unrendered-config.js';

/** Inputs for turning files into nodes. */
export interface BuildNodesInput {
  root: string;
  packageName: string;
  engine: TemplateEngine;
  base: RenderScope;
  target: TargetInfo;
  properties: Properties;
  /** Config from the project file(s) for a node of this type at this fqn. */
  configFor: (type: 'model' | 'seed' | 'snapshot' | 'analysis', fqn: readonly string[]) => PartialNodeConfig;
  files: { models: FoundFile[]; seeds: FoundFile[]; snapshots: FoundFile[]; analyses: FoundFile[] };
  /** Parse results of the last load, reused for unchanged files. */
  cache?: ParseCache;
  /** Snapshot meta column names by dbt's key (dbt_ names for a dbt project, strata_ otherwise). */
  snapshotColumns: Record<string, string>;
  /** The project's own `generate_schema_name` / `generate_alias_name` / `generate_database_name`, when it overrides them. */
  naming?: NodeNaming;
}

/** Where a node is built, from the project's naming macros; undefined keeps Strata's default. */
export type NodeNaming = (node: {
  name: string;
  resourceType: NodeType;
  fqn: string[];
  path: string;
  originalFilePath: string;
  config: NodeConfig;
}) => Partial<Relation> | { diagnostic: Diagnostic };

/** Creates model, seed, snapshot and analysis nodes; SQL files go through the parse pass to find refs, sources and config. */
export function buildNodes(input: BuildNodesInput): {
  nodes: Map<string, ProjectNode>;
  disabled: Map<string, ProjectNode>;
  diagnostics: Diagnostic[];
} {
  const nodes = new Map<string, ProjectNode>();
  const disabled = new Map<string, ProjectNode>();
  const diagnostics: Diagnostic[] = [];
  const add = (node: ProjectNode, file: FoundFile): void => {
    const clash = nodes.get(node.uniqueId) ?? disabled.get(node.uniqueId);
    if (clash) {
      diagnostics.push(
        diagnostic(
          'duplicate-node',
          `Two ${node.resourceType}s are named '${node.name}': ${clash.originalFilePath} and ${file.fromRoot}. Names must be unique within a project.`,
          { file: file.fromRoot, line: 1, column: 1 },
        ),
      );
      return;
    }
    (node.config.enabled ? nodes : disabled).set(node.uniqueId, node);
  };
  const versions = versionedFiles(input.properties);
  for (const file of input.files.models) {
    const node = sqlNode(
      'model',
      file,
      baseName(file.fromFolder, '.sql'),
      readProjectText(file.absolute, file.fromRoot, diagnostics),
      input,
      diagnostics,
      versions,
    );
    if (node) add(node, file);
  }
  for (const file of input.files.seeds) add(seedNode(file, input, diagnostics), file);
  // Analyses are compiled (refs resolved) and never built, as in dbt.
  for (const file of input.files.analyses) {
    const node = sqlNode(
      'analysis',
      file,
      baseName(file.fromFolder, '.sql'),
      readProjectText(file.absolute, file.fromRoot, diagnostics),
      input,
      diagnostics,
    );
    if (node) add(node, file);
  }
  for (const file of input.files.snapshots) {
    const text = readProjectText(file.absolute, file.fromRoot, diagnostics);
    const read = readSnapshotBlocks(file.fromRoot, text);
    diagnostics.push(...read.diagnostics);
    for (const block of read.blocks) {
      const node = sqlNode('snapshot', file, block.name, block.template, input, diagnostics);
      if (node) add(finishSnapshot(node, input, diagnostics, { file: file.fromRoot, line: block.line, column: 1 }), file);
    }
  }
  // Snapshots defined in YAML (`relation: ref('x')`), as dbt 1.9 allows.
  for (const [key, patch] of input.properties.patches) {
    if (!key.startsWith('snapshots:') || patch.props.relation === undefined) continue;
    const file = { absolute: join(input.root, patch.file), fromRoot: patch.file, fromFolder: patch.fromFolder };
    const template = `select * from {{ ${patch.props.relation} }}`;
    const node = sqlNode(
      'snapshot',
      { ...file, fromFolder: file.fromFolder.replace(/[^/]+$/, `${patch.props.name}.yml`) },
      patch.props.name,
      template,
      input,
      diagnostics,
    );
    if (node) add(finishSnapshot(node, input, diagnostics, declarationAt(node)), file);
  }
  return { nodes, disabled, diagnostics };
}

/** A node whose text is a SQL template: parsed once here to find its refs, sources and config. */
function sqlNode(
  type: 'model' | 'snapshot' | 'analysis',
  file: FoundFile,
  fileName: string,
  rawCode: string,
  input: BuildNodesInput,
  diagnostics: Diagnostic[],
  versions?: ReadonlyMap<string, VersionSpec>,
): ProjectNode | undefined {
  const version = type === 'model' ? versions?.get(fileName) : undefined;
  const name = version?.model ?? fileName;
  const parsed = parseTemplate(input, file.fromRoot, rawCode, name);
  diagnostics.push(...parsed.diagnostics);
  const record = parsed.record;
  if (!record) return undefined;
  const inFile = validateYaml(
    { file: file.fromRoot, value: record.config, locate: () => locateCall(file.fromRoot, rawCode, 'config') },
    nodeConfigSchema,
    record.config,
    [],
    'config()',
  );
  diagnostics.push(...inFile.diagnostics);
  const node = makeNode(
    type,
    file,
    name,
    rawCode,
    input,
    inFile.data ?? {},
    record.refs,
    record.sources,
    diagnostics,
    [...record.macros],
    version,
  );
  node.unrenderedConfig = { ...node.unrenderedConfig, ...configCallConfig(record.config) };
  if (version && node.patchPath) {
    const patch = input.properties.patches.get(`models:${name}`);
    node.columns = versionColumns(node.columns, version, (text) => text ?? '');
    if (version.entry.description) node.description = version.entry.description;
    if (patch && version.entry.tests) node.tests = [...node.tests, ...version.entry.tests];
  }
  return node;
}

/**
 * Snapshot specifics: the `snapshot` materialization, meta column names, dbt's legacy
 * `target_schema`/`invalidate_hard_deletes`, and the configs a snapshot cannot do without
 * (missing ones reported `at` its block's tag or its properties entry).
 */
function finishSnapshot(node: ProjectNode, input: BuildNodesInput, diagnostics: Diagnostic[], at: SourceLocation): ProjectNode {
  const c = node.config;
  c.materialized = 'snapshot';
  c.snapshot_meta_column_names = { ...input.snapshotColumns, ...c.snapshot_meta_column_names };
  if (c.hard_deletes === undefined && c.invalidate_hard_deletes) c.hard_deletes = 'invalidate';
  if (c.target_schema) node.relation = { ...node.relation, schema: c.target_schema };
  if (c.target_database) node.relation = { ...node.relation, database: c.target_database };
  const need = (ok: unknown, message: string) => {
    if (!ok) diagnostics.push(diagnostic('invalid-config', `Snapshot ${node.name}: ${message}`, at));
  };
  need(c.unique_key, "'unique_key' is required.");
  need(c.strategy, "'strategy' is required: 'timestamp' (with updated_at) or 'check' (with check_cols).");
  if (c.strategy === 'timestamp') need(c.updated_at, "strategy 'timestamp' needs 'updated_at'.");
  if (c.strategy === 'check') need(c.check_cols, "strategy 'check' needs 'check_cols' (a list of columns, or 'all').");
  return node;
}

/** A seed: its columns from the file's first 1 MiB of rows (all of a smaller file); the rows stay in the file. */
function seedNode(file: FoundFile, input: BuildNodesInput, diagnostics: Diagnostic[]): ProjectNode {
  const node = makeNode('seed', file, baseName(file.fromFolder, '.csv'), '', input, {}, [], [], diagnostics);
  const sample = readSeedSample(file.absolute, file.fromRoot, diagnostics);
  const read = readSeedColumns(file.fromRoot, sample.text, node.config.column_types, node.config.delimiter);
  diagnostics.push(...read.diagnostics);
  node.seedColumns = read.columns;
  node.checksum = sample.checksum;
  if (!sample.whole) node.seedSampleRows = read.rows;
  return node;
}

function makeNode(
  type: NodeType,
  file: FoundFile,
  name: string,
  rawCode: string,
  input: BuildNodesInput,
  inFile: PartialNodeConfig,
  refs: RefCall[],
  sources: SourceCall[],
  diagnostics: Diagnostic[],
  macros: string[] = [],
  version?: VersionSpec,
): ProjectNode {
  const fqn = [input.packageName, ...fqnFolders(type, file.fromFolder), name, ...(version ? [`v${version.v}`] : [])];
  const patch = input.properties.patches.get(`${type === 'analysis' ? 'analyses' : `${type}s`}:${name}`);
  if (patch) patch.applied = true;
  const fromTree = input.configFor(type === 'seed' || type === 'snapshot' || type === 'analysis' ? type : 'model', fqn);
  const fromProps = patchConfig(patch?.props);
  // Each version is its own relation, `<model>_v<v>`, unless it sets an alias.
  const versionConfig: PartialNodeConfig = version ? mergeConfigs({ alias: `${name}_v${version.v}` }, version.entry.config ?? {}) : {};
  const config = finalizeConfig(
    mergeConfigs(fromTree, fromProps, versionConfig, inFile),
    type === 'seed' ? 'seed' : type === 'snapshot' ? 'snapshot' : 'view',
  );
  const node: ProjectNode = {
    uniqueId: `${type}.${input.packageName}.${name}${version ? `.v${version.v}` : ''}`,
    resourceType: type,
    name,
    packageName: input.packageName,
    originalFilePath: file.fromRoot,
    absolutePath: file.absolute,
    path: file.fromFolder,
    fqn,
    rawCode,
    config,
    description: patch?.description ?? '',
    columns: patch?.columns ?? {},
    tests: patch ? [...(patch.props.tests ?? []), ...(patch.props.data_tests ?? [])] : [],
    refs,
    sources,
    macros,
    relation: nodeRelation(config, name, input.target),
    unrenderedConfig: propertiesConfig(patch?.props, version?.entry.config),
  };
  const named = input.naming?.(node);
  if (named && 'diagnostic' in named) diagnostics.push(named.diagnostic);
  else if (named) node.relation = { ...node.relation, ...named };
  if (patch) {
    node.patchPath = patch.file;
    node.patchAt = patch.at;
    node.testLocators = patch.testLocators;
  }
  if (patch?.props.constraints) node.constraints = patch.props.constraints;
  // A contract's foreign key to `ref('x')` makes x a parent: it must exist before this table.
  for (const c of [...(node.constraints ?? []), ...Object.values(node.columns).flatMap((col) => col.constraints)]) {
    const target = c.type === 'foreign_key' && c.to ? /^\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(c.to) : null;
    if (target && !node.refs.some((r) => r.name === target[1] && r.package === undefined))
      node.refs.push({ name: target[1] as string, at: patch?.at ?? { file: file.fromRoot, line: 1, column: 1 } });
  }
  if (version)
    Object.assign(node, {
      version: version.v,
      latest: version.latest,
      ...(version.deprecationDate ? { deprecationDate: version.deprecationDate } : {}),
    });
  else if (type === 'model' && patch?.props.deprecation_date) node.deprecationDate = deprecationDateText(patch.props.deprecation_date);
  return node;
}

/** Top-level properties that are configs in dbt (access, group, tags, meta, docs) join the config. */
function patchConfig(props: NodeProperties | undefined): PartialNodeConfig {
  if (!props) return {};
  const lifted: PartialNodeConfig = {};
  if (props.access) lifted.access = props.access;
  if (props.group) lifted.group = props.group;
  if (props.tags) lifted.tags = props.tags;
  if (props.meta) lifted.meta = props.meta;
  if (props.docs) lifted.docs = props.docs;
  return mergeConfigs(lifted, props.config ?? {});
}

/**
 * Where a node is built, following dbt's default generate_schema_name: a custom schema is
 * appended to the target schema (`analytics_staging`), so developers never collide with prod.
 */
export function nodeRelation(config: NodeConfig, name: string, target: TargetInfo): Relation {
  const schema = config.schema ? `${target.schema}_${config.schema.trim()}` : target.schema;
  const database = config.database ?? target.database;
  const relation: Relation = { schema, identifier: config.alias ?? name };
  if (database) relation.database = database;
  return relation;
}

/**
 * The fqn parts between the package and the node's name: its folders below the resource path. A
 * snapshot block's file is one more part (dbt's SnapshotParser.get_fqn: `[project, …folders, file,
 * name]`), so `snapshots:` config and `fqn:` selection can name the file; a YAML snapshot has none.
 */
function fqnFolders(type: NodeType, fromFolder: string): string[] {
  const parts = fromFolder.split('/');
  const file = parts.pop() as string;
  return type === 'snapshot' && file.endsWith('.sql') ? [...parts, file.slice(0, -'.sql'.length)] : parts;
}

function baseName(path: string, ext: string): string {
  const file = path.split('/').pop() ?? path;
  return file.slice(0, -ext.length);
}

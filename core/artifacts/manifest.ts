import { createHash, hash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlDialect } from '../adapter/dialect.js';
import type { DependencyGraph } from '../graph/build-graph.js';
import type { NodeConfig } from '../project/node-config.js';
import type { ColumnDef, ConstraintDef, ExternalNode, Project, ProjectNode, SourceDefinition } from '../project/types.js';
import { artifactMetadata, type InvocationInfo } from './run-results.js';

/** The dbt artifact version Strata's manifest.json follows. */
export const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';

/** Everything the manifest is made from. */
export interface ManifestInput {
  project: Project;
  dag: DependencyGraph;
  dialect: SqlDialect;
  invocation: InvocationInfo;
  /** Environment: `STRATA_ENV_CUSTOM_ENV_*` / `DBT_ENV_CUSTOM_ENV_*` are recorded in metadata.env. */
  env?: NodeJS.ProcessEnv;
  /** Compiled SQL by node id, when this command compiled nodes. */
  compiled?: ReadonlyMap<string, string>;
}

/** sha256 of a file's text, as dbt records it. */
export function checksum(text: string): { name: string; checksum: string } {
  return { name: 'sha256', checksum: hash('sha256', text, 'hex') };
}

/** target/manifest.json in dbt's v12 shape: how other tools and other teams see the project. */
export function manifestArtifact(input: ManifestInput): Record<string, unknown> {
  const { sections, nodeEntries } = manifestParts(input);
  return { ...sections, nodes: Object.fromEntries(nodeEntries()) };
}

/**
 * The manifest with its node entries made one at a time, for {@link writeManifest}: an entry
 * written as soon as it is made dies young, where 10,000 entries held until the end were copied
 * by the garbage collector into the old generation, a large share of a big project's compile.
 */
export interface ManifestParts {
  /** Every section in order; `nodes` is a placeholder. */
  sections: Record<string, unknown>;
  /** The `nodes` section's entries, made while iterated. */
  nodeEntries: () => Iterable<[id: string, entry: unknown]>;
}

/** The manifest's sections, and its node entries made on demand (see {@link ManifestParts}). */
export function manifestParts({ project, dag, dialect, invocation, compiled, env = process.env }: ManifestInput): ManifestParts {
  const parentMap: Record<string, string[]> = {};
  const childMap: Record<string, string[]> = {};
  for (const id of dag.graph.nodes()) {
    parentMap[id] = [...new Set((dag.graph.predecessors(id) as string[] | undefined) ?? [])].sort();
    childMap[id] = [...new Set((dag.graph.successors(id) as string[] | undefined) ?? [])].sort();
  }
  // A macro a node calls by name, as its unique id (macros of dbt's own namespace otherwise).
  const macroIds = new Map<string, string>();
  for (const m of project.macros) if (!macroIds.has(m.name)) macroIds.set(m.name, m.uniqueId);
  const unitTests: Record<string, unknown> = {};
  for (const node of project.nodes.values()) if (node.resourceType === 'unit_test') unitTests[node.uniqueId] = unitTestEntry(project, node);
  function* nodeEntries(): Generator<[string, unknown]> {
    for (const node of project.nodes.values()) {
      if (node.resourceType !== 'unit_test') yield [node.uniqueId, nodeEntry(project, node, dialect, compiled?.get(node.uniqueId), parentMap[node.uniqueId] ?? [], macroIds)];
    }
    // Models of upstream projects this project refs, so lineage tools see them (marked by package).
    for (const external of project.externals.values()) if (dag.graph.hasNode(external.uniqueId)) yield [external.uniqueId, externalEntry(external, dialect)];
  }
  const disabled: Record<string, unknown[]> = {};
  for (const node of project.disabled.values()) if (node.resourceType !== 'unit_test') disabled[node.uniqueId] = [nodeEntry(project, node, dialect, undefined, [], macroIds)];
  const sections = {
    metadata: manifestMetadata(project.name, project.target.type, invocation, env),
    nodes: null,
    sources: Object.fromEntries([...project.sources.values()].map((s) => [s.uniqueId, sourceEntry(s, dialect)])),
    macros: Object.fromEntries(project.macros.map((m) => [m.uniqueId, { name: m.name, resource_type: 'macro', package_name: project.name, path: m.file, original_file_path: m.file, unique_id: m.uniqueId, macro_sql: m.sql, depends_on: { macros: [] }, description: '', meta: {}, docs: { show: true, node_color: null }, patch_path: null, arguments: [], created_at: 0, supported_languages: null }])),
    docs: Object.fromEntries([...project.docs.values()].map((d) => [`doc.${project.name}.${d.name}`, { name: d.name, resource_type: 'doc', package_name: project.name, path: d.file, original_file_path: d.file, unique_id: `doc.${project.name}.${d.name}`, block_contents: d.content }])),
    exposures: {},
    metrics: {},
    groups: Object.fromEntries([...project.groups.values()].map((g) => [`group.${project.name}.${g.name}`, { name: g.name, resource_type: 'group', package_name: project.name, path: g.file, original_file_path: g.file, unique_id: `group.${project.name}.${g.name}`, owner: g.owner, description: g.description, config: { meta: {} } }])),
    selectors: {},
    disabled,
    parent_map: parentMap,
    child_map: childMap,
    group_map: groupMap(project),
    saved_queries: {},
    semantic_models: {},
    unit_tests: unitTests,
    functions: {},
  };
  return { sections, nodeEntries };
}

/** A model of an upstream project (dependencies.yml) that this project refs. */
function externalEntry(external: ExternalNode, dialect: SqlDialect): Record<string, unknown> {
  const r = external.relation;
  return {
    database: r.database ?? null, schema: r.schema, name: external.name, resource_type: 'model', package_name: external.project, path: `${external.name}.sql`,
    original_file_path: `${external.name}.sql`, unique_id: external.uniqueId, fqn: [external.project, external.name], alias: r.identifier, checksum: { name: 'none', checksum: '' },
    config: { enabled: true, materialized: 'external', access: external.access }, tags: [], description: external.description, columns: Object.fromEntries(Object.values(external.columns).map((c) => [c.name, columnEntry(c)])),
    meta: {}, group: external.group ?? null, docs: { show: true, node_color: null }, patch_path: null, build_path: null, unrendered_config: {}, created_at: 0,
    relation_name: dialect.qualify(r), raw_code: '', doc_blocks: [], language: 'sql', refs: [], sources: [], metrics: [], functions: [], depends_on: { macros: [], nodes: [] },
    compiled_path: null, contract: { enforced: false, alias_types: true, checksum: null }, access: external.access, constraints: [], version: external.version ?? null, latest_version: null, deprecation_date: external.deprecationDate ?? null,
  };
}

/** The manifest's `metadata` section. */
export function manifestMetadata(projectName: string, adapterType: string, invocation: InvocationInfo, env: NodeJS.ProcessEnv): Record<string, unknown> {
  return {
    ...artifactMetadata(MANIFEST_SCHEMA, invocation, customEnv(env)),
    project_name: projectName,
    project_id: createHash('md5').update(projectName).digest('hex'),
    user_id: null,
    send_anonymous_usage_stats: false,
    adapter_type: adapterType,
  };
}

/** Byte ranges in manifest.json of the metadata and of each node's entry, so one can be replaced in place. */
export interface ManifestLayout {
  metadata: [start: number, end: number];
  nodes: Record<string, [start: number, end: number]>;
}

/** Writes target/manifest.json; returns its path and where the metadata and node entries are in it. */
export function writeManifest(project: Project, manifest: ManifestParts): { file: string; layout: ManifestLayout } {
  mkdirSync(project.targetPath, { recursive: true });
  const file = join(project.targetPath, 'manifest.json');
  // Written a section (and, for nodes, an entry) at a time: one JSON string of a large project's
  // manifest would be tens of megabytes held in memory at once.
  // Many small writes are slow, so pieces are gathered into chunks of about a megabyte.
  const fd = openSync(file, 'w');
  const layout: ManifestLayout = { metadata: [0, 0], nodes: {} };
  let chunk: string[] = [];
  let size = 0;
  let offset = 0;
  /** Adds text; returns its byte range in the file. */
  const put = (text: string, force = false): [number, number] => {
    const start = offset;
    offset += Buffer.byteLength(text);
    chunk.push(text);
    size += text.length;
    if (size > 1_000_000 || force) {
      writeSync(fd, chunk.join(''));
      chunk = [];
      size = 0;
    }
    return [start, offset];
  };
  try {
    put('{');
    Object.entries(manifest.sections).forEach(([key, value], i) => {
      put(`${i ? ',' : ''}${JSON.stringify(key)}:`);
      if (key === 'nodes') {
        put('{');
        let j = 0;
        for (const [id, node] of manifest.nodeEntries()) {
          put(`${j++ ? ',' : ''}${JSON.stringify(id)}:`);
          layout.nodes[id] = put(JSON.stringify(node));
        }
        put('}');
      } else {
        const range = put(JSON.stringify(value));
        if (key === 'metadata') layout.metadata = range;
      }
    });
    put('}', true);
  } finally {
    closeSync(fd);
  }
  return { file, layout };
}

function nodeEntry(project: Project, node: ProjectNode, dialect: SqlDialect, compiledCode: string | undefined, parents: readonly string[], macroIds: ReadonlyMap<string, string>): Record<string, unknown> {
  const r = node.relation;
  const config = node.config;
  const built = node.resourceType !== 'test' && config.materialized !== 'ephemeral';
  // Properties are added in the same order for every node (no Object.assign of fresh objects):
  // V8 then shares one chain of hidden classes, which matters at 10,000 nodes.
  const entry: Record<string, unknown> = {
    database: r.database ?? null,
    schema: r.schema,
    name: node.name,
    resource_type: node.resourceType,
    package_name: node.packageName,
    path: node.path,
    original_file_path: node.originalFilePath,
    unique_id: node.uniqueId,
    fqn: node.fqn,
    alias: r.identifier,
    checksum: checksum(node.rawCode),
    config: manifestConfig(config),
    tags: config.tags,
    description: node.description,
    columns: columnEntries(node.columns),
    meta: config.meta,
    group: config.group ?? null,
    docs: { show: config.docs?.show ?? true, node_color: config.docs?.node_color ?? null },
    patch_path: node.patchPath ? `${project.name}://${node.patchPath}` : null,
    build_path: null,
    unrendered_config: {},
    created_at: 0,
    relation_name: built ? dialect.qualify(r) : null,
    raw_code: node.resourceType === 'seed' ? '' : node.rawCode,
    doc_blocks: [],
  };
  if (node.resourceType === 'seed') {
    entry.root_path = project.root;
    entry.depends_on = { macros: [] };
    return entry;
  }
  entry.language = 'sql';
  entry.refs = node.refs.map((ref) => ({ name: ref.name, package: ref.package ?? null, version: ref.version ?? null }));
  entry.sources = node.sources.map((s) => [s.source, s.table]);
  entry.metrics = [];
  entry.functions = [];
  entry.depends_on = { macros: node.macros.map((m) => macroIds.get(m) ?? `macro.dbt.${m}`).sort(), nodes: parents.filter((p) => !p.startsWith('unit_test.')) };
  entry.compiled_path = compiledCode === undefined ? null : `target/compiled/${node.packageName}/${node.originalFilePath}`;
  entry.compiled = compiledCode !== undefined;
  if (compiledCode !== undefined) {
    entry.compiled_code = compiledCode;
    entry.extra_ctes_injected = true;
    entry.extra_ctes = [];
  }
  entry.contract = { enforced: config.contract?.enforced ?? false, alias_types: config.contract?.alias_types ?? true, checksum: null };
  if (node.resourceType === 'model') {
    entry.access = config.access ?? 'protected';
    entry.constraints = (node.constraints ?? []).map(constraintEntry);
    entry.version = node.version ?? null;
    entry.latest_version = node.version === undefined ? null : latestVersion(project, node.name) ?? null;
    entry.deprecation_date = node.deprecationDate ?? null;
  }
  const test = node.test;
  if (node.resourceType === 'test' && test?.kind === 'generic') {
    const attached = test.attachedNode;
    entry.test_metadata = { name: test.testName, kwargs: { ...test.kwargs, ...(test.columnName !== undefined ? { column_name: test.columnName } : {}) }, namespace: test.namespace ?? null };
    entry.column_name = test.columnName ?? null;
    entry.file_key_name = attached?.startsWith('source.') ? `sources.${attached.split('.')[2]}` : `models.${attached?.split('.').pop() ?? ''}`;
    entry.attached_node = attached?.startsWith('source.') ? null : attached ?? null;
  }
  return entry;
}

function columnEntries(columns: Record<string, ColumnDef>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of Object.values(columns)) out[c.name] = columnEntry(c);
  return out;
}

/** The latest version of a versioned model (looked up once per model name). */
const latestVersions = new WeakMap<Project, Map<string, string | number | undefined>>();
function latestVersion(project: Project, name: string): string | number | undefined {
  let byName = latestVersions.get(project);
  if (!byName) {
    byName = new Map();
    for (const n of project.nodes.values()) if (n.latest && !byName.has(n.name)) byName.set(n.name, n.version);
    latestVersions.set(project, byName);
  }
  return byName.get(name);
}

function unitTestEntry(project: Project, node: ProjectNode): Record<string, unknown> {
  const info = node.unitTest;
  const rows = (r: { format: string; rows: unknown }) => ({ rows: r.rows, format: r.format, fixture: null });
  return {
    model: project.nodes.get(info?.model ?? '')?.name ?? '',
    given: [...(info?.given ?? new Map())].map(([key, r]) => ({ input: inputText(key), ...rows(r) })),
    expect: info ? rows(info.expect) : { rows: [], format: 'dict', fixture: null },
    name: node.name,
    resource_type: 'unit_test',
    package_name: node.packageName,
    path: node.originalFilePath,
    original_file_path: node.originalFilePath,
    unique_id: node.uniqueId,
    fqn: node.fqn,
    description: node.description,
    overrides: info ? { macros: info.macros, vars: info.vars, env_vars: {} } : null,
    depends_on: { macros: [], nodes: info ? [info.model] : [] },
    config: { tags: node.config.tags, meta: node.config.meta, enabled: node.config.enabled },
    checksum: null,
    schema: node.relation.schema,
    created_at: 0,
    versions: null,
    version: null,
  };
}

function inputText(key: string): string {
  if (key === 'this') return 'this';
  if (key.startsWith('ref:')) return `ref('${key.slice(4)}')`;
  const [source, table] = key.slice('source:'.length).split('.');
  return `source('${source}', '${table}')`;
}

function sourceEntry(s: SourceDefinition, dialect: SqlDialect): Record<string, unknown> {
  return {
    database: s.relation.database ?? null,
    schema: s.relation.schema,
    name: s.name,
    resource_type: 'source',
    package_name: s.packageName,
    path: s.originalFilePath,
    original_file_path: s.originalFilePath,
    unique_id: s.uniqueId,
    fqn: s.fqn,
    source_name: s.sourceName,
    source_description: '',
    loader: s.loader,
    identifier: s.relation.identifier,
    quoting: { database: null, schema: null, identifier: null, column: null },
    loaded_at_field: null,
    freshness: null,
    external: null,
    description: s.description,
    columns: Object.fromEntries(Object.values(s.columns).map((c) => [c.name, columnEntry(c)])),
    meta: s.meta,
    source_meta: {},
    tags: s.tags,
    config: { enabled: true, event_time: (s.meta.event_time as string | undefined) ?? null },
    patch_path: null,
    unrendered_config: {},
    relation_name: dialect.qualify(s.relation),
    created_at: 0,
    doc_blocks: [],
  };
}

function columnEntry(c: ColumnDef): Record<string, unknown> {
  return { name: c.name, description: c.description, meta: c.meta, data_type: c.dataType ?? null, constraints: c.constraints.map(constraintEntry), quote: null, tags: c.tags, granularity: null, doc_blocks: [] };
}

function constraintEntry(c: ConstraintDef): Record<string, unknown> {
  return { type: c.type, name: c.name ?? null, expression: c.expression ?? null, warn_unenforced: true, warn_unsupported: true, to: c.to ?? null, to_columns: c.to_columns ?? [], ...(c.columns ? { columns: c.columns } : {}) };
}

/** Config as dbt writes it: hooks under `pre-hook`/`post-hook` as objects, dates as text. */
export function manifestConfig(config: NodeConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in config) {
    const value = (config as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (key === 'pre_hook' || key === 'post_hook') {
      out[key.replace('_', '-')] = (value as string[]).map((sql, index) => ({ sql, transaction: true, index }));
    } else out[key] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

/** The inverse of {@link manifestConfig}: a node's config read back from its manifest entry. */
export function configFromManifest(config: Record<string, unknown>): NodeConfig {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'pre-hook' || key === 'post-hook') out[key.replace('-', '_')] = (value as { sql: string }[]).map((h) => h.sql);
    else out[key] = value;
  }
  return out as unknown as NodeConfig;
}

/** dbt's custom-env convention: `DBT_ENV_CUSTOM_ENV_X=v` (or STRATA_...) is recorded as `{X: v}`. */
export function customEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  // Only matching variables are read (a recording environment then knows which ones were used).
  for (const key of Object.keys(env)) {
    const match = /^(?:DBT|STRATA)_ENV_CUSTOM_ENV_(.+)$/.exec(key);
    const value = match ? env[key] : undefined;
    if (match && value !== undefined) out[match[1] as string] = value;
  }
  return out;
}

function groupMap(project: Project): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const node of project.nodes.values()) {
    const group = node.config.group;
    if (group) (out[group] ??= []).push(node.uniqueId);
  }
  return out;
}

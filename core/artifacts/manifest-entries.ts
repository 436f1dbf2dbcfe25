import { hash } from 'node:crypto';
import type { SqlDialect } from '../adapter/dialect.js';
import { checksum } from '../project/checksum.js';
import { DBT_CONFIG_DEFAULTS, NO_FRESHNESS } from '../project/dbt-config-defaults.js';
import { manifestConfig } from '../project/node-config-json.js';
import type {
  ColumnDef,
  ConstraintDef,
  ExposureDefinition,
  ExternalNode,
  Project,
  ProjectNode,
  SourceDefinition,
} from '../project/types.js';
import { testMetadata } from '../project/test-identity.js';
import { unitTestSpec } from '../project/unit-test-spec.js';

// The manifest's entries, one function per kind of resource, in dbt's v12 shapes.

/** What a node's entry reads of its project. */
export type EntryProject = Pick<Project, 'name' | 'root' | 'nodes'>;

export function nodeEntry(
  project: EntryProject,
  node: ProjectNode,
  dialect: SqlDialect,
  compiledCode: string | undefined,
  parents: readonly string[],
  macroIds: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const r = node.relation;
  const config = node.config;
  const built = node.resourceType !== 'test' && node.resourceType !== 'analysis' && config.materialized !== 'ephemeral';
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
    checksum: node.checksum ?? checksum(node.rawCode),
    config: manifestConfig(config, node.resourceType, node.version === undefined ? undefined : `${node.name}_v${node.version}`),
    tags: config.tags,
    description: node.description,
    columns: columnEntries(node.columns),
    meta: config.meta,
    group: config.group ?? null,
    docs: { show: config.docs?.show ?? true, node_color: config.docs?.node_color ?? null },
    patch_path: node.patchPath ? `${node.packageName}://${node.patchPath}` : null,
    build_path: null,
    unrendered_config: node.unrenderedConfig ?? {},
    created_at: 0,
    relation_name: built ? dialect.qualify(r) : null,
    raw_code: node.resourceType === 'seed' ? '' : node.rawCode,
    doc_blocks: [],
  };
  if (node.resourceType === 'seed') {
    // The folder of the project or package the seed belongs to: its path less the part inside it.
    entry.root_path = node.absolutePath.endsWith(node.originalFilePath)
      ? node.absolutePath.slice(0, -node.originalFilePath.length).replace(/[\\/]$/, '')
      : project.root;
    entry.depends_on = { macros: [] };
    return entry;
  }
  entry.language = 'sql';
  entry.refs = node.refs.map((ref) => ({ name: ref.name, package: ref.package ?? null, version: ref.version ?? null }));
  entry.sources = node.sources.map((s) => [s.source, s.table]);
  entry.metrics = [];
  entry.functions = [];
  entry.depends_on = {
    macros: node.macros.map((m) => macroIds.get(m) ?? `macro.dbt.${m}`).sort(),
    nodes: parents.filter((p) => !p.startsWith('unit_test.')),
  };
  entry.compiled_path = compiledCode === undefined ? null : compiledPath(node);
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
    entry.latest_version = node.version === undefined ? null : (latestVersion(project, node.name) ?? null);
    entry.deprecation_date = node.deprecationDate ?? null;
  }
  const test = node.test;
  if (node.resourceType === 'test' && test?.kind === 'generic') {
    const attached = test.attachedNode;
    entry.test_metadata = testMetadata(test);
    entry.column_name = test.columnName ?? null;
    entry.file_key_name = fileKeyName(project, attached);
    entry.attached_node = attached?.startsWith('source.') ? null : (attached ?? null);
  }
  return entry;
}

/** Where dbt says a compiled node is: generic tests sit in a folder named after their properties file. */
function compiledPath(node: ProjectNode): string {
  const file = `target/compiled/${node.packageName}/${node.originalFilePath}`;
  return node.test?.kind === 'generic' ? `${file}/${node.path}` : file;
}

/** The properties-file key a generic test was declared under: `models.<name>`, `seeds.<name>`, `sources.<source>`, … */
function fileKeyName(project: EntryProject, attached: string | undefined): string {
  if (attached?.startsWith('source.')) return `sources.${attached.split('.')[2]}`;
  const node = attached === undefined ? undefined : project.nodes.get(attached);
  return `${node?.resourceType ?? 'model'}s.${node?.name ?? ''}`;
}

function columnEntries(columns: Record<string, ColumnDef>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of Object.values(columns)) out[c.name] = columnEntry(c);
  return out;
}

/** The latest version of a versioned model (looked up once per model name). */
const latestVersions = new WeakMap<EntryProject, Map<string, string | number | undefined>>();
function latestVersion(project: EntryProject, name: string): string | number | undefined {
  let byName = latestVersions.get(project);
  if (!byName) {
    byName = new Map();
    for (const n of project.nodes.values()) if (n.latest && !byName.has(n.name)) byName.set(n.name, n.version);
    latestVersions.set(project, byName);
  }
  return byName.get(name);
}

export function unitTestEntry(project: Project, node: ProjectNode): Record<string, unknown> {
  const info = node.unitTest;
  const { model, given, expect, overrides } = unitTestSpec(project, node);
  return {
    model,
    given,
    expect,
    name: node.name,
    resource_type: 'unit_test',
    package_name: node.packageName,
    path: node.originalFilePath,
    original_file_path: node.originalFilePath,
    unique_id: node.uniqueId,
    fqn: node.fqn,
    description: node.description,
    overrides,
    depends_on: { macros: [], nodes: info ? [info.model] : [] },
    config: { tags: node.config.tags, meta: node.config.meta, enabled: node.config.enabled },
    // What the test checks, fixture files' rows included (as dbt's checksum; not the same digest).
    checksum: hash('sha256', JSON.stringify([model, given, expect, overrides]), 'hex'),
    schema: node.relation.schema,
    created_at: 0,
    versions: null,
    version: null,
  };
}

export function sourceEntry(s: SourceDefinition, dialect: SqlDialect, enabled = true): Record<string, unknown> {
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
    source_description: s.sourceDescription,
    loader: s.loader,
    identifier: s.relation.identifier,
    quoting: { database: null, schema: null, identifier: null, column: null },
    loaded_at_field: s.loadedAtField ?? null,
    loaded_at_query: s.loadedAtQuery ?? null,
    freshness: s.freshness ?? null,
    external: null,
    description: s.description,
    columns: columnEntries(s.columns),
    meta: s.meta,
    source_meta: {},
    tags: s.tags,
    config: {
      // Disabled tables are listed apart, under the manifest's `disabled`, as dbt does.
      enabled,
      event_time: s.eventTime ?? null,
      freshness: s.freshness ?? NO_FRESHNESS,
      loaded_at_field: s.loadedAtField ?? null,
      loaded_at_query: s.loadedAtQuery ?? null,
      meta: s.meta,
      tags: s.tags,
      ...s.extraConfig,
    },
    patch_path: null,
    unrendered_config: {},
    // A file source's is the reader call source() renders, as dbt-duckdb's relation renders.
    relation_name: s.relation.readAs ?? dialect.qualify(s.relation),
    created_at: 0,
    doc_blocks: [],
  };
}

export function exposureEntry(e: ExposureDefinition, project: Pick<Project, 'sources'>): Record<string, unknown> {
  const isSource = (id: string) => id.startsWith('source.');
  return {
    name: e.name,
    resource_type: 'exposure',
    package_name: e.packageName,
    path: e.originalFilePath,
    original_file_path: e.originalFilePath,
    unique_id: e.uniqueId,
    fqn: e.fqn,
    type: e.type,
    owner: { email: null, name: null, ...e.owner },
    description: e.description,
    label: e.label ?? null,
    maturity: e.maturity ?? null,
    meta: e.meta,
    tags: e.tags,
    config: { enabled: true, tags: e.tags, meta: e.meta },
    unrendered_config: {},
    url: e.url ?? null,
    depends_on: { macros: [], nodes: e.dependsOn },
    refs: e.dependsOn.filter((id) => !isSource(id)).map((id) => ({ name: id.split('.')[2] ?? id, package: null, version: null })),
    sources: e.dependsOn.filter(isSource).flatMap((id) => {
      const s = project.sources.get(id);
      return s ? [[s.sourceName, s.name]] : [];
    }),
    metrics: [],
    created_at: 0,
  };
}

export function columnEntry(c: ColumnDef): Record<string, unknown> {
  return {
    name: c.name,
    description: c.description,
    meta: c.meta,
    data_type: c.dataType ?? null,
    constraints: c.constraints.map(constraintEntry),
    quote: c.quote ?? null,
    tags: c.tags,
    granularity: null,
    doc_blocks: [],
  };
}

function constraintEntry(c: ConstraintDef): Record<string, unknown> {
  return {
    type: c.type,
    name: c.name ?? null,
    expression: c.expression ?? null,
    warn_unenforced: true,
    warn_unsupported: true,
    to: c.to ?? null,
    to_columns: c.to_columns ?? [],
    ...(c.columns ? { columns: c.columns } : {}),
  };
}

/** A model of an upstream project (dependencies.yml) that this project refs. */
export function externalEntry(external: ExternalNode, dialect: SqlDialect): Record<string, unknown> {
  const r = external.relation;
  return {
    database: r.database ?? null,
    schema: r.schema,
    name: external.name,
    resource_type: 'model',
    package_name: external.project,
    path: `${external.name}.sql`,
    original_file_path: `${external.name}.sql`,
    unique_id: external.uniqueId,
    fqn: [external.project, external.name],
    alias: r.identifier,
    checksum: { name: 'none', checksum: '' },
    config: {
      ...DBT_CONFIG_DEFAULTS.model,
      materialized: 'external',
      access: external.access,
      ...(external.contract ? { contract: { enforced: external.contract.enforced, alias_types: external.contract.alias_types } } : {}),
      // A model published as files: where they are, as its publisher's manifest records them.
      ...(external.files
        ? {
            location: external.files.location,
            format: external.files.format,
            ...(external.files.partitionBy.length ? { partition_by: external.files.partitionBy } : {}),
          }
        : {}),
    },
    tags: [],
    description: external.description,
    columns: columnEntries(external.columns),
    meta: {},
    group: external.group ?? null,
    docs: { show: true, node_color: null },
    patch_path: null,
    build_path: null,
    unrendered_config: {},
    created_at: 0,
    // What ref() renders: the reader call over a file-published model's files, as dbt-duckdb names files.
    relation_name: r.readAs ?? dialect.qualify(r),
    raw_code: '',
    doc_blocks: [],
    language: 'sql',
    refs: [],
    sources: [],
    metrics: [],
    functions: [],
    depends_on: { macros: [], nodes: [] },
    compiled_path: null,
    // The publisher's contract: readers (and state comparison) see the guarantee the model makes.
    contract: external.contract ?? { enforced: false, alias_types: true, checksum: null },
    access: external.access,
    constraints: [],
    version: external.version ?? null,
    latest_version: null,
    deprecation_date: external.deprecationDate ?? null,
  };
}

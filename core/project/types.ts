import type { Relation } from '../adapter/relation.js';
import type { AdapterConfig, TargetInfo } from '../adapter/adapter.js';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import type { RefCall, SourceCall } from '../template/parse-scope.js';
import type { NodeConfig } from './node-config.js';
import type { SeedColumn } from './seed-columns.js';
import type { FileChecksum } from './checksum.js';
import type { NamedSelector } from './selectors-file.js';
import type { ProjectFile } from './project-file.js';
import type { ParseResult } from './parse-cache.js';
import type { FreshnessThreshold } from './freshness.js';
import type { PublishedFiles } from './published-files.js';

/** A column as documented in a properties file. */
export interface ColumnDef {
  /** Column name. */
  name: string;
  /** Description with `doc()` references rendered. */
  description: string;
  /** Declared type, when given. */
  dataType?: string;
  /** Free-form metadata. */
  meta: Record<string, unknown>;
  /** Tags. */
  tags: string[];
  /** Test entries as written (`unique`, `{accepted_values: …}`). */
  tests: unknown[];
  /** Where each of `tests` is written. */
  testLocators?: EntryLocator[];
  /** Column constraints, for enforced contracts. */
  constraints: ConstraintDef[];
  /** `quote:` as written: whether tests get the column's name quoted (dbt's column `quote`). */
  quote?: boolean;
}

/** Where an entry of a properties file, or a value inside it (a path from the entry), is written. */
export type EntryLocator = (path?: readonly PropertyKey[]) => SourceLocation;

/** A constraint from a contract: `not_null`, `unique`, `primary_key`, `check`, `foreign_key`, `custom`. */
export interface ConstraintDef {
  type: 'not_null' | 'unique' | 'primary_key' | 'foreign_key' | 'check' | 'custom';
  name?: string;
  expression?: string;
  columns?: string[];
  to?: string;
  to_columns?: string[];
}

/** Kinds of executable node. */
export type NodeType = 'model' | 'seed' | 'snapshot' | 'test' | 'unit_test' | 'analysis';

/** A project resource that Strata compiles or runs. */
export interface ProjectNode {
  /** `model.<package>.<name>` and so on. */
  uniqueId: string;
  /** What kind of node this is. */
  resourceType: NodeType;
  /** Node name (file name without extension). */
  name: string;
  /** Project or package that defines it. */
  packageName: string;
  /** File path relative to the project root. */
  originalFilePath: string;
  /** Absolute file path. */
  absolutePath: string;
  /** Path within its resource folder, e.g. `staging/stg_orders.sql`. */
  path: string;
  /** Package, folders and name: what selectors and the config tree match. */
  fqn: string[];
  /** The file text (a SQL template); empty for seeds, whose rows are read from the file when loaded. */
  rawCode: string;
  /** Seeds only: the file's checksum as dbt writes it (other nodes': the sha256 of rawCode). */
  checksum?: FileChecksum;
  /** Resolved config: project file, then properties file, then `config()` in the file. */
  config: NodeConfig;
  /** Description with `doc()` references rendered. */
  description: string;
  /** Documented columns, by name. */
  columns: Record<string, ColumnDef>;
  /** Node-level test entries as written. */
  tests: unknown[];
  /** Where each of `tests` is written. */
  testLocators?: EntryLocator[];
  /** Properties file that describes the node, relative to the project root. */
  patchPath?: string;
  /** Where the node's entry in that file starts. */
  patchAt?: SourceLocation;
  /** `ref()` calls. */
  refs: RefCall[];
  /** `source()` calls. */
  sources: SourceCall[];
  /** Macros the node calls, directly or through other macros. */
  macros: string[];
  /** Where the node is built (not used for ephemeral models and tests). */
  relation: Relation;
  /** Seeds only: the CSV's columns and their types. */
  seedColumns?: SeedColumn[];
  /** Seeds over 1 MiB only: how many rows (the file's first) the column types were inferred from. */
  seedSampleRows?: number;
  /** Versioned models: this node's version. */
  version?: string | number;
  /** Versioned models: whether an unpinned ref gets this version. */
  latest?: boolean;
  /** Versioned models: when this version stops being supported. */
  deprecationDate?: string;
  /** Model constraints (`constraints:` on the model), for enforced contracts. */
  constraints?: ConstraintDef[];
  /** Data tests only: what kind of test and what it checks. */
  test?: TestInfo;
  /** The configs the user set, before rendering, as dbt's manifest writes them (see unrendered-config.ts). */
  unrenderedConfig?: Record<string, unknown>;
  /** Unit tests only: the fixtures and expected rows. */
  unitTest?: UnitTestInfo;
}

/** A data test: generic (from YAML, e.g. `unique`) or singular (a SQL file of failing rows). */
export interface TestInfo {
  /** `generic` tests come from YAML; `singular` ones are files under the test paths. */
  kind: 'generic' | 'singular';
  /** Generic test name, e.g. `not_null`, or the namespaced name as written. */
  testName?: string;
  /** Namespace of a namespaced test (`dbt_utils.expression_is_true`). */
  namespace?: string;
  /** Arguments the test macro is called with (besides model and column_name). */
  kwargs: Record<string, unknown>;
  /** The node or source the test is declared on. */
  attachedNode?: string;
  /** dbt's `column_name`: the column the test is declared on, quoted when the column says `quote: true`. */
  columnName?: string;
  /** The column's name as declared, when `columnName` is its quoted form. */
  column?: string;
  /** Where a generic test is declared in its properties file: errors of its generated SQL point here. */
  declaredAt?: SourceLocation;
}

/** Rows given to or expected from a unit test. */
export interface UnitTestRows {
  /** How the rows were written: `dict` (a list of objects), `csv` (text with a header) or `sql` (a select). */
  format: 'dict' | 'csv' | 'sql';
  /** Dict rows as written; CSV read into rows of text (empty fields null); SQL text. */
  rows: Record<string, unknown>[] | string;
  /** The fixture file the rows were read from (`<test-path>/fixtures/<name>.csv|.sql`), if any. */
  fixture?: string;
}

/** A unit test: fixed inputs for a model's refs/sources and the rows it must return. */
export interface UnitTestInfo {
  /** The model under test (unique id). */
  model: string;
  /** Inputs keyed by what they replace: `ref:name`, `source:src.table` or `this`. */
  given: Map<string, UnitTestRows>;
  /** Expected output rows. */
  expect: UnitTestRows;
  /** Var overrides. */
  vars: Record<string, unknown>;
  /** Macro overrides; `is_incremental` is honoured. */
  macros: Record<string, unknown>;
}

/** A table declared under `sources:`. */
export interface SourceDefinition {
  /** `source.<package>.<source>.<table>`. */
  uniqueId: string;
  /** Source name. */
  sourceName: string;
  /** Table name. */
  name: string;
  /** Package that declares it. */
  packageName: string;
  /** Properties file, relative to the project root. */
  originalFilePath: string;
  /** Where the table lives. */
  relation: Relation;
  /** Description with `doc()` rendered. */
  description: string;
  /** Documented columns. */
  columns: Record<string, ColumnDef>;
  /** Tags from the project file's `sources:`, the source and the table (their `tags:` and `config: {tags}`). */
  tags: string[];
  /** Metadata from the project file's `sources:`, the source and the table, the most specific winning per key. */
  meta: Record<string, unknown>;
  /** `event_time` config: the column microbatch models filter this table on. */
  eventTime?: string;
  /** Loader named by the source. */
  loader: string;
  /** The description of the `sources:` entry the table is declared under (dbt's `source_description`). */
  sourceDescription: string;
  /** The table's or else the source's `quoting: {column: ...}`: whether its columns' tests get quoted names (unless a column says). */
  quoteColumns?: boolean;
  /** Table-level test entries as written. */
  tests: unknown[];
  /** Where each of `tests` is written. */
  testLocators?: EntryLocator[];
  /** `[package, source, table]`. */
  fqn: string[];
  /** Where the table entry is written. */
  at: SourceLocation;
  /** Freshness criteria merged from the project, the source and the table; absent when none can fire. */
  freshness?: FreshnessThreshold;
  /** Column or expression whose newest value is the table's load time (`loaded_at_field`). */
  loadedAtField?: string;
  /** A query returning the load time (`loaded_at_query`), rendered when freshness runs. */
  loadedAtQuery?: string;
  /**
   * A file source (`external_location`; `relation.readAs` reads it): the absolute paths, URLs or
   * globs read, whose newest modification time is the load time when there is no loaded_at_field.
   * Absent for a hand-written reader call whose files cannot be told.
   */
  fileLocations?: string[];
  /** Config keys beyond dbt's own (a file source's `external_location`, `format` …), kept in the manifest's `config` as dbt keeps them. */
  extraConfig?: Record<string, unknown>;
}

/** A `{% macro %}` (or `{% test %}`) defined in the project. */
export interface MacroDefinition {
  /** `macro.<package>.<name>`. */
  uniqueId: string;
  /** Macro name (`test_<name>` for a test block). */
  name: string;
  /** The project or installed package that defines it. */
  packageName: string;
  /** File relative to the project root. */
  file: string;
  /** The block's text. */
  sql: string;
}

/** A group of models with one owner (`groups:`), for `access: private`. */
export interface GroupDefinition {
  name: string;
  description: string;
  owner: { name?: string; email?: string };
  /** Properties file, relative to its project's or package's root. */
  file: string;
  at: SourceLocation;
  /** The installed package that defines it (absent: the project). */
  packageName?: string;
}

/** A model of another project, read from its published manifest (`dependencies.yml`). */
export interface ExternalNode {
  /** The upstream node's unique id (`model.<project>.<name>[.v<n>]`). */
  uniqueId: string;
  /** Upstream project. */
  project: string;
  name: string;
  version?: string | number;
  /** Whether this is the version an unpinned ref gets. */
  latest: boolean;
  access: 'private' | 'protected' | 'public';
  relation: Relation;
  description: string;
  columns: Record<string, ColumnDef>;
  group?: string;
  /** The group's entry in the upstream manifest (its owner), written into this project's manifest too. */
  groupEntry?: Record<string, unknown>;
  /** The model's contract as the upstream manifest states it (enforced, alias_types, checksum). */
  contract?: { enforced: boolean; alias_types: boolean; checksum: string | null };
  deprecationDate?: string;
  /** The manifest it came from. */
  manifestFile: string;
  /** Set when the model is published as files (`materialized: external`); `relation.readAs` then reads them. */
  files?: PublishedFiles;
  /** Why this project cannot use the model (a file model on a target that reads no files); a ref to it is an error. */
  unreadable?: string;
}

/** A `{% docs %}` block. */
export interface DocBlock {
  /** Block name. */
  name: string;
  /** Markdown text. */
  content: string;
  /** File relative to its project's or package's root. */
  file: string;
  /** The installed package that defines it (absent: the project). */
  packageName?: string;
  /** File relative to the docs folder it was found in (dbt's `path`). */
  path?: string;
}

/** The connection target chosen from profiles.yml (or the built-in DuckDB default). */
export interface ResolvedTarget {
  /** Profile name. */
  profileName: string;
  /** Target (output) name. */
  targetName: string;
  /** Adapter type. */
  type: string;
  /** Adapter-validated connection settings. */
  config: AdapterConfig;
  /** Facts shown to templates and used for default schemas. */
  info: TargetInfo;
  /** The profiles.yml used, or undefined for the built-in default. */
  profilesFile?: string;
}

/** An exposure as `ls`, selection and the manifest see it. */
export interface ExposureDefinition {
  /** `exposure.<package>.<name>`. */
  uniqueId: string;
  name: string;
  packageName: string;
  /** The properties file, relative to the project root. */
  originalFilePath: string;
  /** `[package, name]`. */
  fqn: string[];
  /** `dashboard`, `notebook`, `analysis`, `ml` or `application`. */
  type: string;
  owner: Record<string, unknown>;
  description: string;
  label: string | undefined;
  maturity: string | undefined;
  url: string | undefined;
  tags: string[];
  meta: Record<string, unknown>;
  /** Ids of the nodes and sources it depends on. */
  dependsOn: string[];
}

/** A loaded, parsed project: everything needed to build the graph. */
export interface Project {
  /** Absolute project directory. */
  root: string;
  /** Project name. */
  name: string;
  /** The project file used (strata_project.yml or dbt_project.yml). */
  projectFile: string;
  /** Its contents. */
  settings: ProjectFile;
  /** Where each `on-run-start` and `on-run-end` hook is written in the project file, in order. */
  hookLocations: Record<'on-run-start' | 'on-run-end', SourceLocation[]>;
  /** Absolute target directory for artifacts. */
  targetPath: string;
  /** The connection target. */
  target: ResolvedTarget;
  /** Vars visible to templates: project vars overridden by `--vars`. */
  vars: Record<string, unknown>;
  /** Enabled nodes by unique id. */
  nodes: Map<string, ProjectNode>;
  /** Nodes with `enabled: false`, so refs to them get a precise error. */
  disabled: Map<string, ProjectNode>;
  /** Source tables by unique id. */
  sources: Map<string, SourceDefinition>;
  /** Source tables switched off with `enabled: false`, left out of the project. */
  disabledSources?: Map<string, SourceDefinition>;
  /** Exposures (dashboards and other consumers declared under `exposures:`) by unique id. */
  exposures?: Map<string, ExposureDefinition>;
  /** Docs blocks by name. */
  docs: Map<string, DocBlock>;
  /** Macro files, relative to the project root, with the package that defines them (absent: the project). */
  macroFiles: { file: string; package?: string }[];
  /** Installed packages (strata deps), by name and folder. */
  packages: { name: string; dir: string }[];
  /** Every macro the project defines. */
  macros: MacroDefinition[];
  /** Named selectors from selectors.yml. */
  selectors: NamedSelector[];
  /** Groups by name. */
  groups: Map<string, GroupDefinition>;
  /** Public (and other) models of upstream projects, by unique id. */
  externals: Map<string, ExternalNode>;
  /** How many templates came from the parse cache, and how many were parsed. */
  parseCache: { hits: number; misses: number };
  /** The parse pass's result for each enabled model that parsed cleanly (with the parse cache on), by unique id: what later state compares against. */
  parseResults: Map<string, ParseResult>;
  /** Warnings found while loading. */
  warnings: Diagnostic[];
}

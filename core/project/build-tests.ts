import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import type { RenderScope, TemplateEngine } from '../template/engine.js';
import { configForPath, type ConfigTreeNode } from './config-tree.js';
import type { FoundFile } from './files.js';
import { finalizeConfig, mergeConfigs, nodeConfigSchema, type PartialNodeConfig } from './node-config.js';
import { callPattern, locateCall, parseScope, type ParseRecord } from '../template/parse-scope.js';
import { renderNative } from '../template/native-render.js';
import { plainValue } from './render-yaml.js';
import { TEST_KWARGS, looksLikeCall, renderTestKwargs, renderedKwarg } from './test-kwargs.js';
import { declarationAt } from './node-location.js';
import { testMacroProblem } from './test-macro-args.js';
import { testIdentity, testTarget } from './test-identity.js';
import { parseTemplate } from './parse-template.js';
import type { ParseCache } from './parse-cache.js';
import type { ColumnDef, EntryLocator, ProjectNode, SourceDefinition, TestInfo } from './types.js';
import { validateYaml } from './yaml-file.js';
import { readProjectText } from './read-text.js';
import { configCallConfig } from './unrendered-config.js';

/** Config keys dbt accepts directly among a test's arguments (older style) as well as under `config:`. */
const LIFTED_CONFIG = [
  'severity',
  'where',
  'limit',
  'warn_if',
  'error_if',
  'fail_calc',
  'store_failures',
  'store_failures_as',
  'enabled',
  'tags',
  'meta',
  'alias',
  'schema',
  'database',
];

/** Where tests come from and what they may use. */
export interface BuildTestsInput {
  packageName: string;
  engine: TemplateEngine;
  base: RenderScope;
  tree: ConfigTreeNode;
  /** Nodes tests may be declared on. */
  nodes: Iterable<ProjectNode>;
  sources: Iterable<SourceDefinition>;
  /** Singular test files (test paths, without `generic/`). */
  singular: FoundFile[];
  /** Parse results of the last load, reused for unchanged tests. */
  cache?: ParseCache;
  /** The node's relation, to give tests one for `store_failures`. */
  auditRelation: (name: string, config: PartialNodeConfig) => ProjectNode['relation'];
  /** The target adapter's identifier quoting, for columns declared with `quote: true` (dbt's `adapter.quote`). */
  quoteColumn: (name: string) => string;
}

/** A test declared on a node or source, before it becomes a node. */
interface Declared {
  entry: unknown;
  attachedNode: string;
  /** The node's or source's name, for messages. */
  attachedName: string;
  /** dbt's `column_name`: quoted when the column (or a source's `quoting`) says so. */
  columnName?: string;
  /** The column as declared, when `columnName` is quoted. */
  column?: string;
  file: string;
  /** The test entry. */
  at: SourceLocation;
  /** A value inside the test entry, e.g. an argument. */
  locate: EntryLocator;
}

/** Generic tests from properties files, and singular tests from the test paths. */
export function buildTests(input: BuildTestsInput): { nodes: ProjectNode[]; diagnostics: Diagnostic[] } {
  const declared: Declared[] = [];
  for (const node of input.nodes) {
    if (node.resourceType === 'test' || node.resourceType === 'unit_test' || !node.patchPath) continue;
    const at = declarationAt(node);
    const base = { attachedNode: node.uniqueId, attachedName: node.name, file: node.patchPath };
    node.tests.forEach((entry, k) => declared.push({ ...base, entry, ...placed(node.testLocators, k, at) }));
    for (const column of Object.values(node.columns))
      column.tests.forEach((entry, k) =>
        declared.push({ ...base, entry, ...placed(column.testLocators, k, at), ...columnOf(column, undefined, input) }),
      );
  }
  for (const source of input.sources) {
    const base = { attachedNode: source.uniqueId, attachedName: `${source.sourceName}_${source.name}`, file: source.originalFilePath };
    source.tests.forEach((entry, k) => declared.push({ ...base, entry, ...placed(source.testLocators, k, source.at) }));
    for (const column of Object.values(source.columns))
      column.tests.forEach((entry, k) =>
        declared.push({ ...base, entry, ...placed(column.testLocators, k, source.at), ...columnOf(column, source.quoteColumns, input) }),
      );
  }
  const nodes: ProjectNode[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const d of declared) {
    const node = genericTest(d, input, diagnostics);
    if (node) nodes.push(node);
  }
  for (const file of input.singular) {
    const node = singularTest(file, input, diagnostics);
    if (node) nodes.push(node);
  }
  return { nodes, diagnostics };
}

/** The k-th test entry's place, from its locator (or, without one, `fallback`). */
function placed(locators: readonly EntryLocator[] | undefined, k: number, fallback: SourceLocation): Pick<Declared, 'at' | 'locate'> {
  const locate = locators?.[k] ?? (() => fallback);
  return { at: locate(), locate };
}

function genericTest(d: Declared, input: BuildTestsInput, diagnostics: Diagnostic[]): ProjectNode | undefined {
  const entry = readEntry(d.entry);
  const parsed =
    typeof entry === 'string' ? entry : (testMacroProblem(input.engine, { ...entry, onColumn: d.columnName !== undefined }) ?? entry);
  if (typeof parsed === 'string') {
    diagnostics.push(diagnostic('invalid-test', `${d.attachedName}${d.columnName ? `.${d.columnName}` : ''}: ${parsed}`, d.at));
    return undefined;
  }
  const { testName, namespace, kwargs, customName } = parsed;
  const entryConfig = renderConfig(parsed.config, d, input, diagnostics);
  const checked = validateYaml(
    { file: d.file, value: entryConfig, locate: () => d.at },
    nodeConfigSchema,
    entryConfig,
    [],
    `config of test '${testName}'`,
  );
  diagnostics.push(...checked.diagnostics);
  const argText = Object.entries(kwargs).map(([k, v]) => `${k}=${kwargSource(k, v)}`);
  const where = (checked.data ?? {}).where ?? configForPath(input.tree, [input.packageName]).where;
  const target = testTarget(d.attachedNode).call;
  const model = where ? `__strata_where(${target}, ${templateLiteral(where)})` : target;
  // The column's name is text, never an expression of the test's template (as in dbt).
  const call = [`model=${model}`, ...(d.columnName !== undefined ? [`column_name=${JSON.stringify(d.columnName)}`] : []), ...argText].join(
    ', ',
  );
  const macro = namespace ? `${namespace}.test_${testName}` : `test_${testName}`;
  const rawCode = `{{ ${macro}(${call}) }}`;
  const info: TestInfo = {
    kind: 'generic',
    testName,
    kwargs,
    attachedNode: d.attachedNode,
    declaredAt: d.at,
    ...(namespace ? { namespace } : {}),
    ...(d.columnName !== undefined ? { columnName: d.columnName } : {}),
    ...(d.column !== undefined ? { column: d.column } : {}),
  };
  const { full: name, short, uniqueId } = testIdentity(info, input.packageName, customName);
  const config = checked.data ?? {};
  // A name too long for a table gets a short alias (and file), unless the test gives its own.
  const shortAlias = short !== name && config.alias === undefined ? { alias: short } : {};
  const node = testNode(uniqueId, name, `${short}.sql`, d.file, d.file, rawCode, { ...config, ...shortAlias }, info, input, diagnostics);
  if (node) {
    placeCalls(node, parsed, d);
    // dbt's test builder passes the entry's configs (and the short alias it gives) as a config() call.
    node.unrenderedConfig = { ...entryConfig, ...shortAlias, ...node.unrenderedConfig };
  }
  return node;
}

/**
 * A generic test's `ref()` and `source()` calls point at the argument they are written in
 * (`to: ref('customers')`), else at the test entry: its generated SQL is in no file.
 */
function placeCalls(node: ProjectNode, entry: ParsedEntry, d: Declared): void {
  const at = (fn: string, name: string): SourceLocation => {
    const key = Object.keys(entry.kwargs).find((k) => textsOf(entry.kwargs[k]).some((text) => callPattern(fn, name).test(text)));
    return key === undefined ? d.at : d.locate([...entry.at, ...(entry.underArguments.has(key) ? ['arguments'] : []), key]);
  };
  // Replaces the lazily found place (a search of the generated SQL, which is no file's text).
  for (const call of node.refs) Object.defineProperty(call, 'at', { value: at('ref', call.name), enumerable: true, configurable: true });
  for (const call of node.sources)
    Object.defineProperty(call, 'at', { value: at('source', call.table), enumerable: true, configurable: true });
}

/** Every string in a test argument (in lists and mappings too). */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  return value !== null && typeof value === 'object' && !(value instanceof Date) ? Object.values(value).flatMap(textsOf) : [];
}

/**
 * A column's `column_name` as dbt's parser makes it: quoted with the adapter's quoting when the
 * column says `quote: true`, or says nothing and its source table quotes columns; else as written,
 * which lets a column entry be an expression (and leaves a name that needs quoting to fail in SQL).
 */
function columnOf(column: ColumnDef, quoteColumns: boolean | undefined, input: BuildTestsInput): Pick<Declared, 'columnName' | 'column'> {
  if (!(column.quote ?? quoteColumns)) return { columnName: column.name };
  return { columnName: input.quoteColumn(column.name), column: column.name };
}

function singularTest(file: FoundFile, input: BuildTestsInput, diagnostics: Diagnostic[]): ProjectNode | undefined {
  const rawCode = readProjectText(file.absolute, file.fromRoot, diagnostics);
  const name = (file.fromFolder.split('/').pop() ?? file.fromFolder).replace(/\.sql$/, '');
  return testNode(
    `test.${input.packageName}.${name}`,
    name,
    file.fromFolder,
    file.fromRoot,
    file.absolute,
    rawCode,
    {},
    { kind: 'singular', kwargs: {} },
    input,
    diagnostics,
  );
}

function testNode(
  uniqueId: string,
  name: string,
  /** dbt's `path`: a singular test's file under its test path, a generic test's `<alias>.sql`. */
  path: string,
  file: string,
  absolutePath: string,
  rawCode: string,
  entryConfig: PartialNodeConfig,
  info: TestInfo,
  input: BuildTestsInput,
  diagnostics: Diagnostic[],
): ProjectNode | undefined {
  const parsed = parseTemplate(input, file, rawCode, name, { __strata_where: (relation: unknown) => relation });
  diagnostics.push(
    ...parsed.diagnostics.map((d) =>
      info.kind === 'generic' && d.code !== 'template-syntax' ? { ...d, message: `${d.message} (in test '${name}')` } : d,
    ),
  );
  const record = parsed.record;
  if (!record) return undefined;
  if (info.kind === 'generic') diagnostics.push(...recordKwargCalls(info.kwargs, record, input, file, rawCode, name));
  const inFile = validateYaml(
    { file, value: record.config, locate: () => locateCall(file, rawCode, 'config') },
    nodeConfigSchema,
    record.config,
    [],
    'config()',
  );
  diagnostics.push(...inFile.diagnostics);
  const folders = file.split('/').slice(1, -1);
  const fqn = [input.packageName, ...folders, name];
  const config = finalizeConfig(
    mergeConfigs({ severity: 'error' }, configForPath(input.tree, fqn), entryConfig, inFile.data ?? {}),
    'test',
  );
  config.materialized = 'test';
  return {
    uniqueId,
    resourceType: 'test',
    name,
    packageName: input.packageName,
    originalFilePath: file,
    absolutePath,
    path,
    fqn,
    rawCode,
    config,
    description: '',
    columns: {},
    tests: [],
    refs: record.refs,
    sources: record.sources,
    macros: [...record.macros],
    relation: input.auditRelation(name, config),
    unrenderedConfig: configCallConfig(record.config),
    test: info,
  };
}

/** A test's config (`severity`, `where`, ...) with Jinja rendered natively while parsing, as dbt's test builder does. */
function renderConfig(
  config: Record<string, unknown>,
  d: Declared,
  input: BuildTestsInput,
  diagnostics: Diagnostic[],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      if (typeof value !== 'string') return [key, value];
      const result = renderNative(input.engine, value, d.file, input.base);
      if (result.diagnostic) diagnostics.push({ ...result.diagnostic, at: d.at });
      return [key, result.diagnostic ? value : plainValue(result.value)];
    }),
  );
}

/**
 * The parse pass of a generic test's arguments with Jinja: rendered with the test's parse scope,
 * so that their `ref()`s and `source()`s become the test's dependencies, as in dbt.
 */
function recordKwargCalls(
  kwargs: Record<string, unknown>,
  record: ParseRecord,
  input: BuildTestsInput,
  file: string,
  rawCode: string,
  name: string,
): Diagnostic[] {
  if (!Object.entries(kwargs).some(([k, v]) => renderedKwarg(k, v))) return [];
  const parse = parseScope(input.base, file, rawCode, name);
  const rendered = renderTestKwargs(input.engine, kwargs, file, parse.scope);
  record.refs.push(...parse.record.refs);
  record.sources.push(...parse.record.sources);
  for (const macro of parse.record.macros) record.macros.add(macro);
  return rendered.diagnostic
    ? [{ ...rendered.diagnostic, message: `${rendered.diagnostic.message} (in an argument of test '${name}')` }]
    : [];
}

interface ParsedEntry {
  /** Where the arguments are inside the entry: under its key (`accepted_values`), or in it (with `test_name:`). */
  at: string[];
  /** Arguments given under `arguments:` rather than beside the test's configs. */
  underArguments: ReadonlySet<string>;
  testName: string;
  namespace?: string;
  kwargs: Record<string, unknown>;
  config: Record<string, unknown>;
  customName?: string;
}

/**
 * `unique`, or `{accepted_values: {values: [...], config: {...}}}`, or arguments under `arguments:`,
 * or (as dbt also reads it) `{test_name: accepted_values, name: ..., values: [...]}`.
 */
function readEntry(entry: unknown): ParsedEntry | string {
  if (typeof entry === 'string') return splitName(entry, {}, [entry]);
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
    return `a test must be a name or a mapping of one name to its arguments, got ${JSON.stringify(entry)}.`;
  const { test_name: testName, ...own } = entry as Record<string, unknown>;
  if (typeof testName === 'string') return readBody(testName, own, []);
  const keys = Object.keys(entry);
  if (keys.length !== 1) return `a test entry must have exactly one test name, got: ${keys.join(', ')}.`;
  const full = keys[0] as string;
  return readBody(full, (entry as Record<string, unknown>)[full] ?? {}, [full]);
}

function readBody(full: string, body: unknown, at: string[]): ParsedEntry | string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return `the arguments of test '${full}' must be a mapping.`;
  const { config, arguments: args, name, description: _description, ...rest } = body as Record<string, unknown>;
  const lifted = Object.fromEntries(LIFTED_CONFIG.filter((k) => k in rest).map((k) => [k, rest[k]]));
  const kwargs = {
    ...Object.fromEntries(Object.entries(rest).filter(([k]) => !LIFTED_CONFIG.includes(k))),
    ...(args as Record<string, unknown> | undefined),
  };
  const parsed = splitName(full, kwargs, at);
  if (typeof parsed === 'string') return parsed;
  if (args !== null && typeof args === 'object') parsed.underArguments = new Set(Object.keys(args));
  parsed.config = { ...lifted, ...(config as Record<string, unknown> | undefined) };
  if (typeof name === 'string') parsed.customName = name;
  return parsed;
}

function splitName(full: string, kwargs: Record<string, unknown>, at: string[]): ParsedEntry | string {
  const parts = full.split('.');
  if (parts.length > 2 || parts.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) return `'${full}' is not a valid test name.`;
  const entry = { at, underArguments: new Set<string>(), kwargs, config: {} };
  return parts.length === 2 ? { ...entry, namespace: parts[0] as string, testName: parts[1] as string } : { ...entry, testName: full };
}

/**
 * A test argument as template source. One with Jinja is rendered when the test runs and read from
 * its render's variables; `column_name` stays text, as in dbt.
 */
function kwargSource(name: string, value: unknown): string {
  if (renderedKwarg(name, value)) return `${TEST_KWARGS}[${JSON.stringify(name)}]`;
  return name === 'column_name' && typeof value === 'string' ? JSON.stringify(value) : templateLiteral(value);
}

/**
 * A YAML value as template source: strings that are a bare call stay expressions (dbt's
 * `to: ref('customers')`, see test-kwargs.ts), everything else becomes a literal.
 */
function templateLiteral(value: unknown): string {
  if (typeof value === 'string') return looksLikeCall(value) ? value.trim() : JSON.stringify(value);
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(templateLiteral).join(', ')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString().slice(0, 10));
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${JSON.stringify(k)}: ${templateLiteral(v)}`)
    .join(', ')}}`;
}

import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { TemplateCallError } from '../template/call-args.js';
import type { RenderScope, TemplateEngine } from '../template/engine.js';
import type { FoundFile } from './files.js';
import { propertiesFileSchema, type ColumnProperties, type NodeProperties, type SourceProperties } from './properties-file.js';
import type { ColumnDef, DocBlock, EntryLocator, GroupDefinition, SourceDefinition } from './types.js';
import { parseYaml, validateYaml, yamlFromValue, type YamlFile } from './yaml-file.js';
import { propertiesKeyRendered, renderYamlValues } from './render-yaml.js';
import type { ParseCache } from './parse-cache.js';
import type { UnitTestEntry } from './build-unit-tests.js';
import { readProjectText } from './read-text.js';
import { readExposures, type ExposureEntry } from './exposures.js';
import { resolveSourceConfig, type SourceConfigLevel } from './source-config.js';
import { readSourceEntryLevels } from './source-freshness-fields.js';
import { entryFileSourceLevels, fileSourceOnTarget, readFileSource } from './file-source.js';

/** A properties entry for one model/seed/snapshot, waiting to be applied to its node. */
export interface NodePatch {
  /** The entry as written. */
  props: NodeProperties;
  /** Properties file relative to the project root. */
  file: string;
  /** Properties file relative to the resource folder it was found in (its folders make fqns). */
  fromFolder: string;
  /** Where the entry is written. */
  at: SourceLocation;
  /** Description and column docs, rendered. */
  description: string;
  /** Columns, rendered. */
  columns: Record<string, ColumnDef>;
  /** Where each of the entry's own tests is written (`tests:`, then `data_tests:`). */
  testLocators: EntryLocator[];
  /** Set when a node picks the patch up. */
  applied: boolean;
}

/** Everything read from properties files. */
export interface Properties {
  /** Patches keyed `<section>:<name>`, e.g. `models:orders`. */
  patches: Map<string, NodePatch>;
  /** Declared source tables. */
  sources: SourceDefinition[];
  /** Source tables switched off (`enabled: false` in their config or the project file's `sources:`). */
  disabledSources: SourceDefinition[];
  /** `unit_tests:` entries, checked later against the models. */
  unitTests: UnitTestEntry[];
  /** `groups:` entries. */
  groups: GroupDefinition[];
  /** `exposures:` entries, checked later against the nodes and sources. */
  exposures: ExposureEntry[];
}

/** Context for turning properties entries into definitions. */
export interface PropertiesContext {
  /** Project or package name. */
  packageName: string;
  /** Template engine used to render `doc()` in descriptions. */
  engine: TemplateEngine;
  /** Docs blocks. */
  docs: Map<string, DocBlock>;
  /** Default database for sources. */
  database?: string;
  /** What Jinja in values renders with: `var()` (project and --vars), `env_var()`, `target`, `project_name`. */
  scope: RenderScope;
  /** Where parsed YAML is kept between loads. */
  cache?: ParseCache;
  /** The project files' `sources:` config levels a source table's fqn goes through, least specific first. */
  sourceConfig?: (fqn: readonly string[]) => SourceConfigLevel[];
  /** The folder of the project (or package) the files are in: relative file source locations resolve against it. */
  projectDir?: string;
  /** The target's adapter type: file sources need `duckdb`. */
  targetType?: string;
}

type Section = 'models' | 'seeds' | 'snapshots' | 'analyses';
const SECTIONS: readonly Section[] = ['models', 'seeds', 'snapshots', 'analyses'];

/** Reads and validates every properties file. */
export function readProperties(files: readonly FoundFile[], ctx: PropertiesContext): { properties: Properties; diagnostics: Diagnostic[] } {
  const properties: Properties = { patches: new Map(), sources: [], disabledSources: [], unitTests: [], groups: [], exposures: [] };
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    const text = readProjectText(f.absolute, f.fromRoot, diagnostics);
    const yaml = readYaml(f.fromRoot, text, ctx.cache, diagnostics);
    if (!yaml || yaml.value === null) continue;
    // Jinja in values (`data_type: "{{ ... }}"`, a source's `schema:`), rendered natively as dbt does.
    const rendered = renderYamlValues(yaml, yaml.value, [], ctx.engine, ctx.scope, diagnostics, propertiesKeyRendered);
    const checked = validateYaml(yaml, propertiesFileSchema, rendered, [], 'properties file');
    diagnostics.push(...checked.diagnostics);
    if (!checked.data) continue;
    const render = (text: string | undefined, path: PropertyKey[]): string =>
      renderDescription(text ?? '', ctx, yaml.locate(path), diagnostics);
    for (const section of SECTIONS) {
      (checked.data[section] ?? []).forEach((props, i) => {
        const key = `${section}:${props.name}`;
        const previous = properties.patches.get(key);
        const at = yaml.locate([section, i]);
        if (previous) {
          diagnostics.push(
            diagnostic(
              'duplicate-node',
              `'${props.name}' is described twice under '${section}:' (${previous.file}:${previous.at.line} and here).`,
              at,
            ),
          );
          return;
        }
        const columns = readColumns(props.columns ?? [], [section, i], yaml.locate, render);
        properties.patches.set(key, {
          props,
          file: f.fromRoot,
          fromFolder: f.fromFolder,
          at,
          description: render(props.description, [section, i, 'description']),
          columns,
          testLocators: testLocators(yaml.locate, [section, i], props),
          applied: false,
        });
      });
    }
    (checked.data.unit_tests ?? []).forEach((value, index) => properties.unitTests.push({ yaml, index, value }));
    properties.exposures.push(...readExposures(f.fromRoot, checked.data.exposures ?? [], yaml.locate));
    (checked.data.groups ?? []).forEach((g, index) => {
      const at = yaml.locate(['groups', index]);
      if (properties.groups.some((other) => other.name === g.name))
        diagnostics.push(diagnostic('duplicate-node', `Group '${g.name}' is defined twice.`, at));
      else
        properties.groups.push({
          name: g.name,
          description: g.description ?? '',
          owner: { ...(g.owner.name ? { name: g.owner.name } : {}), ...(g.owner.email ? { email: g.owner.email } : {}) },
          file: f.fromRoot,
          at,
        });
    });
    (checked.data.sources ?? []).forEach((source, i) => {
      for (const table of readSource(source, i, f, ctx, yaml.locate, render, diagnostics))
        (table.enabled ? properties.sources : properties.disabledSources).push(table.definition);
    });
  }
  return { properties, diagnostics };
}

/** A properties file's YAML: from the parse cache when its text is unchanged, else parsed (and cached). */
function readYaml(file: string, text: string, cache: ParseCache | undefined, diagnostics: Diagnostic[]): YamlFile | undefined {
  const cached = cache?.yamlValue(file, text);
  if (cached) return yamlFromValue(file, text, cached.value);
  const parsed = parseYaml(file, text);
  diagnostics.push(...parsed.diagnostics);
  if (parsed.yaml) cache?.putYaml(file, text, parsed.yaml.value);
  return parsed.yaml;
}

type Locate = (path: readonly PropertyKey[]) => SourceLocation;

/** Where each test of an entry (and each value in it) is written, in the order its tests are read: `tests:`, then `data_tests:`. */
function testLocators(
  locate: Locate,
  entry: readonly PropertyKey[],
  props: { tests?: readonly unknown[] | undefined; data_tests?: readonly unknown[] | undefined },
): EntryLocator[] {
  return (['tests', 'data_tests'] as const).flatMap((key) =>
    (props[key] ?? []).map(
      (_, k) =>
        (path: readonly PropertyKey[] = []) =>
          locate([...entry, key, k, ...path]),
    ),
  );
}

function readSource(
  source: SourceProperties,
  i: number,
  file: FoundFile,
  ctx: PropertiesContext,
  locate: Locate,
  render: (text: string | undefined, path: PropertyKey[]) => string,
  diagnostics: Diagnostic[],
): { definition: SourceDefinition; enabled: boolean }[] {
  // Names were rendered with the file (`schema: "{{ target.schema }}_raw"`, as in dbt).
  const schema = source.schema ?? source.name;
  const database = source.database ?? ctx.database;
  const sourceLevels = readSourceEntryLevels(source, ['sources', i], locate, diagnostics);
  const sourceDescription = render(source.description, ['sources', i, 'description']);
  return (source.tables ?? []).map((table, j) => {
    const tableLevels = readSourceEntryLevels(table, ['sources', i, 'tables', j], locate, diagnostics);
    const relation = { schema, identifier: table.identifier ?? table.name, ...(database ? { database } : {}) };
    const quoteColumns = table.quoting?.column ?? source.quoting?.column;
    // dbt's: the properties file's folders below its resource path, then source and table.
    const fqn = [ctx.packageName, ...file.fromFolder.split('/').slice(0, -1), source.name, table.name];
    // dbt's precedence: the project files' `sources:` levels, then the source, then the table.
    const projectLevels = ctx.sourceConfig?.(fqn) ?? [];
    const { enabled, eventTime, ...config } = resolveSourceConfig([...projectLevels, ...sourceLevels, ...tableLevels]);
    const at = locate(['sources', i, 'tables', j]);
    const files = readFileSource(
      [
        ...projectLevels.flatMap((level) => [{ values: level.meta ?? {} }, { values: level.files ?? {}, config: true }]),
        ...entryFileSourceLevels(source, ['sources', i], locate),
        ...entryFileSourceLevels(table, ['sources', i, 'tables', j], locate),
      ],
      { sourceName: source.name, name: table.name, identifier: relation.identifier, schema, ...(database ? { database } : {}), at },
      ctx.projectDir ?? process.cwd(),
      diagnostics,
    );
    if (files && enabled && ctx.targetType !== undefined && ctx.targetType !== 'duckdb')
      diagnostics.push(fileSourceOnTarget(files, { sourceName: source.name, name: table.name }, ctx.targetType));
    const definition = {
      uniqueId: `source.${ctx.packageName}.${source.name}.${table.name}`,
      sourceName: source.name,
      name: table.name,
      packageName: ctx.packageName,
      originalFilePath: file.fromRoot,
      relation: files ? { ...relation, readAs: files.readAs } : relation,
      description:
        table.description === undefined ? sourceDescription : render(table.description, ['sources', i, 'tables', j, 'description']),
      sourceDescription,
      columns: readColumns(table.columns ?? [], ['sources', i, 'tables', j], locate, render),
      loader: source.loader ?? '',
      tests: [...(table.tests ?? []), ...(table.data_tests ?? [])],
      testLocators: testLocators(locate, ['sources', i, 'tables', j], table),
      ...(quoteColumns !== undefined ? { quoteColumns } : {}),
      fqn,
      at,
      ...config,
      ...(eventTime ? { eventTime } : {}),
      ...(files?.locations ? { fileLocations: files.locations } : {}),
      ...(files ? { extraConfig: files.config } : {}),
    } satisfies SourceDefinition;
    return { definition, enabled };
  });
}

/** The columns of the entry at `entry` (a model's or a source table's). */
function readColumns(
  columns: readonly ColumnProperties[],
  entry: readonly PropertyKey[],
  locate: Locate,
  render: (text: string | undefined, path: PropertyKey[]) => string,
): Record<string, ColumnDef> {
  const out: Record<string, ColumnDef> = {};
  columns.forEach((c, index) => {
    const path = [...entry, 'columns', index];
    const column: ColumnDef = {
      name: c.name,
      description: render(c.description, [...path, 'description']),
      meta: { ...c.meta, ...c.config?.meta },
      tags: [...toList(c.tags), ...toList(c.config?.tags)],
      tests: [...(c.tests ?? []), ...(c.data_tests ?? [])],
      testLocators: testLocators(locate, path, c),
      constraints: c.constraints ?? [],
    };
    if (c.data_type !== undefined) column.dataType = c.data_type;
    if (c.quote !== undefined) column.quote = c.quote;
    out[c.name] = column;
  });
  return out;
}

/** Renders `{{ doc('name') }}` in a description; other text is kept as written. */
function renderDescription(text: string, ctx: PropertiesContext, at: SourceLocation, diagnostics: Diagnostic[]): string {
  if (!text.includes('{{') && !text.includes('{%')) return text;
  const doc = (name: unknown) => {
    const block = ctx.docs.get(String(name));
    if (!block)
      throw new TemplateCallError(
        'template-render',
        `Docs block '${String(name)}' is not defined.${didYouMean(String(name), ctx.docs.keys())}`,
      );
    return block.content;
  };
  const result = ctx.engine.renderString(text, at.file, { doc });
  if (result.diagnostic) {
    const code = result.diagnostic.message.startsWith('Docs block') ? 'unknown-doc' : result.diagnostic.code;
    diagnostics.push({ ...result.diagnostic, code, at });
    return text;
  }
  return result.output ?? '';
}

function toList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

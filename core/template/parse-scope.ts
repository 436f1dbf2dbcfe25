import type { SourceLocation } from '../diagnostics/diagnostic.js';
import { TemplateCallError, splitArgs, type Keywords } from './call-args.js';
import { MACRO_CALL_HOOK, type RenderScope } from './engine.js';
import { addEphemeralPrefix, placeholderRelation } from './relation-value.js';
import { columnApi } from './column-value.js';
import { Undefined, isDict } from './py-values.js';

/** A `ref()` call found in the parse pass. */
export interface RefCall {
  /** Package or project named as the first of two arguments. */
  package?: string;
  /** Model, seed or snapshot name. */
  name: string;
  /** Pinned version (`v=` or `version=`). */
  version?: string | number;
  /** Where the call is written. */
  at: SourceLocation;
}

/** A `source()` call found in the parse pass. */
export interface SourceCall {
  /** Source name. */
  source: string;
  /** Table name within the source. */
  table: string;
  /** Where the call is written. */
  at: SourceLocation;
}

/** What the parse pass learns about a node without touching the database. */
export interface ParseRecord {
  /** `ref()` calls in call order. */
  refs: RefCall[];
  /** `source()` calls in call order. */
  sources: SourceCall[];
  /** Keyword arguments of every `config()` call, merged in order. */
  config: Keywords;
  /** Names of the macros the node calls. */
  macros: Set<string>;
}

/**
 * Scope for the parse pass: ref/source/config only record their arguments, `is_incremental()`
 * is false and relations render as placeholders. `rawCode` is searched to give each call a line.
 * `extra` adds or replaces names.
 */
/** `api.Column` while parsing: dbt's base Column (no adapter is known yet). */
const PARSE_COLUMN_API = columnApi('default');

export function parseScope(
  base: RenderScope,
  file: string,
  rawCode: string,
  name: string,
  extra: RenderScope = {},
): { scope: RenderScope; record: ParseRecord } {
  const record: ParseRecord = { refs: [], sources: [], config: {}, macros: new Set() };
  const ref = (...args: unknown[]) => {
    const { positional, keywords } = splitArgs(args);
    if (positional.length < 1 || positional.length > 2)
      throw new TemplateCallError(
        'template-render',
        `ref() takes a model name, or a package and a model name; got ${positional.length} arguments.`,
      );
    const modelName = String(positional[positional.length - 1]);
    const version = (keywords.v ?? keywords.version) as string | number | undefined;
    const call = lazyAt({ name: modelName } as RefCall, file, rawCode, 'ref', modelName);
    if (positional.length === 2) call.package = String(positional[0]);
    if (version !== undefined) call.version = version;
    record.refs.push(call);
    return placeholderRelation(modelName);
  };
  const source = (...args: unknown[]) => {
    const { positional } = splitArgs(args);
    if (positional.length !== 2)
      throw new TemplateCallError('template-render', `source() takes a source name and a table name; got ${positional.length} arguments.`);
    const [sourceName, table] = positional.map(String) as [string, string];
    record.sources.push(lazyAt({ source: sourceName, table } as SourceCall, file, rawCode, 'source', table));
    return placeholderRelation(table);
  };
  const config = Object.assign(
    (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      // dbt's config() takes keyword arguments, or one dict and nothing else.
      if (positional.length > 1 || (positional.length === 1 && (!isDict(positional[0]) || Object.keys(keywords).length > 0))) {
        throw new TemplateCallError(
          'invalid-config',
          `config() takes keyword arguments (config(materialized='table')) or one dict, not ${positional.map((p) => JSON.stringify(p) ?? String(p)).join(', ')}${Object.keys(keywords).length ? ' with keywords' : ''}.`,
        );
      }
      Object.assign(record.config, positional[0] as Keywords | undefined, keywords);
      return '';
    },
    { get: (key: string, fallback?: unknown) => record.config[key] ?? fallback, require: (key: string) => record.config[key] },
  );
  // The base scope is the prototype, not copied: renders only read names, and copying a dozen
  // names (and calling the getters among them) for each of 10,000 nodes was measurable.
  const scope: RenderScope = {
    __proto__: base,
    ref,
    source,
    config,
    this: placeholderRelation(name),
    is_incremental: () => false,
    // The parse pass never reaches the database (dbt's `execute` is false): nothing to fetch.
    // dbt's run_query gives an undefined value while parsing (its result's `.table` of nothing).
    run_query: () => new Undefined('run_query() does not run while parsing'),
    statement: () => '',
    load_result: () => null,
    graph: { nodes: {}, sources: {}, exposures: {}, metrics: {}, groups: {} },
    api: {
      Relation: {
        create: (...args: unknown[]) => placeholderRelation(String(splitArgs(args).keywords.identifier ?? '')),
        add_ephemeral_prefix: addEphemeralPrefix,
      },
      Column: PARSE_COLUMN_API,
    },
    model: { name },
  };
  // Added after the literal: a computed key or a spread in it makes V8 build each scope the slow way.
  scope[MACRO_CALL_HOOK] = (macro: string) => record.macros.add(macro);
  for (const key in extra) scope[key] = extra[key];
  return { scope, record };
}

/**
 * Line and column of the first `fn('…name…'` (or, without a name, the first `fn(`) in the file;
 * line 1 when the call is made from a macro.
 */
export function locateCall(file: string, rawCode: string, fn: string, name?: string): SourceLocation {
  const match = callPattern(fn, name).exec(rawCode);
  if (!match) return { file, line: 1, column: 1 };
  const before = rawCode.slice(0, match.index);
  const line = before.split('\n').length;
  return { file, line, column: match.index - before.lastIndexOf('\n') };
}

/** A call of `fn` (naming `name` in its arguments, when given) in template text. */
export function callPattern(fn: string, name?: string): RegExp {
  const escaped = (name ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(name === undefined ? `\\b${fn}\\s*\\(` : `\\b${fn}\\s*\\([^)]*['"]${escaped}['"]`);
}

/**
 * Gives a call record an `at` that is worked out on first use: only diagnostics need it, and
 * searching the file for every call of every node is a measurable share of parsing. The getter
 * is made here, at the top level, so that it keeps only the file and the name alive, not the
 * parse pass's scope and record (which a closure made inside them would keep, for every node).
 */
function lazyAt<T extends { at: SourceLocation }>(call: T, file: string, rawCode: string, fn: string, name: string): T {
  let at: SourceLocation | undefined;
  Object.defineProperty(call, 'at', { enumerable: true, configurable: true, get: () => (at ??= locateCall(file, rawCode, fn, name)) });
  return call;
}

/** Ref and source records from the parse cache, given back their lazily found locations. */
export function restoreLocations(
  file: string,
  rawCode: string,
  refs: readonly Omit<RefCall, 'at'>[],
  sources: readonly Omit<SourceCall, 'at'>[],
): { refs: RefCall[]; sources: SourceCall[] } {
  return {
    refs: refs.map((r) => lazyAt({ ...r } as RefCall, file, rawCode, 'ref', r.name)),
    sources: sources.map((s) => lazyAt({ ...s } as SourceCall, file, rawCode, 'source', s.table)),
  };
}

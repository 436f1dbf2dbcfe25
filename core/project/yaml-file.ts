import { load as loadYamlValue, CORE_SCHEMA } from 'js-yaml';
import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { yamlLibrary } from '../template/yaml-library.js';
import { unclosedOpeners } from './yaml-unclosed.js';

/** A parsed YAML file that can point at the line of any value or key inside it. */
export interface YamlFile {
  /** Path as given. */
  file: string;
  /** Plain JS value of the document (null for an empty file). */
  value: unknown;
  /** Location of the value at `path`, or of the closest parent that exists. */
  locate(path: readonly PropertyKey[], key?: string): SourceLocation;
}

// The `yaml` library keeps every node's position, which diagnostics need, but is several times
// slower than js-yaml at reading values (0.3 s against 0.05 s for a 10,000-model properties file).
// So js-yaml reads the value, with YAML 1.2's core schema as `yaml` uses it (no timestamps, no
// merge keys), and `yaml` is loaded and run only to report a syntax error or to locate a problem.

/** Parses YAML text, returning the file or syntax diagnostics with line and column. */
export function parseYaml(file: string, text: string): { yaml?: YamlFile; diagnostics: Diagnostic[] } {
  const value = fastValue(text);
  if (value) return { yaml: yamlFromValue(file, text, value.value), diagnostics: [] };
  const { doc, lineCounter } = parseWithPositions(text);
  if (doc.errors.length > 0) {
    // Collections nested deeply or left open give one error each, all on one line: show it once.
    const seen = new Set<string>();
    const diagnostics: Diagnostic[] = [];
    const openerOf = unclosedOpeners(text);
    for (const e of doc.errors) {
      const pos = lineCounter.linePos(openerOf(e) ?? e.pos[0]);
      const message = `Invalid YAML: ${e.message.split('\n')[0]}`;
      const key = `${pos.line}:${message}`;
      if (!seen.has(key)) diagnostics.push(diagnostic('yaml-syntax', message, { file, line: pos.line, column: pos.col }));
      seen.add(key);
    }
    return { diagnostics };
  }
  return { yaml: { file, value: doc.toJS() as unknown, locate: locator(file, () => ({ doc, lineCounter })) }, diagnostics: [] };
}

/** The document's value by js-yaml; undefined when it refuses the text (then `yaml` says why). */
function fastValue(text: string): { value: unknown } | undefined {
  try {
    return { value: loadYamlValue(text, { schema: CORE_SCHEMA }) ?? null };
  } catch {
    return undefined;
  }
}

function parseWithPositions(text: string): { doc: Document; lineCounter: LineCounter } {
  const { LineCounter: Counter, parseDocument } = yamlLibrary();
  const lineCounter = new Counter();
  return { doc: parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false }), lineCounter };
}

/**
 * A YAML file from a value parsed earlier (the parse cache): its text is parsed again only if a
 * location inside it is ever needed, which is only when a problem in it is reported.
 */
export function yamlFromValue(file: string, text: string, value: unknown): YamlFile {
  let parsed: { doc: Document; lineCounter: LineCounter } | undefined;
  return { file, value, locate: locator(file, () => (parsed ??= parseWithPositions(text))) };
}

/** `locate`, whose line and column are worked out when first read: most locations are never shown. */
function locator(file: string, source: () => { doc: Document; lineCounter: LineCounter }) {
  return (path: readonly PropertyKey[], key?: string): SourceLocation => {
    let position: { line: number; col: number } | undefined;
    const at = () => {
      if (!position) {
        const { doc, lineCounter } = source();
        position = lineCounter.linePos(offsetOf(doc, path, key));
      }
      return position;
    };
    return {
      file,
      get line() {
        return at().line;
      },
      get column() {
        return at().col;
      },
    };
  };
}

function offsetOf(doc: Document, path: readonly PropertyKey[], key: string | undefined): number {
  const { isMap, isScalar } = yamlLibrary();
  // Walk down as far as the path exists, so a missing value points at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true) as YamlNode | undefined;
    if (node === undefined || node === null || typeof node !== 'object' || !('range' in node) || !node.range) continue;
    if (key !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    }
    return node.range[0];
  }
  return 0;
}

/**
 * Validates a value with a zod schema and turns every issue into a diagnostic at the offending
 * line. Unknown keys get the closest valid key as a suggestion.
 */
export function validateYaml<T>(
  yaml: YamlFile,
  schema: z.ZodType<T>,
  value: unknown,
  basePath: readonly PropertyKey[],
  what: string,
): { data?: T; diagnostics: Diagnostic[] } {
  // Most nodes set no config at all; an empty mapping needs no schema run.
  if (isEmptyObject(value) && acceptsEmpty(schema)) return { data: {} as T, diagnostics: [] };
  // Many nodes set the same small config (`materialized='table'`): a value already found valid
  // needs no schema run either, only a copy of what that run gave (callers may change theirs).
  const key = memoKey(value);
  const memo = key === undefined ? undefined : validValues(schema);
  const known = key === undefined ? undefined : memo?.get(key);
  if (known !== undefined) return { data: structuredClone(known) as T, diagnostics: [] };
  const result = schema.safeParse(value);
  if (result.success) {
    if (key !== undefined && memo && memo.size < MEMO_LIMIT) memo.set(key, structuredClone(result.data));
    return { data: result.data, diagnostics: [] };
  }
  const diagnostics: Diagnostic[] = [];
  for (const issue of result.error.issues) {
    const path = [...basePath, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const valid = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        diagnostics.push(
          diagnostic(
            'unknown-key',
            `Unknown key '${key}' in ${what}${describePath(issue.path)}.${didYouMean(key, valid)}`,
            yaml.locate(path, key),
          ),
        );
      }
      continue;
    }
    diagnostics.push(diagnostic('yaml-schema', `Invalid ${what}${describePath(issue.path)}: ${issue.message}`, yaml.locate(path)));
  }
  return { diagnostics };
}

const MEMO_LIMIT = 10_000;
const validBySchema = new WeakMap<object, Map<string, unknown>>();

function validValues(schema: object): Map<string, unknown> {
  let memo = validBySchema.get(schema);
  if (!memo) validBySchema.set(schema, (memo = new Map()));
  return memo;
}

/**
 * The value as JSON, when it is small and made only of what JSON keeps (so equal text means an
 * equal value); undefined otherwise, and then it is always validated.
 */
function memoKey(value: unknown): string | undefined {
  if (!isPlainJson(value, 0)) return undefined;
  const text = JSON.stringify(value);
  return text.length <= 1_000 ? text : undefined;
}

function isPlainJson(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > 8) return false;
  if (Array.isArray(value)) return value.every((v) => isPlainJson(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}

function describePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '' : ` at '${path.map(String).join('.')}'`;
}

/** Keys the schema accepts at `path`, found by walking object, array, union and optional wrappers. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let nodes: unknown[] = [schema];
  for (const step of path) nodes = nodes.flatMap((n) => childSchemas(unwrap(n), step));
  return nodes.flatMap((n) => unwrapAll(n)).flatMap((n) => objectKeys(n));
}

interface ZodDef {
  type?: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  options?: unknown[];
  valueType?: unknown;
  in?: unknown;
  getter?: () => unknown;
}

function def(schema: unknown): ZodDef {
  return ((schema as { _zod?: { def?: ZodDef } })._zod?.def ?? {}) as ZodDef;
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const d = def(current);
    if (d.innerType) current = d.innerType;
    else if (d.type === 'pipe' && d.in) current = d.in;
    else if (d.type === 'lazy' && d.getter) current = d.getter();
    else break;
  }
  return current;
}

function unwrapAll(schema: unknown): unknown[] {
  const s = unwrap(schema);
  const d = def(s);
  return d.type === 'union' && d.options ? d.options.flatMap(unwrapAll) : [s];
}

function childSchemas(schema: unknown, step: PropertyKey): unknown[] {
  return unwrapAll(schema).flatMap((s) => {
    const d = def(s);
    if (d.type === 'object' && d.shape) return d.shape[String(step)] !== undefined ? [d.shape[String(step)]] : [];
    if (d.type === 'array' && d.element) return [d.element];
    if (d.type === 'record' && d.valueType) return [d.valueType];
    return [];
  });
}

function objectKeys(schema: unknown): string[] {
  const d = def(schema);
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

const emptyOk = new WeakMap<object, boolean>();

function acceptsEmpty(schema: z.ZodType): boolean {
  let ok = emptyOk.get(schema);
  if (ok === undefined) {
    ok = schema.safeParse({}).success;
    emptyOk.set(schema, ok);
  }
  return ok;
}

function isEmptyObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

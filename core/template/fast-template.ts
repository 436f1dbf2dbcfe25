import { attr, call } from './py-runtime.js';
import { Undefined, str, toFloat, truthy, type PyFloat } from './py-values.js';

/**
 * A fast path for the simple templates most models are: text with `{{ ref('x') }}`-style calls
 * (literal arguments only), `{{ this }}`, comments, and `{% if call() %}…{% else %}…{% endif %}`.
 * Such a template is parsed here in microseconds instead of being compiled to JavaScript by
 * nunjucks; anything else (filters, loops, set, whitespace control, expressions) returns
 * undefined and goes to nunjucks, so behaviour never differs.
 */

// The parsed form is kept for every template of a project (tens of thousands), so it is compact:
// text is a plain string, an argument a plain literal, and shared empty lists and paths are one
// object each. Fewer long-lived objects is less work for the garbage collector while loading.

type Literal = string | number | PyFloat | boolean | null | Literal[];

/** An expression: a name or a call with literal arguments (or calls with literal arguments). */
class Expr {
  constructor(
    /** `config.get` → ['config', 'get']. */
    readonly path: readonly string[],
    /** Offset in the template, for error positions. */
    readonly offset: number,
    /** Present when the expression is a call. */
    readonly args?: readonly Arg[],
    /** Keyword arguments, when there are any. */
    readonly kwargs?: Readonly<Record<string, Arg>>,
  ) {}
}

/** An argument: a literal, or a nested call such as `ref('orders')`. */
type Arg = Literal | Expr;

interface IfSegment {
  cond: Expr;
  then: Segment[];
  otherwise: Segment[];
}

/** Text, an expression to print, or an if block. */
type Segment = string | Expr | IfSegment;

const NO_ARGS: readonly Arg[] = Object.freeze([]);
const paths = new Map<string, readonly string[]>();

/** `a.b` as a path, one shared array per distinct path. */
function pathOf(dotted: string): readonly string[] {
  let path = paths.get(dotted);
  if (!path) paths.set(dotted, (path = Object.freeze(dotted.split('.'))));
  return path;
}

/** A template the fast path can render. */
export interface FastTemplate {
  segments: Segment[];
}

const TAG = /\{\{|\{%|\{#/g;

/** Parses a template when it stays inside the fast subset; undefined otherwise. */
export function parseFast(text: string): FastTemplate | undefined {
  const root: Segment[] = [];
  const stack: { segments: Segment[]; node?: IfSegment; inElse: boolean }[] = [{ segments: root, inElse: false }];
  let pos = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(text); match; match = TAG.exec(text)) {
    const start = match.index;
    const current = stack[stack.length - 1] as (typeof stack)[number];
    if (start > pos) current.segments.push(text.slice(pos, start));
    const close = match[0] === '{{' ? '}}' : match[0] === '{%' ? '%}' : '#}';
    const end = text.indexOf(close, start + 2);
    if (end < 0) return undefined;
    const inner = text.slice(start + 2, end);
    pos = end + 2;
    TAG.lastIndex = pos;
    if (inner.startsWith('-') || inner.endsWith('-') || inner.startsWith('+')) return undefined;
    if (match[0] === '{#') continue;
    if (match[0] === '{{') {
      // Positions point at the expression itself, as the full dialect's do.
      const expr = parseExpr(inner, start + 2 + (inner.length - inner.trimStart().length));
      if (!expr) return undefined;
      current.segments.push(expr);
      continue;
    }
    const statement = inner.trim();
    if (statement.startsWith('if ')) {
      const cond = parseExpr(statement.slice(3), start + 2);
      if (!cond?.args) return undefined;
      const node: IfSegment = { cond, then: [], otherwise: [] };
      current.segments.push(node);
      stack.push({ segments: node.then, node, inElse: false });
    } else if (statement === 'else' && current.node && !current.inElse) {
      current.segments = current.node.otherwise;
      current.inElse = true;
    } else if (statement === 'endif' && current.node) {
      stack.pop();
    } else {
      return undefined;
    }
  }
  if (stack.length !== 1) return undefined;
  if (pos < text.length) root.push(text.slice(pos));
  return { segments: root };
}

const CALL = /^\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?:\(([\s\S]*)\))?\s*$/;

/** Names that are constants or operators in Jinja, not variables (`{{ true }}` prints True, `{{ not (x) }}` negates). */
const CONSTANTS = new Set(['true', 'false', 'none', 'True', 'False', 'None', 'not', 'and', 'or', 'in', 'is', 'if', 'else']);

function parseExpr(source: string, offset: number): Expr | undefined {
  const match = CALL.exec(source);
  if (!match || CONSTANTS.has((match[1] as string).split('.')[0] as string)) return undefined;
  const path = pathOf(match[1] as string);
  if (match[2] === undefined) return new Expr(path, offset);
  const args: Arg[] = [];
  let kwargs: Record<string, Arg> | undefined;
  for (const part of splitArgs(match[2])) {
    const kw = /^\s*([A-Za-z_]\w*)\s*=(?!=)([\s\S]*)$/.exec(part);
    const value = parseArg(kw ? (kw[2] as string) : part, offset);
    if (value === undefined) return undefined;
    if (kw) (kwargs ??= {})[kw[1] as string] = value;
    else if (kwargs) return undefined;
    else args.push(value);
  }
  return new Expr(path, offset, args.length ? args : NO_ARGS, kwargs);
}

/** A literal, or a call with literal arguments (one level: `ref('x')`, `source('a', 'b')`). */
function parseArg(source: string, offset: number): Arg | undefined {
  const literal = parseLiteral(source);
  if (literal !== undefined) return literal;
  const call = parseExpr(source, offset);
  return call?.args && call.args.every((a) => !(a instanceof Expr)) ? call : undefined;
}

/** Splits on commas outside quotes, brackets and parentheses; undefined pieces make the caller fall back. */
function splitArgs(source: string): string[] {
  if (source.trim() === '') return [];
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let last = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(source.slice(last, i));
      last = i + 1;
    }
  }
  parts.push(source.slice(last));
  return parts;
}

function parseLiteral(source: string): Literal | undefined {
  const s = source.trim();
  if (/^'[^'\\]*'$/.test(s) || /^"[^"\\]*"$/.test(s)) return s.slice(1, -1);
  if (/^-?\d+$/.test(s)) return Number(s);
  if (/^-?\d+\.\d+$/.test(s)) return toFloat(Number(s));
  if (s === 'true' || s === 'True') return true;
  if (s === 'false' || s === 'False') return false;
  if (s === 'none' || s === 'None') return null;
  if (s.startsWith('[') && s.endsWith(']')) {
    const items = splitArgs(s.slice(1, -1)).map(parseLiteral);
    return items.some((i) => i === undefined) ? undefined : (items as Literal[]);
  }
  return undefined;
}

/** An error in a fast-path render, with the offset of the expression that raised it. */
export class FastRenderError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly offset: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Renders with names resolved by `lookup` (the same globals nunjucks would see), with Python's semantics. */
export function renderFast(template: FastTemplate, lookup: (name: string) => unknown): string {
  let out = '';
  const evaluate = (expr: Expr): unknown => {
    try {
      const first = expr.path[0] as string;
      const found = lookup(first);
      let holder: unknown;
      let value: unknown = found === undefined ? new Undefined(`'${first}' is undefined`) : found;
      for (let i = 1; i < expr.path.length; i++) {
        holder = value;
        value = attr(value, expr.path[i] as string);
      }
      if (!expr.args) return value;
      let keywords: Record<string, unknown> | undefined;
      if (expr.kwargs) {
        keywords = {};
        for (const key in expr.kwargs) keywords[key] = valueOf(expr.kwargs[key] as Arg);
      }
      return call(value, holder, expr.args.map(valueOf), keywords);
    } catch (err) {
      throw new FastRenderError(err, expr.offset);
    }
  };
  const valueOf = (arg: Arg): unknown => (arg instanceof Expr ? evaluate(arg) : Array.isArray(arg) ? [...arg] : arg);
  const walk = (segments: Segment[]): void => {
    for (const segment of segments) {
      if (typeof segment === 'string') out += segment;
      else if (segment instanceof Expr) out += str(evaluate(segment));
      else walk(truthy(evaluate(segment.cond)) ? segment.then : segment.otherwise);
    }
  };
  walk(template.segments);
  return out;
}

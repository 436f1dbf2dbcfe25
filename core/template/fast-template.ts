/**
 * A fast path for the simple templates most models are: text with `{{ ref('x') }}`-style calls
 * (literal arguments only), `{{ this }}`, comments, and `{% if call() %}…{% else %}…{% endif %}`.
 * Such a template is parsed here in microseconds instead of being compiled to JavaScript by
 * nunjucks; anything else (filters, loops, set, whitespace control, expressions) returns
 * undefined and goes to nunjucks, so behaviour never differs.
 */

type Literal = string | number | boolean | null | Literal[];

/** An argument: a literal, or a nested call such as `ref('orders')`. */
type Arg = { literal: Literal } | { call: Expr };

interface Expr {
  /** `config.get` → ['config', 'get']. */
  path: string[];
  /** Present when the expression is a call. */
  args?: Arg[];
  kwargs?: Record<string, Arg>;
  /** Whether `kwargs` has any entry (known when parsed, not counted at every render). */
  hasKwargs?: boolean;
  /** Offset in the template, for error positions. */
  offset: number;
}

type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'expr'; expr: Expr }
  | { kind: 'if'; cond: Expr; then: Segment[]; otherwise: Segment[] };

/** A template the fast path can render. */
export interface FastTemplate {
  segments: Segment[];
}

const TAG = /\{\{|\{%|\{#/g;

/** Parses a template when it stays inside the fast subset; undefined otherwise. */
export function parseFast(text: string): FastTemplate | undefined {
  const root: Segment[] = [];
  const stack: { segments: Segment[]; node?: Extract<Segment, { kind: 'if' }>; inElse: boolean }[] = [{ segments: root, inElse: false }];
  let pos = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(text); match; match = TAG.exec(text)) {
    const start = match.index;
    const current = stack[stack.length - 1] as (typeof stack)[number];
    if (start > pos) current.segments.push({ kind: 'text', text: text.slice(pos, start) });
    const close = match[0] === '{{' ? '}}' : match[0] === '{%' ? '%}' : '#}';
    const end = text.indexOf(close, start + 2);
    if (end < 0) return undefined;
    const inner = text.slice(start + 2, end);
    pos = end + 2;
    TAG.lastIndex = pos;
    if (match[0] === '{#') continue;
    if (inner.startsWith('-') || inner.endsWith('-')) return undefined;
    if (match[0] === '{{') {
      const expr = parseExpr(inner, start + 2);
      if (!expr) return undefined;
      current.segments.push({ kind: 'expr', expr });
      continue;
    }
    const statement = inner.trim();
    if (statement.startsWith('if ')) {
      const cond = parseExpr(statement.slice(3), start + 2);
      if (!cond?.args) return undefined;
      const node: Extract<Segment, { kind: 'if' }> = { kind: 'if', cond, then: [], otherwise: [] };
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
  if (pos < text.length) root.push({ kind: 'text', text: text.slice(pos) });
  return { segments: root };
}

const CALL = /^\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?:\(([\s\S]*)\))?\s*$/;

function parseExpr(source: string, offset: number): Expr | undefined {
  const match = CALL.exec(source);
  if (!match) return undefined;
  const expr: Expr = { path: (match[1] as string).split('.'), offset };
  if (match[2] === undefined) return expr;
  const args: Arg[] = [];
  const kwargs: Record<string, Arg> = {};
  for (const part of splitArgs(match[2])) {
    const kw = /^\s*([A-Za-z_]\w*)\s*=(?!=)([\s\S]*)$/.exec(part);
    const value = parseArg(kw ? (kw[2] as string) : part, offset);
    if (value === undefined) return undefined;
    if (kw) kwargs[kw[1] as string] = value;
    else if (Object.keys(kwargs).length > 0) return undefined;
    else args.push(value);
  }
  expr.args = args;
  expr.kwargs = kwargs;
  expr.hasKwargs = Object.keys(kwargs).length > 0;
  return expr;
}

/** A literal, or a call with literal arguments (one level: `ref('x')`, `source('a', 'b')`). */
function parseArg(source: string, offset: number): Arg | undefined {
  const literal = parseLiteral(source);
  if (literal !== undefined) return { literal };
  const call = parseExpr(source, offset);
  return call?.args && call.args.every((a) => 'literal' in a) ? { call } : undefined;
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
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
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
  constructor(override readonly cause: unknown, readonly offset: number) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Renders with names resolved by `lookup` (the same globals nunjucks would see). */
export function renderFast(template: FastTemplate, lookup: (name: string) => unknown): string {
  let out = '';
  const evaluate = (expr: Expr): unknown => {
    try {
      let holder: unknown;
      let value: unknown = lookup(expr.path[0] as string);
      for (const key of expr.path.slice(1)) {
        holder = value;
        value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key];
      }
      if (!expr.args) return value;
      if (typeof value !== 'function') throw new Error(`Unable to call \`${expr.path.join('.')}\`, which is undefined or falsey`);
      const value_of = (arg: Arg) => ('literal' in arg ? arg.literal : evaluate(arg.call));
      const args: unknown[] = expr.args.map(value_of);
      if (expr.kwargs && expr.hasKwargs) {
        const keywords: Record<string, unknown> = {};
        for (const key in expr.kwargs) keywords[key] = value_of(expr.kwargs[key] as Arg);
        keywords.__keywords = true;
        args.push(keywords);
      }
      return (value as (...a: unknown[]) => unknown).apply(holder, args);
    } catch (err) {
      throw new FastRenderError(err, expr.offset);
    }
  };
  const walk = (segments: Segment[]): void => {
    for (const segment of segments) {
      if (segment.kind === 'text') out += segment.text;
      else if (segment.kind === 'expr') {
        const value = evaluate(segment.expr);
        if (value !== undefined && value !== null) out += String(value);
      } else walk(truthy(evaluate(segment.cond)) ? segment.then : segment.otherwise);
    }
  };
  walk(template.segments);
  return out;
}

/** Jinja truthiness: empty strings, lists and zero are false. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value) && String(value) !== '';
}

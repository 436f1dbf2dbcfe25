import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { normalizeSource } from './compile-jinja.js';
import type { RenderScope, TemplateEngine } from './engine.js';
import { parseJinja } from './jinja-parser.js';
import { TOKENS as T, lex, type AstNode, type Token } from './nunjucks-internals.js';
import { literalEval } from './python-literal.js';
import { hasRenderChars } from './render-chars.js';
import { DictView, Markup, PyError, PyFloat, PyRange, dictKey, dictKeys, isDict, str, takesTemplateValues, truthy } from './py-values.js';

/**
 * dbt's native rendering (`get_rendered(value, ctx, native=True)`), used for YAML values: a
 * template whose output is exactly one `{{ expression }}` gives the expression's value (a bool
 * stays a bool, a list a list); anything else gives its text. As in Jinja's native code generator,
 * an expression Jinja folds while compiling (`{{ 1 }}`, `{{ [1, 2] }}`, `{{ 'a' ~ 'b' }}`) is text.
 * dbt's marker filters pick the type: `as_text` keeps text, `as_native`, `as_bool` and `as_number`
 * read the text as a Python literal (and the last two check its type).
 *
 * Jinja counts the nodes a template outputs while rendering (`{% if x %}{{ y }}{% endif %}` may
 * output one). So does this: each `{{ }}` hands its value to a capturing function, and the text
 * between them must be empty. Known difference: templates with macros, call, filter, raw or block
 * set statements render as text.
 */

/** What a native render gives: the value, or a diagnostic. */
export interface NativeResult {
  value?: unknown;
  diagnostic?: Diagnostic;
}

/** The name each output expression's value is handed to, in the template that evaluates them. */
const CAPTURE = '__strata_native_node';

type Marker = 'as_text' | 'as_native' | 'as_bool' | 'as_number';
const MARKERS: ReadonlySet<string> = new Set<Marker>(['as_text', 'as_native', 'as_bool', 'as_number']);

/** Renders `text` natively with `scope` (and `variables`, the template's own names). */
export function renderNative(
  engine: TemplateEngine,
  text: string,
  file: string,
  scope: RenderScope,
  variables: Record<string, unknown> = {},
): NativeResult {
  const source = normalizeSource(text);
  if (!hasRenderChars(source)) return { value: source };
  const asText = (): NativeResult => {
    const compiled = engine.compile(source, file);
    if (!compiled.template) return { diagnostic: compiled.diagnostic };
    const rendered = engine.render(compiled.template, scope, variables);
    return rendered.diagnostic ? { diagnostic: rendered.diagnostic } : { value: rendered.output ?? '' };
  };
  const outputs = outputExpressions(source);
  if (!outputs) return asText();
  const captured = captureOutputs(engine, source, outputs, file, scope, variables);
  if ('diagnostic' in captured) return captured;
  const only = captured.nodes.length === 1 && captured.text === '' ? captured.nodes[0] : undefined;
  if (!only) return asText();
  const node = outputs.expressions[only.index] as AstNode;
  const marker = markerOf(node);
  if (marker) return applyMarker(marker, str(only.value), file);
  // Jinja folds a constant expression into text while compiling; only a runtime value stays a value.
  if (foldable(node) && hasSafeRepr(only.value)) return { value: str(only.value) };
  return { value: only.value };
}

interface Outputs {
  /** The `{{ }}` expressions, in the order they are written. */
  expressions: AstNode[];
  /** Their `{{` and `}}` tokens, in the same order. */
  delimiters: [Token, Token][];
}

/** Statements whose output is the template's own (and that hold outputs in these fields). */
const PASS_THROUGH: Record<string, readonly string[]> = {
  Root: ['children'],
  NodeList: ['children'],
  If: ['body', 'else_'],
  For: ['body', 'else_'],
  Set: [],
  Do: [],
  Break: [],
  Continue: [],
};

/**
 * The template's output expressions, or undefined when it cannot be a single value: plain text
 * around them (more than one node at once), or statements that capture or transform output.
 */
function outputExpressions(source: string): Outputs | undefined {
  if (/\{%[-+]?\s*raw\b/.test(source)) return undefined;
  let root: AstNode;
  try {
    root = parseJinja(lex(source));
  } catch {
    return undefined; // rendering as text reports the syntax error
  }
  const expressions: AstNode[] = [];
  const visit = (node: AstNode | null | undefined): boolean => {
    if (!node) return true;
    if (node.typename === 'Output') {
      for (const child of node.children) if (child.typename !== 'TemplateData') expressions.push(child);
      return true;
    }
    // A Set with a body is a block set: its output is captured, not the template's.
    const fields = PASS_THROUGH[node.typename];
    if (!fields || (node.typename === 'Set' && node.body)) return false;
    return fields.every((f) => (Array.isArray(node[f]) ? (node[f] as AstNode[]).every(visit) : visit(node[f] as AstNode | null)));
  };
  if (!visit(root)) return undefined;
  // Text beside an expression at the top level makes two nodes whatever happens: text, at once.
  const top = root.children
    .flatMap((c) => (c.typename === 'Output' ? c.children : []))
    .filter((c) => !(c.typename === 'TemplateData' && c.value === ''));
  if (root.children.every((c) => c.typename === 'Output') && (top.length !== 1 || top[0]?.typename === 'TemplateData')) return undefined;
  const delimiters: [Token, Token][] = [];
  const stream = lex(source) as { nextToken(): Token | null };
  let open: Token | undefined;
  for (let tok = stream.nextToken(); tok; tok = stream.nextToken()) {
    if (tok.type === T.TOKEN_VARIABLE_START) open = tok;
    else if (tok.type === T.TOKEN_VARIABLE_END && open) {
      delimiters.push([open, tok]);
      open = undefined;
    }
  }
  return delimiters.length === expressions.length && expressions.length > 0 ? { expressions, delimiters } : undefined;
}

/**
 * Renders the template with each `{{ expression }}` handing its value, with its index, to a
 * capturing function that prints nothing: what is left is the text between them.
 */
function captureOutputs(
  engine: TemplateEngine,
  source: string,
  outputs: Outputs,
  file: string,
  scope: RenderScope,
  variables: Record<string, unknown>,
): { nodes: { index: number; value: unknown }[]; text: string } | { diagnostic: Diagnostic } {
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const offset = (tok: Token) => (lineStarts[tok.lineno] ?? 0) + tok.colno;
  let rewritten = '';
  let last = 0;
  outputs.delimiters.forEach(([start, end], index) => {
    const from = offset(start) + start.value.length;
    const to = offset(end);
    // Lines are kept, so errors point at the line the expression is on.
    rewritten += `${source.slice(last, from)} ${CAPTURE}(${index}, (${source.slice(from, to)})) `;
    last = to;
  });
  rewritten += source.slice(last);
  const compiled = engine.compile(rewritten, file);
  if (!compiled.template) return { diagnostic: compiled.diagnostic };
  const nodes: { index: number; value: unknown }[] = [];
  const capture = takesTemplateValues((index: unknown, value: unknown) => {
    nodes.push({ index: Number(index), value });
    return '';
  });
  const rendered = engine.render(compiled.template, scope, { ...variables, [CAPTURE]: capture });
  return rendered.diagnostic ? { diagnostic: rendered.diagnostic } : { nodes, text: rendered.output ?? '' };
}

/** `{{ x | as_bool }}`: the marker filter applied last, if any. */
function markerOf(node: AstNode): Marker | undefined {
  const top = ungroup(node);
  if (top.typename !== 'Filter') return undefined;
  const name = String((top.name as AstNode).value);
  return MARKERS.has(name) && (top.args as AstNode).children.length === 1 ? (name as Marker) : undefined;
}

/** dbt's quoted_native_concat for a marked value. */
function applyMarker(marker: Marker, raw: string, file: string): NativeResult {
  if (marker === 'as_text') return { value: raw };
  let read: { value: unknown } | undefined;
  try {
    read = literalEval(raw);
  } catch (err) {
    if (!(err instanceof PyError)) throw err;
    return { diagnostic: diagnostic('template-render', `Template error: ${err.kind}: ${err.message}`, { file, line: 1, column: 1 }) };
  }
  const value = read ? read.value : raw;
  const fail = (type: string): NativeResult => ({
    diagnostic: diagnostic('template-render', `Could not convert value '${raw}' into type '${type}'`, { file, line: 1, column: 1 }),
  });
  if (marker === 'as_bool' && typeof value !== 'boolean') return fail('bool');
  if (marker === 'as_number' && !(typeof value === 'number' || value instanceof PyFloat)) return fail('number');
  return { value };
}

function ungroup(node: AstNode): AstNode {
  let n = node;
  while (n.typename === 'Group' && n.children.length === 1) n = n.children[0] as AstNode;
  return n;
}

/** Filters Jinja never folds (they need the render context). */
const CONTEXT_FILTERS = new Set(['map', 'select', 'reject', 'selectattr', 'rejectattr', 'random']);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'FloorDiv', 'Mod', 'Pow', 'Concat']);

/**
 * Whether Jinja's `as_const` succeeds on the expression: literals and what only combines them
 * (operators, comparisons, filters and tests, item lookups), never names or calls. `a and b`,
 * `a or b` and `x if c else y` fold without their unused side when the deciding operand is a literal.
 */
function foldable(node: AstNode | null | undefined): boolean {
  if (!node) return false;
  const all = (nodes: readonly (AstNode | null | undefined)[]) => nodes.every(foldable);
  switch (node.typename) {
    case 'Literal':
      return true;
    case 'Group':
    case 'Array':
    case 'Tuple':
    case 'Dict':
    case 'KeywordArgs':
      return all(node.children);
    case 'Pair':
      return all([node.key as AstNode, node.value as AstNode]);
    case 'Not':
    case 'Neg':
    case 'Pos':
      return foldable(node.target as AstNode);
    case 'And':
    case 'Or': {
      const decided = literalTruth(node.left as AstNode) === (node.typename === 'Or');
      return foldable(node.left as AstNode) && (decided || foldable(node.right as AstNode));
    }
    case 'InlineIf': {
      const truth = literalTruth(node.cond as AstNode);
      if (!foldable(node.cond as AstNode)) return false;
      if (truth === true) return foldable(node.body as AstNode);
      if (truth === false) return foldable(node.else_ as AstNode);
      return all([node.body as AstNode, node.else_ as AstNode]);
    }
    case 'Compare':
      return foldable(node.expr as AstNode) && (node.ops as AstNode[]).every((op) => foldable(op.expr as AstNode));
    case 'LookupVal':
      return all([node.target as AstNode, node.val as AstNode]);
    case 'Slice':
      return [node.start, node.stop, node.step].every((n) => n === null || n === undefined || foldable(n as AstNode));
    case 'Filter':
      return !CONTEXT_FILTERS.has(String((node.name as AstNode).value)) && all((node.args as AstNode).children);
    case 'Test':
      return foldable(node.target as AstNode) && all((node.args as AstNode).children);
    default:
      return BINARY.has(node.typename) && all([node.left as AstNode, node.right as AstNode]);
  }
}

/** Python truthiness of a literal operand; undefined when it takes evaluating. */
function literalTruth(node: AstNode): boolean | undefined {
  const n = ungroup(node);
  if (n.typename === 'Literal') return truthy(n.value);
  if (n.typename === 'Not') {
    const inner = literalTruth(n.target as AstNode);
    return inner === undefined ? undefined : !inner;
  }
  if ((n.typename === 'Array' || n.typename === 'Tuple' || n.typename === 'Dict') && foldable(n)) return n.children.length > 0;
  return undefined;
}

/** Jinja's `has_safe_repr`: the values a constant may fold to. */
function hasSafeRepr(value: unknown): boolean {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return true;
  if (value instanceof PyFloat || value instanceof Markup || value instanceof PyRange) return true;
  if (value instanceof DictView) return false;
  if (Array.isArray(value)) return value.every(hasSafeRepr);
  if (isDict(value)) return dictKeys(value).every((k) => hasSafeRepr(k) && hasSafeRepr(value[dictKey(k)]));
  return false;
}

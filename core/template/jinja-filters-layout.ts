import { LINE_BREAKS, Markup, bind, dictItems, intArg, raise, splitLines, stripSpace, textOf } from './jinja-filters-support.js';
import { order } from './py-operators.js';
import { DictView, PyRange, PyTuple, Undefined, isDict, repr, stringRepr, truthy, typeName, undefinedError } from './py-values.js';

/**
 * The two filters that lay text out as Python's standard library does: `wordwrap` (textwrap's
 * TextWrapper, without tab expansion or whitespace replacement) and `pprint` (pprint.pformat:
 * width 80, sorted dict keys).
 */

// ---- textwrap

const WS = '[\\t\\n\\x0b\\x0c\\r ]';
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]';
const WORD = '[\\p{L}\\p{N}_]';
const WORD_PUNCT = '[\\p{L}\\p{N}_!"\'&.,?]';
const LETTER = '[\\p{L}\\p{Nl}\\p{No}_]';
// textwrap's wordsep_re: whitespace, em-dashes between words, words split after their hyphens.
const WORD_SEPARATOR = new RegExp(
  `(${WS}+|(?<=${WORD_PUNCT})-{2,}(?=${WORD})|${NWS}+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})|(?=${WS}|$)|(?<=${WORD_PUNCT})(?=-{2,}${WORD})))`,
  'u',
);
const SIMPLE_SEPARATOR = new RegExp(`(${WS}+)`);

interface WrapOptions {
  width: number;
  breakLongWords: boolean;
  breakOnHyphens: boolean;
}

/** TextWrapper._handle_long_word: cuts the next chunk to what still fits (after a hyphen if it can). */
function handleLongWord(chunks: string[], line: string[], lineLength: number, width: number, o: WrapOptions): void {
  const spaceLeft = width < 1 ? 1 : width - lineLength;
  if (o.breakLongWords) {
    const chunk = chunks[chunks.length - 1] as string;
    let end = spaceLeft;
    if (o.breakOnHyphens && chunk.length > spaceLeft) {
      const hyphen = chunk.slice(0, spaceLeft).lastIndexOf('-');
      if (hyphen > 0 && [...chunk.slice(0, hyphen)].some((c) => c !== '-')) end = hyphen + 1;
    }
    line.push(chunk.slice(0, end));
    chunks[chunks.length - 1] = chunk.slice(end);
  } else if (line.length === 0) {
    line.push(chunks.pop() as string);
  }
}

/** textwrap.wrap(text) with Jinja's options. */
function wrap(text: string, o: WrapOptions): string[] {
  if (o.width <= 0) raise('ValueError', `invalid width ${o.width} (must be > 0)`);
  const chunks = text
    .split(o.breakOnHyphens ? WORD_SEPARATOR : SIMPLE_SEPARATOR)
    .filter((c) => c !== '')
    .reverse();
  const isSpace = (c: string | undefined) => c !== undefined && stripSpace(c) === '';
  const lines: string[] = [];
  while (chunks.length) {
    const line: string[] = [];
    let length = 0;
    if (isSpace(chunks[chunks.length - 1]) && lines.length) chunks.pop();
    while (chunks.length && length + (chunks[chunks.length - 1] as string).length <= o.width) {
      const chunk = chunks.pop() as string;
      line.push(chunk);
      length += chunk.length;
    }
    if (chunks.length && (chunks[chunks.length - 1] as string).length > o.width) handleLongWord(chunks, line, length, o.width, o);
    if (isSpace(line[line.length - 1])) line.pop();
    if (line.length) lines.push(line.join(''));
  }
  return lines;
}

export function wordwrap(s: unknown, ...args: unknown[]): string {
  const [width = 79, breakLongWords = true, wrapstring = null, breakOnHyphens = true] = bind(
    'do_wordwrap',
    ['width', 'break_long_words', 'wrapstring', 'break_on_hyphens'],
    args,
  );
  if (s instanceof Undefined) undefinedError(s);
  const text = textOf(s) ?? raise('AttributeError', `'${typeName(s)}' object has no attribute 'splitlines'`);
  const joiner =
    wrapstring === null
      ? '\n'
      : (textOf(wrapstring) ?? raise('AttributeError', `'${typeName(wrapstring)}' object has no attribute 'join'`));
  const options = { width: intArg(width), breakLongWords: truthy(breakLongWords), breakOnHyphens: truthy(breakOnHyphens) };
  return splitLines(text)
    .map((line) => wrap(line, options).join(joiner))
    .join(joiner);
}

// ---- pprint

const WIDTH = 80;
const LINE_WITH_END = new RegExp(`[\\s\\S]*?(?:${LINE_BREAKS}|$)`, 'g');

/** A dict's items in pprint's order: sorted keys, mixed types grouped by type name (Python's _safe_key). */
function sortedItems(d: Record<string, unknown>): [unknown, unknown][] {
  return dictItems(d).sort(([a], [b]) => {
    try {
      return order(a, b, '<');
    } catch {
      return typeName(a) < typeName(b) ? -1 : typeName(a) > typeName(b) ? 1 : 0;
    }
  });
}

/** pprint's one-line repr: repr() with dict keys sorted at every depth. */
function safeRepr(value: unknown): string {
  if (value instanceof DictView || value instanceof PyRange) return repr(value);
  if (value instanceof Markup) return `Markup(${stringRepr(String(value))})`;
  if (isDict(value)) {
    const items = sortedItems(value);
    return items.length ? `{${items.map(([k, v]) => `${safeRepr(k)}: ${safeRepr(v)}`).join(', ')}}` : '{}';
  }
  if (value instanceof PyTuple) return value.length === 1 ? `(${safeRepr(value[0])},)` : `(${value.map(safeRepr).join(', ')})`;
  if (Array.isArray(value)) return `[${value.map(safeRepr).join(', ')}]`;
  return repr(value);
}

/** PrettyPrinter._format_items: one item a line, aligned after the opening bracket. */
function formatItems(items: readonly unknown[], indent: number, allowance: number, level: number): string {
  const inner = indent + 1;
  return items.map((item, i) => format(item, inner, i === items.length - 1 ? allowance : 1, level)).join(`,\n${' '.repeat(inner)}`);
}

/** PrettyPrinter._pprint_str: a long string as adjacent literals, broken after whitespace. */
function formatString(text: string, indentAt: number, allowanceAt: number, level: number): string {
  if (!text.length) return stringRepr(text);
  const lines = text.match(LINE_WITH_END)?.filter((l) => l !== '') ?? [];
  const indent = level === 1 ? indentAt + 1 : indentAt;
  const allowance = level === 1 ? allowanceAt + 1 : allowanceAt;
  const chunks: string[] = [];
  let last = '';
  lines.forEach((line, i) => {
    last = stringRepr(line);
    const maxWidth = WIDTH - indent - (i === lines.length - 1 ? allowance : 0);
    if (last.length <= maxWidth) {
      chunks.push(last);
      return;
    }
    const parts = line.match(/\S*\s*/g)?.filter((p) => p !== '') ?? [];
    let current = '';
    parts.forEach((part, j) => {
      const candidate = current + part;
      const limit = WIDTH - indent - (j === parts.length - 1 && i === lines.length - 1 ? allowance : 0);
      if (stringRepr(candidate).length > limit) {
        if (current) chunks.push(stringRepr(current));
        current = part;
      } else current = candidate;
    });
    if (current) chunks.push(stringRepr(current));
  });
  if (chunks.length === 1) return last;
  const body = chunks.join(`\n${' '.repeat(indent)}`);
  return level === 1 ? `(${body})` : body;
}

/** PrettyPrinter._format: the one-line repr when it fits, else dicts, lists, tuples and strings broken up. */
function format(value: unknown, indent: number, allowance: number, level: number): string {
  const rep = safeRepr(value);
  if (rep.length <= WIDTH - indent - allowance || value instanceof DictView || value instanceof PyRange) return rep;
  if (isDict(value)) {
    const items = sortedItems(value);
    if (!items.length) return rep;
    const body = items.map(([k, v], i) => {
      const key = safeRepr(k);
      return `${key}: ${format(v, indent + 1 + key.length + 2, i === items.length - 1 ? allowance + 1 : 1, level + 1)}`;
    });
    return `{${body.join(`,\n${' '.repeat(indent + 1)}`)}}`;
  }
  if (value instanceof PyTuple) {
    const end = value.length === 1 ? ',)' : ')';
    return `(${formatItems(value, indent, allowance + end.length, level + 1)}${end}`;
  }
  if (Array.isArray(value)) return `[${formatItems(value, indent, allowance + 1, level + 1)}]`;
  if (typeof value === 'string') return formatString(value, indent, allowance, level + 1);
  return rep;
}

/** pprint.pformat(value). */
export const pprint = (value: unknown): string => format(value, 0, 0, 0);

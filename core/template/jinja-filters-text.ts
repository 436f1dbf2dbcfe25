import {
  Markup,
  bind,
  dictItems,
  intArg,
  isInt,
  pyFloat,
  pyLen,
  raise,
  softStr,
  splitLines,
  splitSpace,
  stripSpace,
  SPACE,
  textOf,
  fixed,
} from './jinja-filters-support.js';
import { jsonDumps, printfFormat } from './py-format.js';
import { iterate, pythonMethod } from './py-methods.js';
import { add } from './py-operators.js';
import { PyTuple, Undefined, isDict, numberOf, stringRepr, str, truthy, typeName, undefinedError } from './py-values.js';

/**
 * Jinja2's text filters with Python semantics (autoescape off, as dbt renders): case, trimming,
 * truncating, indenting, escaping (markupsafe's Markup), URL and XML attribute encoding, JSON.
 */

type Filter = (value: unknown, ...args: unknown[]) => unknown;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** markupsafe's escape(): Markup stays as it is, anything else is printed and escaped. */
export function escapeHtml(value: unknown): Markup {
  if (value instanceof Markup) return value;
  return new Markup(str(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string));
}

// A few of html.unescape's named references (the legacy ones also without the semicolon).
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\xa0',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  deg: '°',
  times: '×',
  divide: '÷',
  plusmn: '±',
  para: '¶',
};
const LEGACY = [
  'amp',
  'lt',
  'gt',
  'quot',
  'nbsp',
  'copy',
  'reg',
  'laquo',
  'raquo',
  'middot',
  'pound',
  'yen',
  'cent',
  'sect',
  'deg',
  'times',
  'divide',
  'plusmn',
  'para',
];

/** Python's html.unescape (numeric references and the common named ones). */
function unescapeHtml(text: string): string {
  return text.replace(/&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g, (all, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (code === 0 || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return '\ufffd';
      return String.fromCodePoint(code);
    }
    const name = ref.endsWith(';') ? ref.slice(0, -1) : ref;
    if (ref.endsWith(';') && ENTITIES[name] !== undefined) return ENTITIES[name];
    const legacy = LEGACY.filter((l) => ref.startsWith(l)).sort((a, b) => b.length - a.length)[0];
    return legacy === undefined ? all : (ENTITIES[legacy] as string) + ref.slice(legacy.length);
  });
}

/** markupsafe's Markup.striptags(): comments and tags removed, whitespace collapsed, unescaped. */
function stripTags(text: string): string {
  let value = text;
  for (const [open, close] of [
    ['<!--', '-->'],
    ['<', '>'],
  ] as const) {
    for (let start = value.indexOf(open); start >= 0; start = value.indexOf(open)) {
      const end = value.indexOf(close, start);
      if (end < 0) break;
      value = value.slice(0, start) + value.slice(end + close.length);
    }
  }
  return unescapeHtml(splitSpace(value).join(' '));
}

const WORD_START = new RegExp(`([-${SPACE}({\\[<]+)`, 'u');

/** Jinja's title: each word's first letter upper-cased, the rest lower-cased. */
function title(s: string): string {
  return s
    .split(WORD_START)
    .filter((part) => part !== '')
    .map((part) => {
      const [first = '', ...rest] = part;
      return first.toUpperCase() + rest.join('').toLowerCase();
    })
    .join('');
}

/** Python's str.center (the odd extra space goes left when both margin and width are odd). */
export function center(s: string, width: number): string {
  const margin = width - [...s].length;
  if (margin <= 0) return s;
  const left = Math.floor(margin / 2) + (margin & width & 1);
  return ' '.repeat(left) + s + ' '.repeat(margin - left);
}

function truncate(s: unknown, ...args: unknown[]): unknown {
  const [length = 255, killwords = false, end = '...', leeway = 5] = bind('do_truncate', ['length', 'killwords', 'end', 'leeway'], args);
  const limit = intArg(length);
  const endLength = pyLen(end);
  const slack = leeway === null ? 5 : intArg(leeway);
  if (limit < endLength) raise('AssertionError', `expected length >= ${endLength}, got ${limit}`);
  if (slack < 0) raise('AssertionError', `expected leeway >= 0, got ${slack}`);
  if (pyLen(s) <= limit + slack) return s;
  const text = textOf(s);
  if (text === undefined) {
    if (!truthy(killwords)) raise('AttributeError', `'${typeName(s)}' object has no attribute 'rsplit'`);
    return add([...iterate(s)].slice(0, limit - endLength), end);
  }
  const head = [...text].slice(0, Math.max(0, limit - endLength)).join('');
  const space = head.lastIndexOf(' ');
  const kept = truthy(killwords) || space < 0 ? head : head.slice(0, space);
  // Markup + str escapes the str.
  return s instanceof Markup ? new Markup(kept + escapeHtml(end)) : add(kept, end);
}

function indent(s: unknown, ...args: unknown[]): unknown {
  const [width = 4, first = false, blank = false] = bind('do_indent', ['width', 'first', 'blank'], args);
  const indention = textOf(width) ?? ' '.repeat(Math.max(0, intArg(width)));
  if (s instanceof Undefined) undefinedError(s);
  const text = textOf(s);
  // Python's `s += '\n'` extends a list, which then has no splitlines().
  if (Array.isArray(s) && !(s instanceof PyTuple)) return raise('AttributeError', `'list' object has no attribute 'splitlines'`);
  if (text === undefined) return raise('TypeError', `unsupported operand type(s) for +=: '${typeName(s)}' and 'str'`);
  const lines = splitLines(`${text}\n`);
  let out: string;
  if (truthy(blank)) out = lines.join(`\n${indention}`);
  else out = [lines[0] ?? '', ...lines.slice(1).map((line) => (line ? indention + line : line))].join('\n');
  return truthy(first) ? indention + out : out;
}

/** Python's urllib quote_from_bytes on UTF-8 (`/` safe outside query strings), with `+` for spaces in them. */
function urlQuote(value: unknown, forQuery: boolean): string {
  let out = '';
  for (const byte of Buffer.from(softStr(value), 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~-]/.test(c) || (!forQuery && c === '/') ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return forQuery ? out.replace(/%20/g, '+') : out;
}

function urlencode(value: unknown): string {
  const iterable =
    Array.isArray(value) ||
    isDict(value) ||
    value instanceof Undefined ||
    (value !== null && typeof value === 'object' && Symbol.iterator in value);
  if (textOf(value) !== undefined || !iterable) return urlQuote(value, false);
  const pairs = isDict(value)
    ? dictItems(value)
    : iterate(value).map((pair) => {
        const items = iterate(pair);
        if (items.length !== 2)
          raise(
            'ValueError',
            items.length < 2 ? `not enough values to unpack (expected 2, got ${items.length})` : 'too many values to unpack (expected 2)',
          );
        return items;
      });
  return pairs.map(([k, v]) => `${urlQuote(k, true)}=${urlQuote(v, true)}`).join('&');
}

function xmlattr(d: unknown, ...args: unknown[]): string {
  const [autospace = true] = bind('do_xmlattr', ['autospace'], args);
  if (d instanceof Undefined) undefinedError(d);
  if (!isDict(d)) return raise('AttributeError', `'${typeName(d)}' object has no attribute 'items'`);
  const items: string[] = [];
  for (const [key, value] of dictItems(d)) {
    if (value === null || value instanceof Undefined) continue;
    if (typeof key !== 'string') return raise('TypeError', 'expected string or bytes-like object');
    if (/[\s/>=]/.test(key)) raise('ValueError', `Invalid character in attribute name: ${stringRepr(key)}`);
    items.push(`${escapeHtml(key)}="${escapeHtml(value)}"`);
  }
  const out = items.join(' ');
  return truthy(autospace) && out ? ` ${out}` : out;
}

const SIZE_PREFIXES = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

function filesizeformat(value: unknown, ...args: unknown[]): string {
  const [binary = false] = bind('do_filesizeformat', ['binary'], args);
  const bytes = pyFloat(value);
  const isBinary = truthy(binary);
  const base = isBinary ? 1024 : 1000;
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let i = 0;
  for (; i < SIZE_PREFIXES.length - 1; i++) if (bytes < (isBinary ? 2 ** (10 * (i + 2)) : Number(`1e${3 * (i + 2)}`))) break;
  const unit = isBinary ? 2 ** (10 * (i + 2)) : Number(`1e${3 * (i + 2)}`);
  const prefix = isBinary ? `${(SIZE_PREFIXES[i] as string).toUpperCase()}iB` : `${SIZE_PREFIXES[i] as string}B`;
  return `${fixed((base * bytes) / unit, 1)} ${prefix}`;
}

function tojson(value: unknown, ...args: unknown[]): Markup {
  const [indentBy = null] = bind('do_tojson', ['indent'], args);
  const indentWidth =
    indentBy === null
      ? undefined
      : Math.max(0, numberOf(indentBy) ?? raise('TypeError', `can't multiply sequence by non-int of type '${typeName(indentBy)}'`));
  const json = jsonDumps(value, { sortKeys: true, ...(indentWidth === undefined ? {} : { indent: indentWidth }) });
  return new Markup(json.replace(/[<>&']/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`));
}

/** Markup's `%`: the arguments are escaped (numbers stay numbers for `%d`). */
const markupArg = (v: unknown): unknown => (numberOf(v) !== undefined ? v : escapeHtml(v));

function format(value: unknown, ...args: unknown[]): string | Markup {
  const last = args[args.length - 1];
  const hasKeywords = last !== null && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords === true;
  const positional = hasKeywords ? args.slice(0, -1) : args;
  const keywords = hasKeywords ? Object.fromEntries(Object.entries(last as object).filter(([k]) => k !== '__keywords')) : {};
  const hasAny = Object.keys(keywords).length > 0;
  if (positional.length && hasAny) raise('FilterArgumentError', "can't handle positional and keyword arguments at the same time");
  if (!(value instanceof Markup)) return printfFormat(softStr(value), hasAny ? keywords : PyTuple.of(...positional));
  const escaped = hasAny
    ? Object.fromEntries(Object.entries(keywords).map(([k, v]) => [k, markupArg(v)]))
    : PyTuple.of(...positional.map(markupArg));
  return new Markup(printfFormat(String(value), escaped));
}

function replace(s: unknown, ...args: unknown[]): string {
  const [old, replacement, count = null] = bind('do_replace', ['old', 'new', 'count'], args, 2);
  const times =
    count === null
      ? -1
      : isInt(count) || typeof count === 'boolean'
        ? Number(count)
        : raise('TypeError', `'${typeName(count)}' object cannot be interpreted as an integer`);
  return (pythonMethod(str(s), 'replace') as (...a: unknown[]) => string)(str(old), str(replacement), times);
}

function trim(value: unknown, ...args: unknown[]): string {
  const [chars = null] = bind('do_trim', ['chars'], args);
  const text = softStr(value);
  if (chars === null) return stripSpace(text);
  const set = textOf(chars) ?? raise('TypeError', 'strip arg must be None or str');
  return (pythonMethod(text, 'strip') as (c: string) => string)(set);
}

// Python's title case where it differs from upper case: the digraphs (ǆ → ǅ).
const TITLE_CASE: Record<string, string> = {
  ǆ: 'ǅ',
  ǅ: 'ǅ',
  Ǆ: 'ǅ',
  ǉ: 'ǈ',
  ǈ: 'ǈ',
  Ǉ: 'ǈ',
  ǌ: 'ǋ',
  ǋ: 'ǋ',
  Ǌ: 'ǋ',
  ǳ: 'ǲ',
  ǲ: 'ǲ',
  Ǳ: 'ǲ',
};

/** Python's str.capitalize(): the first character title-cased (ß → Ss), the rest lower-cased. */
function capitalize(value: unknown): string {
  const [first = '', ...rest] = softStr(value);
  const [head = '', ...tail] = TITLE_CASE[first] ?? first.toUpperCase();
  return head + tail.join('').toLowerCase() + rest.join('').toLowerCase();
}

/** A str method's result on Markup is Markup again. */
const keepMarkup =
  (fn: (s: string, ...args: unknown[]) => string): Filter =>
  (value, ...args) => {
    const out = fn(softStr(value), ...args);
    return value instanceof Markup ? new Markup(out) : out;
  };

export const TEXT_FILTERS: Record<string, Filter> = {
  escape: escapeHtml,
  e: escapeHtml,
  forceescape: (value) => escapeHtml(textOf(value) ?? str(value)),
  safe: (value) => (value instanceof Markup ? value : new Markup(str(value))),
  string: (value) => (value instanceof Markup ? value : softStr(value)),
  upper: keepMarkup((s) => s.toUpperCase()),
  lower: keepMarkup((s) => s.toLowerCase()),
  capitalize: keepMarkup(capitalize),
  title: (value) => title(softStr(value)),
  trim: keepMarkup(trim),
  striptags: (value) => stripTags(textOf(value) ?? str(value)),
  truncate,
  wordcount: (value) => softStr(value).match(/[\p{L}\p{N}_]+/gu)?.length ?? 0,
  indent: (value, ...args) => (value instanceof Markup ? new Markup(indent(String(value), ...args)) : indent(value, ...args)),
  center: keepMarkup((s, ...args) => center(s, intArg(bind('do_center', ['width'], args)[0] ?? 80))),
  replace,
  format,
  urlencode,
  xmlattr,
  filesizeformat,
  tojson,
};

import { splitArgs } from './call-args.js';
import { strFormat } from './py-format.js';
import { order } from './py-operators.js';
import {
  DictView,
  PyError,
  PyObject,
  PyTuple,
  dictKey,
  dictKeys,
  equals,
  isDict,
  setDictItem,
  str,
  takesTemplateValues,
  truthy,
  typeName,
} from './py-values.js';

/**
 * Methods of Python's str, list and dict, looked up by name on a template value: `'a,b'.split(',')`,
 * `items.append(x)` (which returns None, as Python's does), `d.items()`.
 */

type Method = (self: never, ...args: unknown[]) => unknown;

const WHITESPACE = ' \t\n\r\f\v';

const strip = (s: string, chars: unknown, where: 'both' | 'start' | 'end') => {
  const set = chars === undefined || chars === null ? WHITESPACE : String(chars);
  let start = 0;
  let end = s.length;
  if (where !== 'end') while (start < end && set.includes(s[start] as string)) start++;
  if (where !== 'start') while (end > start && set.includes(s[end - 1] as string)) end--;
  return s.slice(start, end);
};

const prefixes = (value: unknown) => (Array.isArray(value) ? value.map(String) : [String(value)]);

function splitText(s: string, sep: unknown, maxsplit: unknown, fromRight: boolean): string[] {
  const limit = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity;
  if (sep === undefined || sep === null) {
    const words = s.split(/[ \t\n\r\f\v]+/).filter((w) => w !== '');
    if (words.length <= limit + 1) return words;
    if (!fromRight) {
      const head = words.slice(0, limit);
      let rest = s.replace(/^[ \t\n\r\f\v]+/, '');
      for (let i = 0; i < limit; i++) rest = rest.replace(/^[^ \t\n\r\f\v]+[ \t\n\r\f\v]+/, '');
      return [...head, rest];
    }
    const tail = words.slice(words.length - limit);
    let rest = s.replace(/[ \t\n\r\f\v]+$/, '');
    for (let i = 0; i < limit; i++) rest = rest.replace(/[ \t\n\r\f\v]+[^ \t\n\r\f\v]+$/, '');
    return [rest, ...tail];
  }
  const separator = String(sep);
  if (separator === '') throw new PyError('ValueError', 'empty separator');
  const parts = s.split(separator);
  if (parts.length <= limit + 1) return parts;
  return fromRight
    ? [parts.slice(0, parts.length - limit).join(separator), ...parts.slice(parts.length - limit)]
    : [...parts.slice(0, limit), parts.slice(limit).join(separator)];
}

function replaceText(s: string, old: string, replacement: string, count: number): string {
  if (old === '') {
    const chars = [...s];
    let out = '';
    let left = count < 0 ? Infinity : count;
    for (let i = 0; i <= chars.length; i++) {
      if (left-- > 0) out += replacement;
      out += chars[i] ?? '';
    }
    return out;
  }
  let out = '';
  let from = 0;
  let left = count < 0 ? Infinity : count;
  while (left-- > 0) {
    const at = s.indexOf(old, from);
    if (at < 0) break;
    out += s.slice(from, at) + replacement;
    from = at + old.length;
  }
  return out + s.slice(from);
}

/** Python's `s[start:end]` for the optional bounds of find, count, startswith. */
function bounds(s: string, start: unknown, end: unknown): [number, number] {
  const at = (v: unknown, fallback: number) =>
    typeof v !== 'number' ? fallback : v < 0 ? Math.max(0, s.length + v) : Math.min(v, s.length);
  return [at(start, 0), at(end, s.length)];
}

const bounded = (s: string, start: unknown, end: unknown) => s.slice(...bounds(s, start, end));

function findIn(s: string, sub: string, start: unknown, end: unknown, fromRight: boolean): number {
  const [from, to] = bounds(s, start, end);
  const part = s.slice(from, to);
  const at = fromRight ? part.lastIndexOf(sub) : part.indexOf(sub);
  return at < 0 ? -1 : at + from;
}

const isUpperCased = (s: string) => /\p{Lu}/u.test(s) && !/\p{Ll}/u.test(s);
const isLowerCased = (s: string) => /\p{Ll}/u.test(s) && !/\p{Lu}/u.test(s);

/** Python's str.title(): a letter after a non-letter is upper-cased, the others lower-cased. */
export function titleCase(s: string): string {
  return s.toLowerCase().replace(/(^|[^\p{L}])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}

const STRING_METHODS: Record<string, Method> = {
  upper: (s: string) => s.toUpperCase(),
  lower: (s: string) => s.toLowerCase(),
  casefold: (s: string) => s.toLowerCase().replace(/ß/g, 'ss'),
  strip: (s: string, chars) => strip(s, chars, 'both'),
  lstrip: (s: string, chars) => strip(s, chars, 'start'),
  rstrip: (s: string, chars) => strip(s, chars, 'end'),
  title: (s: string) => titleCase(s),
  capitalize: (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  swapcase: (s: string) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  startswith: (s: string, prefix, start, end) => prefixes(prefix).some((p) => bounded(s, start, end).startsWith(p)),
  endswith: (s: string, suffix, start, end) => prefixes(suffix).some((p) => bounded(s, start, end).endsWith(p)),
  replace: (s: string, old, replacement, count) => replaceText(s, String(old), String(replacement), typeof count === 'number' ? count : -1),
  split: (s: string, ...args) => {
    const { positional, keywords } = splitArgs(args);
    return splitText(s, keywords.sep ?? positional[0], keywords.maxsplit ?? positional[1], false);
  },
  rsplit: (s: string, ...args) => {
    const { positional, keywords } = splitArgs(args);
    return splitText(s, keywords.sep ?? positional[0], keywords.maxsplit ?? positional[1], true);
  },
  expandtabs: (s: string, size) => {
    const width = typeof size === 'number' ? size : 8;
    let column = 0;
    let out = '';
    for (const c of s) {
      if (c === '\t') {
        const pad = width > 0 ? width - (column % width) : 0;
        out += ' '.repeat(pad);
        column += pad;
      } else {
        out += c;
        column = c === '\n' || c === '\r' ? 0 : column + 1;
      }
    }
    return out;
  },
  splitlines: (s: string, keepends) => {
    const lines = s.match(/[^\n\r]*(?:\r\n|\n|\r|$)/g)?.filter((l) => l !== '') ?? [];
    return truthy(keepends) ? lines : lines.map((l) => l.replace(/(\r\n|\n|\r)$/, ''));
  },
  join: (s: string, items) =>
    iterate(items)
      .map((item) => {
        if (typeof item !== 'string') throw new PyError('TypeError', `sequence item: expected str instance, ${typeName(item)} found`);
        return item;
      })
      .join(s),
  format: (s: string, ...args) => {
    const { positional, keywords } = splitArgs(args);
    return strFormat(s, positional, keywords);
  },
  find: (s: string, sub, start, end) => findIn(s, String(sub), start, end, false),
  rfind: (s: string, sub, start, end) => findIn(s, String(sub), start, end, true),
  index: (s: string, sub) => {
    const at = s.indexOf(String(sub));
    if (at < 0) throw new PyError('ValueError', 'substring not found');
    return at;
  },
  rindex: (s: string, sub) => {
    const at = s.lastIndexOf(String(sub));
    if (at < 0) throw new PyError('ValueError', 'substring not found');
    return at;
  },
  count: (s: string, sub, start, end) => {
    const part = bounded(s, start, end);
    return String(sub) === '' ? part.length + 1 : part.split(String(sub)).length - 1;
  },
  isdigit: (s: string) => /^\d+$/.test(s),
  isdecimal: (s: string) => /^\d+$/.test(s),
  isnumeric: (s: string) => /^\d+$/.test(s),
  isalpha: (s: string) => /^\p{L}+$/u.test(s),
  isalnum: (s: string) => /^[\p{L}\d]+$/u.test(s),
  isupper: (s: string) => isUpperCased(s),
  islower: (s: string) => isLowerCased(s),
  isspace: (s: string) => /^\s+$/.test(s),
  istitle: (s: string) => /\p{L}/u.test(s) && titleCase(s) === s,
  isidentifier: (s: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s),
  zfill: (s: string, width) => {
    const sign = /^[+-]/.test(s) ? (s[0] as string) : '';
    return sign + s.slice(sign.length).padStart(Number(width) - sign.length, '0');
  },
  ljust: (s: string, width, fill) => s.padEnd(Number(width), String(fill ?? ' ')),
  rjust: (s: string, width, fill) => s.padStart(Number(width), String(fill ?? ' ')),
  center: (s: string, width, fill) => {
    const room = Number(width) - s.length;
    if (room <= 0) return s;
    // Python puts the odd extra character on the left when the width is odd.
    const left = Math.floor(room / 2) + (room & Number(width) & 1);
    const f = String(fill ?? ' ');
    return f.repeat(left) + s + f.repeat(room - left);
  },
  partition: (s: string, sep) => {
    const at = s.indexOf(String(sep));
    return at < 0 ? PyTuple.of(s, '', '') : PyTuple.of(s.slice(0, at), String(sep), s.slice(at + String(sep).length));
  },
  rpartition: (s: string, sep) => {
    const at = s.lastIndexOf(String(sep));
    return at < 0 ? PyTuple.of('', '', s) : PyTuple.of(s.slice(0, at), String(sep), s.slice(at + String(sep).length));
  },
  removeprefix: (s: string, prefix) => (s.startsWith(String(prefix)) ? s.slice(String(prefix).length) : s),
  removesuffix: (s: string, suffix) => (String(suffix) !== '' && s.endsWith(String(suffix)) ? s.slice(0, -String(suffix).length) : s),
  encode: (s: string) => s,
  decode: (s: string) => s,
};

const LIST_METHODS: Record<string, Method> = {
  append: (l: unknown[], item) => {
    l.push(item);
    return null;
  },
  extend: (l: unknown[], items) => {
    for (const item of iterate(items)) l.push(item);
    return null;
  },
  insert: (l: unknown[], index, item) => {
    l.splice(Number(index) < 0 ? Math.max(0, l.length + Number(index)) : Number(index), 0, item);
    return null;
  },
  pop: (l: unknown[], index) => {
    if (l.length === 0) throw new PyError('IndexError', 'pop from empty list');
    const i = index === undefined ? l.length - 1 : Number(index) < 0 ? l.length + Number(index) : Number(index);
    if (i < 0 || i >= l.length) throw new PyError('IndexError', 'pop index out of range');
    return l.splice(i, 1)[0];
  },
  remove: (l: unknown[], item) => {
    const at = l.findIndex((x) => equals(x, item));
    if (at < 0) throw new PyError('ValueError', 'list.remove(x): x not in list');
    l.splice(at, 1);
    return null;
  },
  index: (l: unknown[], item) => {
    const at = l.findIndex((x) => equals(x, item));
    if (at < 0) throw new PyError('ValueError', `${str(item)} is not in list`);
    return at;
  },
  count: (l: unknown[], item) => l.filter((x) => equals(x, item)).length,
  sort: (l: unknown[], ...args) => {
    const { keywords } = splitArgs(args);
    l.sort((a, b) => order(a, b, '<'));
    if (truthy(keywords.reverse)) l.reverse();
    return null;
  },
  reverse: (l: unknown[]) => {
    l.reverse();
    return null;
  },
  copy: (l: unknown[]) => [...l],
  clear: (l: unknown[]) => {
    l.length = 0;
    return null;
  },
};

const TUPLE_METHODS: Record<string, Method> = { index: LIST_METHODS.index as Method, count: LIST_METHODS.count as Method };

const DICT_METHODS: Record<string, Method> = {
  items: (d: Record<string, unknown>) =>
    DictView.create(
      'dict_items',
      dictKeys(d).map((k) => PyTuple.of(k, d[dictKey(k)])),
    ),
  keys: (d: Record<string, unknown>) => DictView.create('dict_keys', dictKeys(d)),
  values: (d: Record<string, unknown>) => DictView.create('dict_values', Object.values(d)),
  get: (d: Record<string, unknown>, key, fallback = null) =>
    Object.prototype.hasOwnProperty.call(d, dictKey(key)) ? d[dictKey(key)] : fallback,
  update: (d: Record<string, unknown>, ...args) => {
    const { positional, keywords } = splitArgs(args);
    const other = positional[0];
    if (Array.isArray(other)) for (const pair of other) setDictItem(d, (pair as unknown[])[0], (pair as unknown[])[1]);
    else if (isDict(other)) for (const k of dictKeys(other)) setDictItem(d, k, other[dictKey(k)]);
    for (const key of Object.keys(keywords)) setDictItem(d, key, keywords[key]);
    return null;
  },
  pop: (d: Record<string, unknown>, key, ...fallback) => {
    const k = dictKey(key);
    if (!Object.prototype.hasOwnProperty.call(d, k)) {
      if (fallback.length) return fallback[0];
      throw new PyError('KeyError', str(key));
    }
    const value = d[k];
    delete d[k];
    return value;
  },
  popitem: (d: Record<string, unknown>) => {
    const keys = dictKeys(d);
    if (!keys.length) throw new PyError('KeyError', "'popitem(): dictionary is empty'");
    const last = keys[keys.length - 1];
    const value = d[dictKey(last)];
    delete d[dictKey(last)];
    return PyTuple.of(last, value);
  },
  setdefault: (d: Record<string, unknown>, key, fallback = null) => {
    const k = dictKey(key);
    if (!Object.prototype.hasOwnProperty.call(d, k)) setDictItem(d, key, fallback);
    return d[k];
  },
  copy: (d: Record<string, unknown>) => ({ ...d }),
  clear: (d: Record<string, unknown>) => {
    for (const k of Object.keys(d)) delete d[k];
    return null;
  },
};

/** The bound method `name` of a str, list, tuple or dict, or undefined when it has none. */
export function pythonMethod(self: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  const table =
    typeof self === 'string' ? STRING_METHODS : self instanceof PyTuple ? TUPLE_METHODS : Array.isArray(self) ? LIST_METHODS : DICT_METHODS;
  if (!Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  const method = table[name] as (self: unknown, ...args: unknown[]) => unknown;
  return takesTemplateValues((...args: unknown[]) => method(self, ...args));
}

/** The items a for loop (or `list()`, `join`, ...) sees: a dict's keys, a string's characters. */
export function iterate(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (value === null || value === undefined) throw new PyError('TypeError', `'NoneType' object is not iterable`);
  if (typeof value === 'object') {
    if (value instanceof Map) return [...value.keys()];
    if (value instanceof PyObject && (value.pyKeys || value.pyItems)) return (value.pyKeys?.() ?? value.pyItems?.()) as unknown[];
    if (Symbol.iterator in value) return [...(value as Iterable<unknown>)];
    if (isDict(value)) return dictKeys(value);
    if (typeName(value) === 'Undefined') return [];
  }
  throw new PyError('TypeError', `'${typeName(value)}' object is not iterable`);
}

import { Markup } from './py-values.js';
import { splitArgs } from './call-args.js';
import { iterate } from './py-methods.js';
import { item } from './py-runtime.js';
import { PyError, PyObject, PyTuple, Undefined, dictKey, dictKeys, isDict, numberOf, str, typeName } from './py-values.js';

/**
 * What Jinja's filters and tests share (jinja-filters*.ts, jinja-tests.ts): Python's argument
 * binding, markupsafe's Markup, lazy generators, Jinja's attribute getters, `len()`, exact
 * decimal rounding and Python's whitespace and number parsing.
 */

export const raise = (kind: string, message: string): never => {
  throw new PyError(kind, message);
};

export { Markup };

let serial = 0x7f3a5c00;

/** A Python generator or iterator: lazy, single-use, always true, no len(). */
export class PyGenerator implements Iterable<unknown> {
  private readonly address = (serial += 0x70).toString(16);
  constructor(
    private readonly source: Iterator<unknown>,
    /** How Python prints it, e.g. `generator object sync_do_map` or `list_reverseiterator object`. */
    private readonly label: string,
  ) {}
  [Symbol.iterator](): Iterator<unknown> {
    return this.source;
  }
  toString(): string {
    return `<${this.label} at 0x${this.address}>`;
  }
}
// Python's type name, which error messages (`object of type 'generator' has no len()`) use.
Object.defineProperty(PyGenerator, 'name', { value: 'generator' });

/** A generator function's generator, printed as Python prints `name`'s. */
export function generator(name: string, body: () => Generator<unknown>): PyGenerator {
  return new PyGenerator(body(), `generator object ${name}`);
}

/** Binds positional and keyword arguments to named parameters as Python does (missing ones are undefined). */
export function bind(fn: string, names: readonly string[], args: readonly unknown[], required = 0): unknown[] {
  const { positional, keywords } = splitArgs(args);
  if (positional.length > names.length)
    raise('TypeError', `${fn}() takes ${names.length + 1} positional arguments but ${positional.length + 1} were given`);
  const bound: unknown[] = names.map((_, i) => positional[i]);
  for (const key of Object.keys(keywords)) {
    const at = names.indexOf(key);
    if (at < 0) raise('TypeError', `${fn}() got an unexpected keyword argument '${key}'`);
    if (at < positional.length) raise('TypeError', `${fn}() got multiple values for argument '${key}'`);
    bound[at] = keywords[key];
  }
  const missing = names.slice(0, required).find((_, i) => bound[i] === undefined);
  if (missing !== undefined) raise('TypeError', `${fn}() missing 1 required positional argument: '${missing}'`);
  return bound;
}

/** A dict's (key, value) pairs, keys as Python sees them (not only strings). */
export const dictItems = (d: Record<string, unknown>): [unknown, unknown][] => dictKeys(d).map((k) => [k, d[dictKey(k)]]);

/** A str's text (Markup included), else undefined. */
export const textOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : v instanceof String ? String(v) : undefined);

/** markupsafe's soft_str: strings (and Markup) as they are, anything else through str(). */
export const softStr = (v: unknown): string => textOf(v) ?? str(v);

/** Python's int: a whole number that is not a bool or a float. */
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** An argument Python requires to be an int (bools count), as a number. */
export function intArg(v: unknown): number {
  if (isInt(v) || typeof v === 'boolean') return Number(v);
  return raise('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`);
}

/** Python's len(); strings count code points. */
export function pyLen(v: unknown): number {
  const text = textOf(v);
  if (text !== undefined) return [...text].length;
  if (Array.isArray(v)) return v.length;
  if (isDict(v)) return Object.keys(v).length;
  if (v instanceof Map || v instanceof Set) return v.size;
  if (v instanceof Undefined) return 0;
  if (v instanceof PyObject && (v.pyKeys || v.pyItems)) return ((v.pyKeys?.() ?? v.pyItems?.()) as unknown[]).length;
  return raise('TypeError', `object of type '${typeName(v)}' has no len()`);
}

/** Jinja's ignore_case: strings lower-cased, anything else as it is. */
export const ignoreCase = (v: unknown): unknown => {
  const text = textOf(v);
  return text === undefined ? v : text.toLowerCase();
};

/** `a.b.0` as Jinja splits an attribute path (digit parts are indexes). */
function attributeParts(attribute: unknown): unknown[] {
  if (attribute === null || attribute === undefined) return [];
  const text = textOf(attribute);
  if (text === undefined) return [attribute];
  return text.split('.').map((part) => (/^[0-9]+$/.test(part) ? Number(part) : part));
}

type Getter = (value: unknown) => unknown;

/** Jinja's make_attrgetter: follows a dotted path by item-then-attribute lookup. */
export function attrGetter(attribute: unknown, postprocess?: Getter, fallback: unknown = null): Getter {
  const parts = attributeParts(attribute);
  return (value) => {
    let found = value;
    for (const part of parts) {
      // An undefined attribute name finds nothing (Jinja's sandboxed getitem), rather than failing.
      found = part instanceof Undefined ? new Undefined(`'${typeName(found)} object' has no attribute ''`) : item(found, part);
      if (fallback !== null && fallback !== undefined && found instanceof Undefined) found = fallback;
    }
    return postprocess ? postprocess(found) : found;
  };
}

/** Jinja's make_multi_attrgetter: `a,b` gives a list of keys (a one-item list without commas). */
export function multiAttrGetter(attribute: unknown, postprocess?: Getter): Getter {
  const text = textOf(attribute);
  const getters = (text !== undefined ? text.split(',') : [attribute]).map((a) => attrGetter(a, postprocess));
  return (value) => getters.map((get) => get(value));
}

const ids = new WeakMap<object, number>();
let nextId = 0;

/** A key equal for values Python hashes equal (1, 1.0, True); raises for unhashable lists and dicts. */
export function hashKey(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v instanceof Undefined) return 'Undefined';
  const n = numberOf(v);
  if (n !== undefined) return `n${n}`;
  const text = textOf(v);
  if (text !== undefined) return `s${text}`;
  if (v instanceof PyTuple) return `t${JSON.stringify(v.map(hashKey))}`;
  if (Array.isArray(v) || isDict(v)) return raise('TypeError', `unhashable type: '${typeName(v)}'`);
  const obj = v as object;
  if (!ids.has(obj)) ids.set(obj, ++nextId);
  return `o${ids.get(obj)}`;
}

/** The items a for loop sees, as a fresh list. */
export const listOf = (v: unknown): unknown[] => [...iterate(v)];

// ---- exact decimal arithmetic on doubles (Python rounds on a float's exact binary value)

/** |x| as digits / 10^scale, exactly. */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const e = (exponent === 0 ? 1 : exponent) - 1075;
  return e >= 0 ? { digits: mantissa << BigInt(e), scale: 0 } : { digits: mantissa * 5n ** BigInt(-e), scale: -e };
}

/** |x| rounded half-even to n decimals, as an integer count of 10^-n. */
function roundedUnits(x: number, n: number): bigint {
  const { digits, scale } = exactDecimal(x);
  if (scale <= n) return digits * 10n ** BigInt(n - scale);
  const unit = 10n ** BigInt(scale - n);
  let q = digits / unit;
  const twice = 2n * (digits % unit);
  if (twice > unit || (twice === unit && q % 2n === 1n)) q += 1n;
  return q;
}

/** Python's round(x, n) on a float. */
export function roundFloat(x: number, n: number): number {
  if (!Number.isFinite(x) || x === 0 || exactDecimal(x).scale <= n) return x;
  const v = Number(`${roundedUnits(x, n)}e${-n}`);
  return x < 0 ? -v : v;
}

/** Python's `f'{x:.{n}f}'`. */
export function fixed(x: number, n: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const q = roundedUnits(x, n)
    .toString()
    .padStart(n + 1, '0');
  const body = n > 0 ? `${q.slice(0, -n)}.${q.slice(-n)}` : q;
  return x < 0 || Object.is(x, -0) ? `-${body}` : body;
}

// ---- Python's whitespace and number syntax

/** Python's str.isspace() characters. */
export const SPACE = '\\t-\\r\\x1c- \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const EDGE_SPACE = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'g');
/** Python's line boundaries (str.splitlines), a newline included. */
export const LINE_BREAKS = '\\r\\n|[\\n\\r\\v\\f\\x1c-\\x1e\\x85\\u2028\\u2029]';
const LINE_BREAK = new RegExp(LINE_BREAKS);

/** Python's str.strip() without arguments. */
export const stripSpace = (s: string): string => s.replace(EDGE_SPACE, '');

/** Python's str.split() without arguments. */
export const splitSpace = (s: string): string[] => s.split(new RegExp(`[${SPACE}]+`)).filter((w) => w !== '');

/** Python's str.splitlines(). */
export function splitLines(s: string): string[] {
  const lines = s.split(LINE_BREAK);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const DIGITS = '[0-9](?:_?[0-9])*';
const FLOAT_TEXT = new RegExp(`^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`, 'i');

/** Python's float(): a number, or the ValueError/TypeError float() raises. */
export function pyFloat(v: unknown): number {
  if (v instanceof Undefined) throw new PyError('UndefinedError', v.hint);
  const n = numberOf(v);
  if (n !== undefined) return n;
  const text = textOf(v);
  if (text === undefined) return raise('TypeError', `float() argument must be a string or a real number, not '${typeName(v)}'`);
  const t = stripSpace(text);
  if (!FLOAT_TEXT.test(t)) return raise('ValueError', `could not convert string to float: ${JSON.stringify(text)}`);
  const lower = t.toLowerCase().replace(/_/g, '');
  if (/^[+-]?nan$/.test(lower)) return NaN;
  if (/^[+-]?inf/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(lower);
}

/** Python's int(text, base): a number, or the ValueError it raises. */
export function parseIntText(text: string, base: number): number {
  const fail = () => raise('ValueError', `invalid literal for int() with base ${base}: ${JSON.stringify(text)}`);
  if (base !== 0 && (base < 2 || base > 36)) raise('ValueError', 'int() base must be >= 2 and <= 36, or 0');
  const m = /^([+-]?)(?:0([xob]))?(.*)$/i.exec(stripSpace(text)) as RegExpExecArray;
  const [, sign, prefix, rest] = m as unknown as [string, string, string | undefined, string];
  const prefixBase = prefix === undefined ? undefined : { x: 16, o: 8, b: 2 }[prefix.toLowerCase()];
  let b = base;
  let body = rest;
  if (prefixBase !== undefined && (base === 0 || base === prefixBase)) {
    b = prefixBase;
    body = body.replace(/^_/, '');
  } else if (prefix !== undefined) body = `0${prefix}${rest}`;
  else if (base === 0) b = 10;
  if (base === 0 && b === 10 && /^0+[1-9]/.test(body)) fail();
  const digit = (c: string) => parseInt(c, 36);
  if (!/^[0-9a-z]+(?:_[0-9a-z]+)*$/i.test(body) || [...body.replace(/_/g, '')].some((c) => !(digit(c) < b))) fail();
  const value = [...body.replace(/_/g, '')].reduce((acc, c) => acc * b + digit(c), 0);
  return sign === '-' ? -value : value;
}

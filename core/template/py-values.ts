/**
 * Python's values as templates see them, on JavaScript values: None is `null`, int and float are
 * numbers (a float whose value is whole is a {@link PyFloat}, so `4 / 2` prints `2.0`), a tuple is
 * a {@link PyTuple} (an array), a dict is a plain object, Jinja's Undefined is an {@link Undefined}.
 * This module is the one place that says how each prints, compares and tests true.
 */

/** Marks functions that take template values as they are (macros, filters, tests, str/list/dict methods). */
export const IS_MACRO = Symbol('strata.macro');

/** Marks a JavaScript function (a filter, a test) as taking template values as they are: Undefined, PyFloat. */
export function takesTemplateValues<F extends (...args: never[]) => unknown>(fn: F): F {
  (fn as unknown as Record<symbol, unknown>)[IS_MACRO] = true;
  return fn;
}

/** A Python float whose value is whole (`2.0`); other floats are plain numbers with a fraction. */
export class PyFloat extends Number {
  override toString(): string {
    return floatRepr(this.valueOf());
  }
  toJSON(): number {
    return this.valueOf();
  }
}

/** A Python tuple: an array that prints with parentheses. Copies made by array methods are lists. */
export class PyTuple<T = unknown> extends Array<T> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  /** A tuple of the given items (`new PyTuple(3)` would make three holes). */
  static override of<T>(...items: T[]): PyTuple<T> {
    return PyTuple.fromItems(items);
  }
  /** A tuple of a list's items (one by one: spreading 100,000 items would overflow the stack). */
  static fromItems<T>(items: readonly T[]): PyTuple<T> {
    const tuple = new PyTuple<T>();
    for (const item of items) tuple.push(item);
    return tuple;
  }
}

/** A dict view (`d.items()`, `d.keys()`, `d.values()`): a list that prints as `dict_items([...])`. */
export class DictView extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  declare kind: 'dict_items' | 'dict_keys' | 'dict_values';
  static create(kind: DictView['kind'], items: unknown[]): DictView {
    const view = new DictView();
    view.kind = kind;
    for (const item of items) view.push(item);
    return view;
  }
}

/** Python's range(): a list of its numbers that prints as `range(0, 3)`. */
export class PyRange extends Array<number> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  declare start: number;
  declare stop: number;
  declare step: number;
  /** range(stop), range(start, stop[, step]); the sandbox's limit of 100,000 items, as dbt's Jinja. */
  static create(args: number[]): PyRange {
    const [start, stop, step = 1] = args.length === 1 ? [0, args[0] as number] : (args as [number, number, number?]);
    if (step === 0) throw new PyError('ValueError', 'range() arg 3 must not be zero');
    const range = new PyRange();
    Object.assign(range, { start, stop, step });
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
      if (range.length >= 100_000)
        throw new PyError('OverflowError', 'Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).');
      range.push(i);
    }
    return range;
  }
  override toString(): string {
    return this.step === 1 ? `range(${this.start}, ${this.stop})` : `range(${this.start}, ${this.stop}, ${this.step})`;
  }
}

/**
 * A host object with Python behaviour (dbt's Relation, Column, agate tables): its Python type
 * name, and optionally `==` by value, a repr, mapping keys (`is mapping`, iteration, `in`) and
 * len(). The template runtime consults these; everything else is plain attribute access.
 */
export abstract class PyObject {
  /** Python's type name, as error messages and `typeName` give it. */
  abstract readonly pyType: string;
  /** Python's `==`. */
  pyEquals?(other: unknown): boolean;
  /** Python's repr(). */
  pyRepr?(): string;
  /** A mapping's keys: the object is a mapping (`is mapping`), iterates over and contains them. */
  pyKeys?(): unknown[];
  /** What iteration gives, for a sequence that is not a mapping. */
  pyItems?(): unknown[];
  /** `obj[key]` (and `obj.name` when no attribute has that name); `undefined` when there is no such item. */
  pyGetItem?(key: unknown): unknown;
}

/** Python's decimal.Decimal, as database drivers hand numerics over: prints its exact digits. */
export class PyDecimal extends Number {
  constructor(readonly text: string) {
    super(Number(text));
  }
  override toString(): string {
    return this.text;
  }
  toJSON(): number {
    return this.valueOf();
  }
}

/** markupsafe's Markup: text already escaped, which `escape` leaves alone and `is escaped` sees. */
export class Markup extends String {}

/** Jinja's Undefined: prints as nothing, is false, iterates as empty; most other uses fail. */
export class Undefined {
  constructor(
    /** Why it is undefined, e.g. `'x' is undefined` or `'dict object' has no attribute 'y'`. */
    readonly hint: string,
  ) {}
  toString(): string {
    return '';
  }
  toJSON(): null {
    return null;
  }
}

/** Jinja's UndefinedError and TypeError-like failures, with Python's message. */
export class PyError extends Error {
  constructor(
    /** Python's exception class name, e.g. `UndefinedError`, `TypeError`. */
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = kind;
  }
}

/** Raises Jinja's UndefinedError for a use of an undefined value. */
export function undefinedError(value: Undefined): never {
  throw new PyError('UndefinedError', value.hint);
}

/** Whether a value is a float in Python's sense. */
export function isFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value));
}

/** A number as Python's float. */
export function toFloat(value: number): number | PyFloat {
  return Number.isInteger(value) ? new PyFloat(value) : value;
}

/** A number (int or float) as a JavaScript number, or undefined when the value is not one. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value instanceof PyFloat || value instanceof PyDecimal) return value.valueOf();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

/** Python's name for a value's type, as its error messages use it. */
export function typeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (value instanceof Undefined) return 'Undefined';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (value instanceof PyFloat) return 'float';
  if (value instanceof PyDecimal) return 'Decimal';
  if (value instanceof PyObject) return value.pyType;
  if (typeof value === 'string' || value instanceof String) return 'str';
  if (value instanceof PyTuple) return 'tuple';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'function') return 'function';
  if (isDict(value)) return 'dict';
  return (value as object).constructor?.name ?? 'object';
}

/** Plain objects and Maps: Python dicts. */
export function isDict(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  if (value === Object.prototype) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Dicts are plain objects, whose keys are strings. A Python key of another type (`{1: 'a'}`,
 * `{(a, b): 1}`) is stored under an encoded string that cannot clash with a real one, and the
 * original key is kept beside the dict, so it prints, iterates and compares as Python's would.
 * Numbers and bools encode by value, as Python hashes them (1, 1.0 and True are one key).
 */
const ORIGINAL_KEYS = Symbol('strata.originalKeys');
const KEY_MARK = '\u0000';

/** The string a key is stored under. */
export function dictKey(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key instanceof String) return String(key);
  const n = numberOf(key);
  return KEY_MARK + (n !== undefined ? `n${n}` : key === null ? 'None' : repr(key));
}

/** Sets `dict[key] = value`, keeping a non-string key's original value for printing and iteration. */
export function setDictItem(dict: Record<string, unknown>, key: unknown, value: unknown): void {
  const k = dictKey(key);
  if (k.startsWith(KEY_MARK) && !Object.prototype.hasOwnProperty.call(dict, k)) {
    const originals = ((dict as Record<symbol, Map<string, unknown>>)[ORIGINAL_KEYS] ??= new Map());
    originals.set(k, key);
  }
  // A `__proto__` key is a key like any other (assigning it would change the dict's prototype).
  if (k === '__proto__') Object.defineProperty(dict, k, { value, writable: true, enumerable: true, configurable: true });
  else dict[k] = value;
}

/** A dict's keys as Python sees them, in insertion order. */
export function dictKeys(dict: Record<string, unknown>): unknown[] {
  const originals = (dict as Record<symbol, Map<string, unknown> | undefined>)[ORIGINAL_KEYS];
  const keys = Object.keys(dict);
  return originals ? keys.map((k) => (originals.has(k) ? originals.get(k) : k)) : keys;
}

/** Python's truth value: empty strings, lists, dicts, zero, None and Undefined are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (value === true) return true;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Undefined) return false;
  if (value instanceof PyFloat || value instanceof PyDecimal) return value.valueOf() !== 0;
  if (value instanceof PyObject) return (value.pyKeys?.() ?? value.pyItems?.())?.length !== 0;
  if (value instanceof String) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (isDict(value)) {
    for (const _ in value) return true;
    return false;
  }
  return true;
}

/** Python's `==`: by value for lists, tuples and dicts; 1 == 1.0 == True. */
export function equals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
  if (a === undefined || b === undefined) return false;
  if (a instanceof PyObject && a.pyEquals) return a.pyEquals(b);
  if (b instanceof PyObject && b.pyEquals) return b.pyEquals(a);
  const sa = typeof a === 'string' ? a : a instanceof String ? String(a) : undefined;
  const sb = typeof b === 'string' ? b : b instanceof String ? String(b) : undefined;
  if (sa !== undefined || sb !== undefined) return sa === sb;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a instanceof PyTuple !== b instanceof PyTuple || a.length !== b.length) return false;
    return a.every((item, i) => equals(item, b[i]));
  }
  if (isDict(a) && isDict(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equals(a[k], b[k]));
  }
  return false;
}

/** Python's `str()`: what `{{ value }}` prints. */
export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : floatRepr(value);
  if (value === null) return 'None';
  if (value === undefined) return '';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value instanceof String) return String(value);
  if (Array.isArray(value) || isDict(value)) return repr(value);
  // A function prints as Python's do, not as its JavaScript source (macros print `<Macro 'name'>`).
  if (typeof value === 'function' && !Object.prototype.hasOwnProperty.call(value, 'toString'))
    return `<function ${value.name || '<lambda>'}>`;
  return String(value);
}

/** Python's `repr()`: how values print inside lists, tuples and dicts. */
export function repr(value: unknown): string {
  if (value instanceof Markup) return `Markup(${stringRepr(String(value))})`;
  if (typeof value === 'string' || value instanceof String) return stringRepr(String(value));
  if (value instanceof PyRange) return value.toString();
  if (value instanceof DictView) return `${value.kind}([${value.map(repr).join(', ')}])`;
  if (value instanceof PyTuple) return value.length === 1 ? `(${repr(value[0])},)` : `(${value.map(repr).join(', ')})`;
  if (Array.isArray(value)) return `[${value.map(repr).join(', ')}]`;
  if (value instanceof Undefined) return 'Undefined';
  if (value instanceof PyDecimal) return `Decimal('${value.text}')`;
  if (value instanceof PyObject && value.pyRepr) return value.pyRepr();
  if (isDict(value))
    return `{${dictKeys(value)
      .map((k) => `${repr(k)}: ${repr(value[dictKey(k)])}`)
      .join(', ')}}`;
  return str(value);
}

/** What Python's str.isprintable() calls not printable: control, format, separator (but space), unassigned. */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's repr of a str: single quotes unless the text has one and no double quote. */
export function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char !== ' ' && NOT_PRINTABLE.test(char))
      out +=
        code < 0x100
          ? `\\x${code.toString(16).padStart(2, '0')}`
          : code < 0x10000
            ? `\\u${code.toString(16).padStart(4, '0')}`
            : `\\U${code.toString(16).padStart(8, '0')}`;
    else out += char;
  }
  return out + quote;
}

/** Python's repr of a float: shortest round-trip digits, `.0` on whole values, exponent from 1e16. */
export function floatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(value);
  if (abs >= 1e16 || abs < 1e-4) {
    // JavaScript's exponent form: 1e+21, 1.5e-7; Python's: 1e+21, 1.5e-07 (two exponent digits at least).
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  const text = String(value);
  return text.includes('.') ? text : `${text}.0`;
}

import {
  Markup,
  PyGenerator,
  attrGetter,
  bind,
  dictItems,
  generator,
  hashKey,
  ignoreCase,
  intArg,
  listOf,
  multiAttrGetter,
  parseIntText,
  pyFloat,
  pyLen,
  raise,
  roundFloat,
  textOf,
} from './jinja-filters-support.js';
import { pprint, wordwrap } from './jinja-filters-layout.js';
import { TEXT_FILTERS } from './jinja-filters-text.js';
import { JINJA_TESTS } from './jinja-tests.js';
import { iterate, pythonMethod } from './py-methods.js';
import { add, floordiv, mod, mul, order, sub } from './py-operators.js';
import { attr, call, takesTemplateValues } from './py-runtime.js';
import {
  PyError,
  PyFloat,
  PyTuple,
  Undefined,
  equals,
  isDict,
  isFloat,
  numberOf,
  str,
  toFloat,
  truthy,
  typeName,
  undefinedError,
} from './py-values.js';

/**
 * Jinja2's built-in filters with Python semantics, on template values (see py-values.ts):
 * what `{{ value | name(args) }}` calls. Keyword arguments arrive as nunjucks passes them (a
 * trailing object flagged `__keywords`; see call-args.ts). Filters that are generators in Jinja
 * (map, select, unique, batch, ...) return a lazy, single-use {@link PyGenerator}, as there.
 */

/** A filter: the value, then the filter's arguments. */
export type Filter = (value: unknown, ...args: unknown[]) => unknown;

/** The result of `groupby`: a (grouper, list) tuple that also has those two as attributes. */
export class GroupTuple extends PyTuple {
  static group(grouper: unknown, list: unknown[]): GroupTuple {
    const tuple = new GroupTuple();
    tuple.push(grouper, list);
    return tuple;
  }
  get grouper(): unknown {
    return this[0];
  }
  get list(): unknown {
    return this[1];
  }
}

/** Python's sorted(): stable, keys computed once, `reverse` keeping equal items in order. */
function sortBy(items: readonly unknown[], key: (v: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = items.map((value) => ({ value, key: key(value) }));
  keyed.sort((a, b) => (reverse ? order(b.key, a.key, '<') : order(a.key, b.key, '<')));
  return keyed.map((k) => k.value);
}

const caseKey = (caseSensitive: unknown) => (truthy(caseSensitive) ? undefined : ignoreCase);

/** A filter or test named by a string argument (`map('upper')`, `select('odd')`): the environment's, else ours. */
type EnvironmentTables = { filters?: Record<string, unknown>; tests?: Record<string, unknown> };

/** The environment of a filter's context (nunjucks calls filters with the context as `this`). */
const environmentOf = (context: unknown): EnvironmentTables | undefined => (context as { env?: EnvironmentTables } | undefined)?.env;

function named(kind: 'filter' | 'test', name: unknown, context: unknown): unknown {
  const text = textOf(name);
  const env = environmentOf(context);
  const table: Record<string, unknown> =
    (kind === 'filter' ? env?.filters : env?.tests) ?? (kind === 'filter' ? JINJA_FILTERS : JINJA_TESTS);
  if (text !== undefined && Object.prototype.hasOwnProperty.call(table, text)) return table[text];
  const hint = name instanceof Undefined ? ` (${name.hint}; did you forget to quote the callable name?)` : '';
  return raise('TemplateRuntimeError', `No ${kind} named ${text !== undefined ? `'${text}'` : str(name)}.${hint}`);
}

/** Splits `*args` from a trailing keywords object (kept for passing on). */
function splitRest(args: readonly unknown[]): { positional: unknown[]; keywords: Record<string, unknown> | undefined } {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords === true) {
    const { __keywords: _flag, ...keywords } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), keywords: Object.keys(keywords).length ? keywords : undefined };
  }
  return { positional: [...args], keywords: undefined };
}

/** Jinja's prepare_select_or_reject + select_or_reject, lazily. */
function selectOrReject(context: unknown, value: unknown, args: unknown[], keep: boolean, lookupAttr: boolean): PyGenerator {
  return generator('select_or_reject', function* () {
    if (!truthy(value)) return;
    const { positional, keywords } = splitRest(args);
    if (lookupAttr && positional.length === 0) raise('FilterArgumentError', 'Missing parameter for attribute name');
    const transform = lookupAttr ? attrGetter(positional[0]) : (v: unknown) => v;
    const off = lookupAttr ? 1 : 0;
    const testArgs = positional.slice(off + 1);
    // The test is looked up when the first item is tested, as Jinja's call_test does.
    const passes = (v: unknown) =>
      positional.length > off
        ? truthy(call(named('test', positional[off], context), environmentOf(context), [v, ...testArgs], keywords))
        : truthy(v);
    for (const item of iterate(value)) if (passes(transform(item)) === keep) yield item;
  });
}

function map(this: unknown, value: unknown, ...args: unknown[]): PyGenerator {
  return generator(
    'sync_do_map',
    function* (this: unknown) {
      if (!truthy(value)) return;
      const { positional, keywords } = splitRest(args);
      let fn: (v: unknown) => unknown;
      if (positional.length === 0 && keywords && 'attribute' in keywords) {
        const { attribute, default: fallback = null, ...rest } = keywords;
        const extra = Object.keys(rest)[0];
        if (extra !== undefined) raise('FilterArgumentError', `Unexpected keyword argument '${extra}'`);
        fn = attrGetter(attribute, undefined, fallback);
      } else {
        if (positional.length === 0) raise('FilterArgumentError', 'map requires a filter argument');
        fn = (v) => call(named('filter', positional[0], this), this, [v, ...positional.slice(1)], keywords);
      }
      for (const item of iterate(value)) yield fn(item);
    }.bind(this),
  );
}

function minOrMax(value: unknown, args: unknown[], op: '<' | '>'): unknown {
  const [caseSensitive = false, attribute = null] = bind(op === '<' ? 'do_min' : 'do_max', ['case_sensitive', 'attribute'], args);
  const items = iterate(value);
  if (items.length === 0) return new Undefined('No aggregated item, sequence was empty.');
  const key = attrGetter(attribute, caseKey(caseSensitive));
  let best = items[0];
  let bestKey = key(best);
  for (const item of items.slice(1)) {
    const k = key(item);
    if (op === '<' ? order(k, bestKey, op) < 0 : order(k, bestKey, op) > 0) [best, bestKey] = [item, k];
  }
  return best;
}

/** Python's round(value, precision): ints stay ints. */
function round(value: unknown, ...args: unknown[]): unknown {
  const [precision = 0, method = 'common'] = bind('do_round', ['precision', 'method'], args);
  if (!['common', 'ceil', 'floor'].some((m) => equals(m, method))) raise('FilterArgumentError', 'method must be common, ceil or floor');
  const n = numberOf(value);
  const digits = intArg(precision);
  if (!equals(method, 'common')) {
    const scale = Number(`1e${digits}`);
    if (value instanceof Undefined) undefinedError(value);
    const scaled = n === undefined ? raise('TypeError', `must be real number, not ${typeName(value)}`) : n * scale;
    // Python's math.ceil/floor give an int, so a zero result has no sign: -0.001|round(2, 'ceil') is 0.0.
    return toFloat(((equals(method, 'ceil') ? Math.ceil(scaled) : Math.floor(scaled)) || 0) / scale);
  }
  if (n === undefined) return raise('TypeError', `type ${typeName(value)} doesn't define __round__ method`);
  if (isFloat(value)) return toFloat(roundFloat(n, digits));
  if (digits >= 0) return n;
  const unit = 10n ** BigInt(-digits);
  const big = BigInt(n);
  const rest = ((big % unit) + unit) % unit;
  const down = big - rest;
  const roundUp = 2n * rest > unit || (2n * rest === unit && (down / unit) % 2n !== 0n);
  return Number(roundUp ? down + unit : down);
}

function toInt(value: unknown, ...args: unknown[]): unknown {
  const [fallback = 0, base = 10] = bind('do_int', ['default', 'base'], args);
  if (value instanceof Undefined) undefinedError(value);
  const text = textOf(value);
  try {
    if (text !== undefined) return parseIntText(text, intArg(base));
    const n = numberOf(value);
    if (n === undefined) return raise('TypeError', `int() argument must be a string or a real number, not '${typeName(value)}'`);
    if (Number.isNaN(n)) return raise('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(n)) throw new PyError('OverflowError', 'cannot convert float infinity to integer');
    return Math.trunc(n) + 0;
  } catch (err) {
    if (!(err instanceof PyError) || (err.kind !== 'TypeError' && err.kind !== 'ValueError')) throw err;
    try {
      const n = pyFloat(value);
      return Number.isFinite(n) ? Math.trunc(n) + 0 : fallback;
    } catch (inner) {
      if (inner instanceof PyError && ['TypeError', 'ValueError'].includes(inner.kind)) return fallback;
      throw inner;
    }
  }
}

function toFloatFilter(value: unknown, ...args: unknown[]): unknown {
  const [fallback = new PyFloat(0)] = bind('do_float', ['default'], args);
  try {
    return toFloat(pyFloat(value));
  } catch (err) {
    if (err instanceof PyError && (err.kind === 'TypeError' || err.kind === 'ValueError')) return fallback;
    throw err;
  }
}

/** Python's reversed(): lists, tuples, strings, dicts and Undefined; anything else is not reversible. */
function reversedItems(value: unknown): unknown[] | undefined {
  if (Array.isArray(value) || isDict(value) || value instanceof Undefined || textOf(value) !== undefined)
    return [...iterate(value)].reverse();
  return undefined;
}

function reverse(value: unknown): unknown {
  const text = textOf(value);
  if (text !== undefined) return value instanceof Markup ? new Markup([...text].reverse().join('')) : [...text].reverse().join('');
  const items = reversedItems(value);
  if (items !== undefined) {
    const label =
      value instanceof PyTuple || value instanceof Undefined
        ? 'reversed object'
        : Array.isArray(value)
          ? 'list_reverseiterator object'
          : 'dict_reversekeyiterator object';
    return new PyGenerator(items[Symbol.iterator](), label);
  }
  try {
    return listOf(value).reverse();
  } catch (err) {
    if (err instanceof PyError && err.kind === 'TypeError') raise('FilterArgumentError', 'argument must be iterable');
    throw err;
  }
}

function first(value: unknown): unknown {
  if (value instanceof PyGenerator) {
    const next = value[Symbol.iterator]().next();
    return next.done ? new Undefined('No first item, sequence was empty.') : next.value;
  }
  const items = iterate(value);
  return items.length ? items[0] : new Undefined('No first item, sequence was empty.');
}

function last(value: unknown): unknown {
  const items = reversedItems(value) ?? raise('TypeError', `'${typeName(value)}' object is not reversible`);
  return items.length ? items[0] : new Undefined('No last item, sequence was empty.');
}

function join(value: unknown, ...args: unknown[]): string {
  const [d = '', attribute = null] = bind('do_join', ['d', 'attribute'], args);
  const items = iterate(value);
  const get = attribute === null ? (v: unknown) => v : attrGetter(attribute);
  return items.map((v) => str(get(v))).join(str(d));
}

function sum(value: unknown, ...args: unknown[]): unknown {
  const [attribute = null, start = 0] = bind('sync_do_sum', ['attribute', 'start'], args);
  if (textOf(start) !== undefined) raise('TypeError', "sum() can't sum strings [use ''.join(seq) instead]");
  const get = attribute === null ? (v: unknown) => v : attrGetter(attribute);
  return iterate(value).reduce((total: unknown, item) => add(total, get(item)), start);
}

function dictsort(value: unknown, ...args: unknown[]): unknown[] {
  const [caseSensitive = false, by = 'key', reverseOrder = false] = bind('do_dictsort', ['case_sensitive', 'by', 'reverse'], args);
  const pos = equals(by, 'key')
    ? 0
    : equals(by, 'value')
      ? 1
      : raise('FilterArgumentError', 'You can only sort by either "key" or "value"');
  if (value instanceof Undefined) undefinedError(value);
  if (!isDict(value)) raise('AttributeError', `'${typeName(value)}' object has no attribute 'items'`);
  const items = dictItems(value as Record<string, unknown>).map(([k, v]) => PyTuple.of(k, v));
  const post = caseKey(caseSensitive);
  return sortBy(items, (pair) => (post ? post((pair as PyTuple)[pos]) : (pair as PyTuple)[pos]), truthy(reverseOrder));
}

function groupby(value: unknown, ...args: unknown[]): GroupTuple[] {
  const [attribute, fallback = null, caseSensitive = false] = bind('sync_do_groupby', ['attribute', 'default', 'case_sensitive'], args, 1);
  const key = attrGetter(attribute, caseKey(caseSensitive), fallback);
  const groups: [unknown, unknown[]][] = [];
  for (const item of sortBy(iterate(value), key, false)) {
    const k = key(item);
    const current = groups[groups.length - 1];
    if (current && equals(current[0], k)) current[1].push(item);
    else groups.push([k, [item]]);
  }
  const grouper = truthy(caseSensitive) ? undefined : attrGetter(attribute, undefined, fallback);
  return groups.map(([k, items]) => GroupTuple.group(grouper ? grouper(items[0]) : k, items));
}

function batch(value: unknown, ...args: unknown[]): PyGenerator {
  const [linecount, fillWith = null] = bind('do_batch', ['linecount', 'fill_with'], args, 1);
  return generator('do_batch', function* () {
    let tmp: unknown[] = [];
    for (const item of iterate(value)) {
      if (equals(tmp.length, linecount)) {
        yield tmp;
        tmp = [];
      }
      tmp.push(item);
    }
    if (!tmp.length) return;
    if (fillWith !== null && order(tmp.length, linecount, '<') < 0)
      tmp = add(tmp, mul([fillWith], sub(linecount, tmp.length))) as unknown[];
    yield tmp;
  });
}

function slice(value: unknown, ...args: unknown[]): PyGenerator {
  const [slices, fillWith = null] = bind('sync_do_slice', ['slices', 'fill_with'], args, 1);
  return generator('sync_do_slice', function* () {
    const seq = listOf(value);
    const perSlice = floordiv(seq.length, slices) as number;
    const withExtra = mod(seq.length, slices) as number;
    let offset = 0;
    for (let n = 0; n < intArg(slices); n++) {
      const start = offset + n * perSlice;
      if (n < withExtra) offset += 1;
      const part = seq.slice(start, Math.max(start, offset + (n + 1) * perSlice));
      if (fillWith !== null && n >= withExtra) part.push(fillWith);
      yield part;
    }
  });
}

function unique(value: unknown, ...args: unknown[]): PyGenerator {
  const [caseSensitive = false, attribute = null] = bind('sync_do_unique', ['case_sensitive', 'attribute'], args);
  return generator('sync_do_unique', function* () {
    const key = attrGetter(attribute, caseKey(caseSensitive));
    const seen = new Set<string>();
    for (const item of iterate(value)) {
      const k = hashKey(key(item));
      if (!seen.has(k)) {
        seen.add(k);
        yield item;
      }
    }
  });
}

function items(value: unknown): PyGenerator {
  return generator('do_items', function* () {
    if (value instanceof Undefined) return;
    if (!isDict(value)) raise('TypeError', 'Can only get item pairs from a mapping.');
    for (const [k, v] of dictItems(value as Record<string, unknown>)) yield PyTuple.of(k, v);
  });
}

/** Jinja's attr: an attribute only (a dict's keys are items, not attributes), sandboxed. */
function attrFilter(obj: unknown, ...args: unknown[]): unknown {
  const [name] = bind('do_attr', ['name'], args, 1);
  const key = textOf(name) ?? raise('TypeError', 'attribute name must be string');
  if (obj instanceof Undefined) undefinedError(obj);
  if (isDict(obj)) return pythonMethod(obj, key) ?? new Undefined(`'dict object' has no attribute '${key}'`);
  return attr(obj, key);
}

function abs(value: unknown): unknown {
  const n = numberOf(value);
  if (n === undefined) return raise('TypeError', `bad operand type for abs(): '${typeName(value)}'`);
  return isFloat(value) ? toFloat(Math.abs(n)) : Math.abs(n);
}

function random(value: unknown): unknown {
  const seq = textOf(value) !== undefined ? [...(textOf(value) as string)] : Array.isArray(value) ? value : undefined;
  if (seq === undefined && pyLen(value) === 0) return new Undefined('No random item, sequence was empty.');
  if (seq === undefined) return raise('TypeError', `'${typeName(value)}' object is not subscriptable`);
  return seq.length ? seq[Math.floor(Math.random() * seq.length)] : new Undefined('No random item, sequence was empty.');
}

function defaultFilter(value: unknown, ...args: unknown[]): unknown {
  const [fallback = '', boolean = false] = bind('do_default', ['default_value', 'boolean'], args);
  return value instanceof Undefined || value === undefined || (truthy(boolean) && !truthy(value)) ? fallback : value;
}

const FILTERS: Record<string, Filter> = {
  ...TEXT_FILTERS,
  wordwrap,
  pprint,
  abs,
  attr: attrFilter,
  batch,
  count: pyLen,
  length: pyLen,
  d: defaultFilter,
  default: defaultFilter,
  dictsort,
  first,
  last,
  float: toFloatFilter,
  int: toInt,
  groupby,
  join,
  list: listOf,
  items,
  map,
  min: (value, ...args) => minOrMax(value, args, '<'),
  max: (value, ...args) => minOrMax(value, args, '>'),
  random,
  reverse,
  round,
  select(value, ...args) {
    return selectOrReject(this, value, args, true, false);
  },
  reject(value, ...args) {
    return selectOrReject(this, value, args, false, false);
  },
  selectattr(value, ...args) {
    return selectOrReject(this, value, args, true, true);
  },
  rejectattr(value, ...args) {
    return selectOrReject(this, value, args, false, true);
  },
  slice,
  sort(value, ...args) {
    const [reverseOrder = false, caseSensitive = false, attribute = null] = bind(
      'do_sort',
      ['reverse', 'case_sensitive', 'attribute'],
      args,
    );
    return sortBy(iterate(value), multiAttrGetter(attribute, caseKey(caseSensitive)), truthy(reverseOrder));
  },
  sum,
  unique,
};

/** Filters that take the value alone: any argument is a TypeError, as in Python. */
const UNARY = new Set([
  'abs',
  'capitalize',
  'count',
  'length',
  'e',
  'escape',
  'first',
  'forceescape',
  'last',
  'list',
  'lower',
  'items',
  'pprint',
  'random',
  'reverse',
  'safe',
  'string',
  'striptags',
  'title',
  'upper',
  'urlencode',
  'wordcount',
]);

/** A JavaScript `undefined` value (a missing member of a host object) is Jinja's Undefined. */
const MISSING = new Undefined('the value is undefined');

function asTemplateFilter(name: string, fn: Filter): Filter {
  const unary = UNARY.has(name);
  return takesTemplateValues(function (this: unknown, value: unknown, ...args: unknown[]) {
    if (unary) bind(name, [], args);
    return fn.call(this, value === undefined ? MISSING : value, ...args);
  });
}

export const JINJA_FILTERS: Record<string, Filter> = Object.fromEntries(
  Object.entries(FILTERS).map(([name, fn]) => [name, asTemplateFilter(name, fn)]),
);

import { printfFormat } from './py-format.js';
import {
  Markup,
  PyError,
  PyObject,
  PyTuple,
  Undefined,
  dictKey,
  equals,
  isDict,
  isFloat,
  numberOf,
  toFloat,
  truthy,
  typeName,
  undefinedError,
} from './py-values.js';

/**
 * Python's operators, as compiled templates call them: `+` on numbers, strings, lists and tuples,
 * int and float division, floor division and modulo that round toward minus infinity, `%`
 * formatting, `in`, ordering comparisons that refuse mixed types. Errors carry Python's message.
 */

const fail = (message: string): never => {
  throw new PyError('TypeError', message);
};

function operands(op: string, a: unknown, b: unknown): never {
  if (a instanceof Undefined) undefinedError(a);
  if (b instanceof Undefined) undefinedError(b);
  return fail(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

const textOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : v instanceof String ? String(v) : undefined);

/** An arithmetic result: a float when either operand was one; an int is never -0. */
const numeric = (value: number, a: unknown, b: unknown) => (isFloat(a) || isFloat(b) ? toFloat(value) : value === 0 ? 0 : value);

/** markupsafe's escape of a str joined to Markup. */
const escapeHtml = (text: string) =>
  text
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/&#38;/g, '&amp;')
    .replace(/&#60;/g, '&lt;')
    .replace(/&#62;/g, '&gt;');

export function add(a: unknown, b: unknown): unknown {
  // Markup + str escapes the str (and str + Markup), as markupsafe does.
  if (a instanceof Markup && textOf(b) !== undefined)
    return new Markup(String(a) + (b instanceof Markup ? String(b) : escapeHtml(textOf(b) as string)));
  if (b instanceof Markup && textOf(a) !== undefined) return new Markup(escapeHtml(textOf(a) as string) + String(b));
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined && nb !== undefined) return numeric(na + nb, a, b);
  const sa = textOf(a);
  if (sa !== undefined) {
    const sb = textOf(b);
    if (sb !== undefined) return sa + sb;
    if (b instanceof Undefined) undefinedError(b);
    return fail(`can only concatenate str (not "${typeName(b)}") to str`);
  }
  if (Array.isArray(a) && Array.isArray(b) && a instanceof PyTuple === b instanceof PyTuple)
    return a instanceof PyTuple ? PyTuple.fromItems(a.concat(b)) : a.concat(b);
  if (Array.isArray(a) && !(b instanceof Undefined))
    return fail(`can only concatenate ${typeName(a)} (not "${typeName(b)}") to ${typeName(a)}`);
  return operands('+', a, b);
}

export function sub(a: unknown, b: unknown): unknown {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined && nb !== undefined) return numeric(na - nb, a, b);
  return operands('-', a, b);
}

function repeat(sequence: unknown, times: number): unknown {
  const count = Math.max(0, times);
  if (Array.isArray(sequence)) {
    let out: unknown[] = [];
    for (let i = 0; i < count; i++) out = out.concat(sequence);
    return sequence instanceof PyTuple ? PyTuple.fromItems(out) : out;
  }
  return String(sequence).repeat(count);
}

export function mul(a: unknown, b: unknown): unknown {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined && nb !== undefined) return numeric(na * nb, a, b);
  const isSequence = (v: unknown) => textOf(v) !== undefined || Array.isArray(v);
  if (isSequence(a) && nb !== undefined && !isFloat(b)) return repeat(a, nb);
  if (isSequence(b) && na !== undefined && !isFloat(a)) return repeat(b, na);
  if (isSequence(a) && nb !== undefined) return fail(`can't multiply sequence by non-int of type '${typeName(b)}'`);
  return operands('*', a, b);
}

export function div(a: unknown, b: unknown): unknown {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na === undefined || nb === undefined) return operands('/', a, b);
  if (nb === 0) throw new PyError('ZeroDivisionError', 'division by zero');
  return toFloat(na / nb);
}

export function floordiv(a: unknown, b: unknown): unknown {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na === undefined || nb === undefined) return operands('//', a, b);
  if (nb === 0)
    throw new PyError(
      'ZeroDivisionError',
      isFloat(a) || isFloat(b) ? 'float floor division by zero' : 'integer division or modulo by zero',
    );
  return numeric(Math.floor(na / nb), a, b);
}

export function mod(a: unknown, b: unknown): unknown {
  const sa = textOf(a);
  if (sa !== undefined) return printfFormat(sa, b);
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na === undefined || nb === undefined) return operands('%', a, b);
  if (nb === 0) throw new PyError('ZeroDivisionError', isFloat(a) || isFloat(b) ? 'float modulo' : 'integer modulo by zero');
  const r = na % nb;
  // Python's result takes the divisor's sign, a zero one too (-1.5 % 0.5 is 0.0, not -0.0).
  return numeric(r === 0 ? (nb < 0 ? -0 : 0) : r < 0 !== nb < 0 ? r + nb : r, a, b);
}

export function pow(a: unknown, b: unknown): unknown {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na === undefined || nb === undefined) return operands('** or pow()', a, b);
  if (na === 0 && nb < 0) throw new PyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
  const value = na ** nb;
  return isFloat(a) || isFloat(b) || nb < 0 ? toFloat(value) : value;
}

export function neg(a: unknown): unknown {
  const n = numberOf(a);
  if (n === undefined) return a instanceof Undefined ? undefinedError(a) : fail(`bad operand type for unary -: '${typeName(a)}'`);
  return isFloat(a) ? toFloat(-n) : -n || 0;
}

export function pos(a: unknown): unknown {
  const n = numberOf(a);
  if (n === undefined) return a instanceof Undefined ? undefinedError(a) : fail(`bad operand type for unary +: '${typeName(a)}'`);
  return isFloat(a) ? toFloat(n) : n;
}

/** Python's ordering: numbers with numbers, strings with strings, lists and tuples item by item. */
export function order(a: unknown, b: unknown, op: string): number {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  const sa = textOf(a);
  const sb = textOf(b);
  if (sa !== undefined && sb !== undefined) return sa < sb ? -1 : sa > sb ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b) && a instanceof PyTuple === b instanceof PyTuple) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!equals(a[i], b[i])) return order(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  if (a instanceof Undefined) undefinedError(a);
  if (b instanceof Undefined) undefinedError(b);
  return fail(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python's `a in b`. */
export function contains(container: unknown, item: unknown): boolean {
  const text = textOf(container);
  if (text !== undefined) {
    const needle = textOf(item);
    if (needle === undefined) return fail(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return text.includes(needle);
  }
  if (Array.isArray(container)) return container.some((x) => equals(x, item));
  if (container instanceof Undefined) return false;
  if (container instanceof Map || container instanceof Set) return container.has(item);
  if (isDict(container)) return Object.prototype.hasOwnProperty.call(container, dictKey(item));
  if (container instanceof PyObject && (container.pyKeys || container.pyItems))
    return ((container.pyKeys?.() ?? container.pyItems?.()) as unknown[]).some((x) => equals(x, item));
  // A generator (what `map`, `select`, … give): consumed, as Python's `in` consumes it.
  if (container !== null && typeof container === 'object' && Symbol.iterator in container) {
    for (const x of container as Iterable<unknown>) if (equals(x, item)) return true;
    return false;
  }
  if (container !== null && typeof container === 'object') {
    const key = textOf(item);
    return key !== undefined && key in container;
  }
  return fail(`argument of type '${typeName(container)}' is not iterable`);
}

/** A comparison operator of a (possibly chained) comparison. */
export function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return equals(a, b);
    case '!=':
      return !equals(a, b);
    case '<':
      return order(a, b, op) < 0;
    case '>':
      return order(a, b, op) > 0;
    case '<=':
      return order(a, b, op) <= 0;
    case '>=':
      return order(a, b, op) >= 0;
    case 'in':
      return contains(b, a);
    case 'notin':
      return !contains(b, a);
    default:
      throw new Error(`unknown comparison ${op}`);
  }
}

/** Python's `not`. */
export function not(a: unknown): boolean {
  return !truthy(a);
}

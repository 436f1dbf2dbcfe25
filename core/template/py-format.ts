import {
  DictView,
  PyError,
  PyRange,
  PyTuple,
  typeName,
  dictKey,
  dictKeys,
  floatRepr,
  isDict,
  isFloat,
  numberOf,
  repr,
  str,
} from './py-values.js';

/** Python's string formatting: `'%s-%05.2f' % (a, b)` and `'{:>8}'.format(x)`. */

const fail = (message: string): never => {
  throw new PyError('TypeError', message);
};

/**
 * `value.toFixed(digits)` with Python's rounding: a value exactly halfway (0.5, 2.5, 0.125) goes
 * to the even digit; JavaScript rounds it up. Other values round the same in both.
 */
function fixed(value: number, digits: number): string {
  if (Object.is(value, -0)) return `-${(0).toFixed(digits)}`;
  const rounded = value.toFixed(digits);
  const exact = value.toFixed(Math.min(100, digits + 30));
  const cut = exact.indexOf('.') + (digits ? digits + 1 : 0);
  if (!/^50*$/.test(exact.slice(cut + (digits ? 0 : 1)))) return rounded;
  const truncated = exact.slice(0, digits ? cut : cut);
  const last = Number(truncated.replace(/\D/g, '').slice(-1));
  return last % 2 === 0 ? truncated : rounded;
}

/** Formats a number by a conversion letter with Python's rules (precision, exponent digits, `#`). */
function formatNumber(value: number, type: string, precision: number | undefined, alternate: boolean): string {
  switch (type) {
    case 'd':
    case 'i':
    case 'u':
    case 'n':
      return String(Math.trunc(value));
    case 'f':
    case 'F':
      return Number.isFinite(value) ? fixed(value, precision ?? 6) : floatRepr(value);
    case 'e':
    case 'E': {
      if (!Number.isFinite(value)) return floatRepr(value);
      const text = value.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      return type === 'E' ? text.toUpperCase() : text;
    }
    case 'g':
    case 'G': {
      if (!Number.isFinite(value)) return floatRepr(value);
      const p = precision === 0 ? 1 : (precision ?? 6);
      const exponent = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)));
      let text =
        exponent < -4 || exponent >= p
          ? value.toExponential(p - 1).replace(/e([+-])(\d)$/, 'e$10$2')
          : value.toFixed(Math.max(0, p - 1 - exponent));
      if (!alternate) text = text.replace(/\.?0+(e|$)/, '$1').replace(/\.(e|$)/, '$1');
      return type === 'G' ? text.toUpperCase() : text;
    }
    case 'x':
      return (alternate ? '0x' : '') + Math.trunc(value).toString(16);
    case 'X':
      return (alternate ? '0X' : '') + Math.trunc(value).toString(16).toUpperCase();
    case 'o':
      return (alternate ? '0o' : '') + Math.trunc(value).toString(8);
    case 'b':
      return Math.trunc(value).toString(2);
    case '%':
      return `${(value * 100).toFixed(precision ?? 6)}%`;
    default:
      return fail(`unsupported format character '${type}'`);
  }
}

const pad = (text: string, width: number, align: string, fill: string): string => {
  if (text.length >= width) return text;
  const room = width - text.length;
  if (align === '<') return text + fill.repeat(room);
  if (align === '^') return fill.repeat(Math.floor(room / 2)) + text + fill.repeat(room - Math.floor(room / 2));
  if (align === '=') {
    const sign = /^[+-]/.test(text) ? (text[0] as string) : '';
    return sign + fill.repeat(room) + text.slice(sign.length);
  }
  return fill.repeat(room) + text;
};

const PRINTF = /%(?:\(([^)]*)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

/** `text % args`: printf-style formatting with a tuple, a single value or a mapping. */
export function printfFormat(text: string, args: unknown): string {
  const positional = args instanceof PyTuple ? [...args] : [args];
  let next = 0;
  let usedMapping = false;
  const take = () => {
    if (next >= positional.length) fail('not enough arguments for format string');
    return positional[next++];
  };
  const out = text.replace(
    PRINTF,
    (_all, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
      if (type === '%' && key === undefined) return '%';
      let value: unknown;
      if (key !== undefined) {
        if (!isDict(args)) fail('format requires a mapping');
        usedMapping = true;
        value = Object.prototype.hasOwnProperty.call(args, key) ? (args as Record<string, unknown>)[key] : undefined;
        if (value === undefined) throw new PyError('KeyError', repr(key));
      }
      const w = width === '*' ? Number(take()) : width !== undefined ? Number(width) : 0;
      const p = precision === '*' ? Number(take()) : precision !== undefined ? Number(precision) : undefined;
      if (key === undefined) value = take();
      let body: string;
      if (type === 's' || type === 'a') body = str(value);
      else if (type === 'r') body = repr(value);
      else if (type === 'c') body = typeof value === 'number' ? String.fromCodePoint(value) : str(value);
      else {
        const n = numberOf(value);
        if (n === undefined) fail(`%${type} format: a real number is required, not ${typeof value === 'string' ? 'str' : 'object'}`);
        body = formatNumber(n as number, type, p, flags.includes('#'));
        if ((n as number) >= 0 && flags.includes('+')) body = `+${body}`;
        else if ((n as number) >= 0 && flags.includes(' ')) body = ` ${body}`;
      }
      if ((type === 's' || type === 'r') && p !== undefined) body = body.slice(0, p);
      if (flags.includes('-')) return pad(body, w, '<', ' ');
      if (flags.includes('0') && type !== 's' && type !== 'r') return pad(body, w, '=', '0');
      return pad(body, w, '>', ' ');
    },
  );
  if (!usedMapping && next < positional.length && !(positional.length === 1 && isDict(args)))
    fail('not all arguments converted during string formatting');
  return out;
}

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

/** One replacement field's format spec (`>10`, `.2f`, `,d`) applied to a value. */
export function formatSpec(value: unknown, spec: string): string {
  const m = SPEC.exec(spec);
  if (!m) throw new PyError('ValueError', `Invalid format specifier '${spec}'`);
  const [, fill, align, sign, alternate, zero, width, grouping, precision, type] = m;
  const n = numberOf(value);
  // A bool formats as its text unless the spec asks for a number (`{:d}` of True is 1).
  const isNumber = n !== undefined && (typeof value !== 'boolean' || (type !== undefined && type !== 's'));
  if (n === undefined && typeof value !== 'string' && spec !== '')
    throw new PyError('TypeError', `unsupported format string passed to ${value === null ? 'NoneType' : 'object'}.__format__`);
  let body: string;
  if (!isNumber || type === 's') {
    if (type && type !== 's') fail(`Unknown format code '${type}' for object of type 'str'`);
    body = str(value);
    if (precision !== undefined) body = body.slice(0, Number(precision));
  } else if (type === undefined) {
    body = precision !== undefined ? formatNumber(n, 'g', Number(precision), false) : isFloat(value) ? floatRepr(n) : String(n);
  } else {
    body = formatNumber(n, type, precision !== undefined ? Number(precision) : undefined, alternate !== undefined);
  }
  if (isNumber && grouping) {
    const [int, frac] = body.replace(/^-/, '').split('.') as [string, string | undefined];
    const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, grouping);
    body = (body.startsWith('-') ? '-' : '') + grouped + (frac !== undefined ? `.${frac}` : '');
  }
  if (isNumber && n >= 0 && sign === '+') body = `+${body}`;
  else if (isNumber && n >= 0 && sign === ' ') body = ` ${body}`;
  const defaultAlign = isNumber ? '>' : '<';
  if (zero && !align) return pad(body, Number(width ?? 0), '=', '0');
  return pad(body, Number(width ?? 0), align ?? defaultAlign, fill ?? ' ');
}

/** A member of a value for a format field: a dict's own key, an object's member, never JavaScript's internals. */
function safeMember(holder: unknown, key: string): unknown {
  if (holder === null || typeof holder !== 'object') return undefined;
  if (isDict(holder)) return Object.prototype.hasOwnProperty.call(holder, key) ? holder[key] : undefined;
  if (key.startsWith('__') || key === 'constructor' || (key in Object.prototype && !Object.prototype.hasOwnProperty.call(holder, key)))
    return undefined;
  return (holder as Record<string, unknown>)[key];
}

/** Looks up `0.name` / `key[0]` field paths of str.format. */
function fieldValue(field: string, positional: unknown[], keywords: Record<string, unknown>, auto: () => number): unknown {
  const m = /^([^.[]*)(.*)$/.exec(field) as RegExpExecArray;
  const head = m[1] as string;
  let value: unknown =
    head === ''
      ? positional[auto()]
      : /^\d+$/.test(head)
        ? positional[Number(head)]
        : Object.prototype.hasOwnProperty.call(keywords, head)
          ? keywords[head]
          : undefined;
  if (value === undefined) {
    if (head === '' || /^\d+$/.test(head)) throw new PyError('IndexError', 'Replacement index out of range for positional args tuple');
    throw new PyError('KeyError', repr(head));
  }
  for (const part of (m[2] as string).matchAll(/\.(\w+)|\[([^\]]*)\]/g)) {
    const key = part[1] ?? (part[2] as string);
    const holder = value;
    value = Array.isArray(holder) && /^\d+$/.test(key) ? holder[Number(key)] : safeMember(holder, key);
    if (value === undefined)
      throw new PyError(
        part[1] !== undefined ? 'AttributeError' : 'KeyError',
        part[1] !== undefined ? `'${typeName(holder)}' object has no attribute '${key}'` : repr(key),
      );
  }
  return value;
}

/** Python's `str.format`. */
export function strFormat(text: string, positional: unknown[], keywords: Record<string, unknown>): string {
  let next = 0;
  const auto = () => next++;
  return text.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (all, inner: string | undefined) => {
    if (all === '{{') return '{';
    if (all === '}}') return '}';
    const m = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/.exec(inner as string) as RegExpExecArray;
    const value = fieldValue(m[1] as string, positional, keywords, auto);
    const converted = m[2] === 'r' ? repr(value) : m[2] ? str(value) : value;
    return m[3] ? formatSpec(converted, m[3]) : str(converted);
  });
}

/** How json.dumps(sort_keys=True) orders keys: strings with strings, numbers with numbers. */
function sortKeyOrder(a: unknown, b: unknown): number {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new PyError(
    'TypeError',
    `'<' not supported between instances of '${typeof a === 'string' ? 'str' : 'int'}' and '${typeof b === 'string' ? 'str' : 'int'}'`,
  );
}

/** Python's `json.dumps` (ensure_ascii on, `, ` and `: ` separators, or `,` with an indent). */
export function jsonDumps(value: unknown, options: { sortKeys?: boolean; indent?: number } = {}): string {
  const { sortKeys = false, indent } = options;
  const text = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const write = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'string' || v instanceof String) return text(String(v));
    const n = numberOf(v);
    if (n !== undefined)
      return Number.isNaN(n) ? 'NaN' : !Number.isFinite(n) ? (n > 0 ? 'Infinity' : '-Infinity') : isFloat(v) ? floatRepr(n) : String(n);
    const inner = indent === undefined ? '' : `\n${' '.repeat(indent * (depth + 1))}`;
    const outer = indent === undefined ? '' : `\n${' '.repeat(indent * depth)}`;
    const comma = indent === undefined ? ', ' : ',';
    if (v instanceof DictView || v instanceof PyRange)
      throw new PyError('TypeError', `Object of type ${v instanceof PyRange ? 'range' : v.kind} is not JSON serializable`);
    if (Array.isArray(v)) return v.length ? `[${inner}${v.map((x) => write(x, depth + 1)).join(comma + inner)}${outer}]` : '[]';
    if (isDict(v)) {
      const keys = dictKeys(v).map((k) => [k, typeof k === 'string' ? k : str(k)] as const);
      if (sortKeys) keys.sort((a, b) => sortKeyOrder(a[0], b[0]));
      return keys.length
        ? `{${inner}${keys.map(([k, name]) => `${text(name)}: ${write(v[dictKey(k)], depth + 1)}`).join(comma + inner)}${outer}}`
        : '{}';
    }
    throw new PyError('TypeError', `Object of type ${(v as object).constructor?.name ?? 'object'} is not JSON serializable`);
  };
  return write(value, 0);
}

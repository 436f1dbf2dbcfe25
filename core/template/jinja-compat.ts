import nunjucks from 'nunjucks';
import { createHash } from 'node:crypto';
import { TemplateCallError, splitArgs } from './call-args.js';
import { pythonModules } from './python-modules.js';
import { templateLog } from './invocation.js';
import { yamlLibrary } from './yaml-library.js';

/**
 * Jinja (as dbt projects write it) on top of nunjucks: Python's True/False/None, slices and
 * list/dict methods (nunjucks' own compat layer), string methods, the tests and filters nunjucks
 * lacks, `{% do %}`, `{% set ns.attr = … %}`, and dbt's helper functions. See docs/compatibility.md.
 */

interface Runtime { memberLookup: (...args: unknown[]) => unknown }
let installed = false;

/** Installs the runtime part (process-wide, once): Python methods on strings, lists and dicts. */
export function installJinjaRuntime(): void {
  if (installed) return;
  installed = true;
  nunjucks.installJinjaCompat();
  pythonStringLiterals();
  const runtime = (nunjucks as unknown as { runtime: Runtime }).runtime;
  const lookup = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(this: unknown, ...args: unknown[]) {
    // Four arguments: a slice (`items[1:3]`), which nunjucks' compat layer handles.
    if (args.length === 4) return (lookup as (...a: unknown[]) => unknown).apply(this, args);
    const [obj, name, autoescape] = args as [unknown, unknown, boolean | undefined];
    if (typeof name === 'string') {
      // A callable with members (`modules.datetime.datetime` and its `.now()`): nunjucks would
      // wrap it in a bare function and lose the members.
      const member = obj !== null && obj !== undefined ? (obj as Record<string, unknown>)[name] : undefined;
      if (typeof member === 'function' && Object.keys(member).length > 0) return member;
      const text = typeof obj === 'string' ? obj : obj instanceof String ? String(obj) : undefined;
      if (text !== undefined && Object.prototype.hasOwnProperty.call(STRING_METHODS, name)) return (...args: unknown[]) => (STRING_METHODS[name] as StringMethod)(text, ...args);
      if (Array.isArray(obj) && Object.prototype.hasOwnProperty.call(LIST_METHODS, name)) return (...args: unknown[]) => (LIST_METHODS[name] as ListMethod)(obj, ...args);
      // An object's own methods win over the dict methods of nunjucks' compat layer (a column's values()).
      if (isMapping(obj) && typeof obj[name] === 'function') return (obj[name] as (...a: unknown[]) => unknown).bind(obj);
      if (isMapping(obj) && name === 'copy') return () => ({ ...obj });
    }
    return lookup.call(this, obj, name, autoescape);
  };
}

interface TokenizerInternals {
  _parseString(delimiter: string): string;
  forward(): void;
  current(): string;
  isFinished(): boolean;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/**
 * String literals as Python reads them: an unknown escape keeps its backslash, so a regex such
 * as '\d+' means what it says (nunjucks would drop the backslash and match the letter d).
 */
function pythonStringLiterals(): void {
  const tokenizer = Object.getPrototypeOf((nunjucks as unknown as { lexer: { lex(src: string): object } }).lexer.lex('')) as TokenizerInternals;
  tokenizer._parseString = function parseString(this: TokenizerInternals, delimiter: string): string {
    this.forward();
    let out = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      const char = this.current();
      this.forward();
      if (char !== '\\' || this.isFinished()) {
        out += char;
        continue;
      }
      const next = this.current();
      this.forward();
      out += ESCAPES[next] ?? `\\${next}`;
    }
    this.forward();
    return out;
  };
}

type StringMethod = (s: string, ...args: unknown[]) => unknown;
type ListMethod = (l: unknown[], ...args: unknown[]) => unknown;

const strip = (s: string, chars: unknown, where: 'both' | 'start' | 'end') => {
  const set = chars === undefined || chars === null ? ' \t\n\r\f\v' : String(chars);
  let start = 0;
  let end = s.length;
  if (where !== 'end') while (start < end && set.includes(s[start] as string)) start++;
  if (where !== 'start') while (end > start && set.includes(s[end - 1] as string)) end--;
  return s.slice(start, end);
};

const STRING_METHODS: Record<string, StringMethod> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  strip: (s, chars) => strip(s, chars, 'both'),
  lstrip: (s, chars) => strip(s, chars, 'start'),
  rstrip: (s, chars) => strip(s, chars, 'end'),
  title: (s) => s.replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  startswith: (s, prefix) => (Array.isArray(prefix) ? prefix : [prefix]).some((p) => s.startsWith(String(p))),
  endswith: (s, suffix) => (Array.isArray(suffix) ? suffix : [suffix]).some((p) => s.endsWith(String(p))),
  // Python's replace replaces every occurrence (JavaScript's only the first).
  replace: (s, old, replacement, count) => {
    let out = s;
    let left = typeof count === 'number' ? count : Infinity;
    let from = 0;
    while (left-- > 0) {
      const at = out.indexOf(String(old), from);
      if (at < 0 || String(old) === '') break;
      out = out.slice(0, at) + String(replacement) + out.slice(at + String(old).length);
      from = at + String(replacement).length;
    }
    return out;
  },
  split: (s, sep, maxsplit) => {
    const parts = sep === undefined || sep === null ? s.trim().split(/\s+/).filter((p) => p !== '') : s.split(String(sep));
    if (typeof maxsplit !== 'number' || maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
    return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep === undefined || sep === null ? ' ' : String(sep))];
  },
  rsplit: (s, sep, maxsplit) => {
    const parts = s.split(sep === undefined || sep === null ? ' ' : String(sep));
    if (typeof maxsplit !== 'number' || maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
    return [parts.slice(0, parts.length - maxsplit).join(String(sep ?? ' ')), ...parts.slice(parts.length - maxsplit)];
  },
  join: (s, items) => (items as unknown[]).map(String).join(s),
  format: (s, ...args) => {
    const { positional, keywords } = splitArgs(args);
    let next = 0;
    return s.replace(/\{(\w*)\}/g, (_, key: string) => String(key === '' ? positional[next++] : /^\d+$/.test(key) ? positional[Number(key)] : keywords[key]));
  },
  find: (s, sub) => s.indexOf(String(sub)),
  rfind: (s, sub) => s.lastIndexOf(String(sub)),
  index: (s, sub) => {
    const at = s.indexOf(String(sub));
    if (at < 0) throw new TemplateCallError('template-render', `substring '${String(sub)}' not found`);
    return at;
  },
  count: (s, sub) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1),
  isdigit: (s) => /^\d+$/.test(s),
  isnumeric: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^[A-Za-z]+$/.test(s),
  isalnum: (s) => /^[A-Za-z0-9]+$/.test(s),
  isupper: (s) => /[A-Z]/.test(s) && s === s.toUpperCase(),
  islower: (s) => /[a-z]/.test(s) && s === s.toLowerCase(),
  isspace: (s) => /^\s+$/.test(s),
  zfill: (s, width) => s.padStart(Number(width), '0'),
  ljust: (s, width, fill) => s.padEnd(Number(width), String(fill ?? ' ')),
  rjust: (s, width, fill) => s.padStart(Number(width), String(fill ?? ' ')),
  center: (s, width) => s.padStart(Math.floor((Number(width) + s.length) / 2)).padEnd(Number(width)),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  partition: (s, sep) => {
    const at = s.indexOf(String(sep));
    return at < 0 ? [s, '', ''] : [s.slice(0, at), String(sep), s.slice(at + String(sep).length)];
  },
  splitlines: (s) => s.split(/\r?\n/),
  encode: (s) => s,
  decode: (s) => s,
};

const LIST_METHODS: Record<string, ListMethod> = {
  extend: (l, items) => {
    l.push(...(items as unknown[]));
    return '';
  },
  sort: (l) => {
    l.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
    return '';
  },
  reverse: (l) => {
    l.reverse();
    return '';
  },
  copy: (l) => [...l],
  clear: (l) => {
    l.length = 0;
    return '';
  },
};

/** Plain objects (dicts), not lists, strings or functions. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof String);
}

/** `{% do expr %}`: evaluates an expression for its effect (Jinja's "do" extension). */
class DoExtension {
  tags = ['do'];
  parse(parser: ParserApi, nodes: NodesApi): unknown {
    const token = parser.nextToken();
    const args = new nodes.NodeList(token.lineno, token.colno);
    args.addChild(parser.parseExpression());
    parser.advanceAfterBlockEnd(token.value);
    return new nodes.CallExtension(this, 'run', args);
  }

  run(): string {
    return '';
  }
}

interface ParserApi { nextToken(): { lineno: number; colno: number; value: string }; parseExpression(): unknown; advanceAfterBlockEnd(name: string): void }
interface NodesApi { NodeList: new (line: number, col: number) => { addChild(node: unknown): void }; CallExtension: new (ext: object, method: string, args: unknown) => unknown }

// `{% set ns.total = ns.total + 1 %}` (Jinja namespaces): nunjucks only sets plain names, so the
// statement becomes a `do` of a setter; written on the same line, so positions stay right.
const SET_ATTRIBUTE = /\{%(-?)\s*set\s+([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*=([\s\S]*?)(-?)%\}/g;

/** Rewrites Jinja statements nunjucks cannot parse into ones it can (same lines and columns where possible). */
export function rewriteJinja(text: string): string {
  return text.replace(SET_ATTRIBUTE, (_, open: string, target: string, attr: string, expr: string, close: string) => `{%${open} do __strata_setattr(${target}, '${attr}', ${expr.trim()}) ${close}%}`);
}

/** Adds Strata's tests, filters, extensions and Python-flavoured globals to an environment. */
export function addJinjaCompat(env: nunjucks.Environment): void {
  installJinjaRuntime();
  env.addExtension('do', new DoExtension());
  const tests: Record<string, (value: unknown, other?: unknown) => boolean> = {
    none: (v) => v === null || v === undefined,
    boolean: (v) => typeof v === 'boolean',
    true: (v) => v === true,
    false: (v) => v === false,
    integer: (v) => typeof v === 'number' && Number.isInteger(v),
    float: (v) => typeof v === 'number' && !Number.isInteger(v),
    sequence: (v) => Array.isArray(v) || typeof v === 'string',
    mapping: (v) => isMapping(v),
  };
  // addTest exists at runtime; the type declarations leave it out.
  for (const [name, test] of Object.entries(tests)) (env as unknown as { addTest(n: string, t: unknown): void }).addTest(name, test);
  const filters: Record<string, (...args: unknown[]) => unknown> = {
    tojson: (v) => JSON.stringify(v),
    unique: (v) => [...new Set(v as unknown[])],
    items: (v) => Object.entries(v as object),
    min: (v) => (v as number[]).reduce((a, b) => (b < a ? b : a)),
    max: (v) => (v as number[]).reduce((a, b) => (b > a ? b : a)),
    attr: (v, name) => (v as Record<string, unknown>)[String(name)],
    // Jinja's selectattr/rejectattr take a test and its argument (nunjucks' only check truthiness).
    selectattr: (list, attribute, test, ...args) => (list as Record<string, unknown>[]).filter((item) => passes(env, item?.[String(attribute)], test, args)),
    rejectattr: (list, attribute, test, ...args) => (list as Record<string, unknown>[]).filter((item) => !passes(env, item?.[String(attribute)], test, args)),
    map: (list, ...args) => {
      const { positional, keywords } = splitArgs(args);
      if (keywords.attribute !== undefined) return (list as Record<string, unknown>[]).map((item) => String(keywords.attribute).split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], item));
      const filter = env.getFilter(String(positional[0]));
      return (list as unknown[]).map((item) => filter(item, ...positional.slice(1)));
    },
  };
  for (const [name, filter] of Object.entries(filters)) env.addFilter(name, filter);
  for (const [name, value] of Object.entries(jinjaGlobals())) env.addGlobal(name, value);
}

/** Whether a value passes a named test (`equalto`, `none`, ...), or is truthy when no test is named. */
function passes(env: nunjucks.Environment, value: unknown, test: unknown, args: unknown[]): boolean {
  if (test === undefined) return Boolean(value);
  const fn = (env as unknown as { getTest(name: string): ((v: unknown, ...a: unknown[]) => boolean) | undefined }).getTest(String(test));
  if (!fn) throw new TemplateCallError('template-render', `No test named '${String(test)}'.`);
  return fn(value, ...args);
}

// `{% for x in items if cond %}`: nunjucks reads `items if cond` as an inline if without else, so
// the loop silently runs over nothing; refuse it with a way out instead.
const LOOP_FILTER = /\{%-?\s*for\s+[A-Za-z_][\w\s,]*\s+in\s+(?:(?!%\}).)+?\sif\s(?:(?!%\}).)*%\}/gs;

/** Jinja that nunjucks would get silently wrong: a template-syntax message and the offset where it starts. */
export function unsupportedJinja(text: string): { message: string; offset: number } | undefined {
  for (const match of text.matchAll(LOOP_FILTER)) {
    if (/\selse\s/.test(match[0])) continue; // an inline if with an else is a plain expression
    return { message: 'Loop filters (`{% for x in items if condition %}`) are not supported; write `{% for x in items %}{% if condition %}…{% endif %}{% endfor %}` instead (see docs/compatibility.md).', offset: match.index ?? 0 };
  }
  return undefined;
}

/** dbt's Python-flavoured helpers: namespace(), dict(), zip(), set(), tojson() … and `modules`. */
function jinjaGlobals(): Record<string, unknown> {
  const keywordsOnly = (args: unknown[]) => splitArgs(args).keywords;
  return {
    namespace: (...args: unknown[]) => ({ ...keywordsOnly(args) }),
    dict: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      return { ...(isMapping(positional[0]) ? positional[0] : {}), ...keywords };
    },
    list: (value: unknown) => (typeof value === 'string' ? [...value] : isMapping(value) ? Object.keys(value) : [...(value as Iterable<unknown>)]),
    zip: (...lists: unknown[][]) => Array.from({ length: Math.min(...lists.map((l) => l.length)) }, (_, i) => lists.map((l) => l[i])),
    set: (value: unknown) => [...new Set((value ?? []) as Iterable<unknown>)],
    tojson: (value: unknown, ...rest: unknown[]) => JSON.stringify(value, null, keywordsOnly(rest).indent as number | undefined),
    fromjson: (text: unknown, fallback: unknown = null) => {
      try {
        return JSON.parse(String(text)) as unknown;
      } catch {
        return fallback;
      }
    },
    toyaml: (value: unknown) => yamlLibrary().stringify(value),
    fromyaml: (text: unknown, fallback: unknown = null) => {
      try {
        return yamlLibrary().parse(String(text)) as unknown;
      } catch {
        return fallback;
      }
    },
    __strata_setattr: (target: unknown, name: string, value: unknown) => {
      if (!isMapping(target)) throw new TemplateCallError('template-render', `cannot set '${name}' on ${typeof target}: only namespace() objects and dicts take attributes.`);
      target[name] = value;
      return '';
    },
    modules: pythonModules(),
    print: (value: unknown) => {
      templateLog(String(value));
      return '';
    },
    local_md5: (value: unknown) => createHash('md5').update(String(value)).digest('hex'),
  };
}

import { splitArgs } from './call-args.js';
import { iterate, pythonMethod } from './py-methods.js';
import {
  IS_MACRO,
  Markup,
  PyError,
  PyFloat,
  PyObject,
  PyTuple,
  Undefined,
  dictKey,
  takesTemplateValues,
  equals,
  isDict,
  isFloat,
  numberOf,
  str,
  truthy,
  typeName,
  undefinedError,
} from './py-values.js';

/**
 * What compiled templates call at run time (beside the operators): name and member lookups that
 * give Jinja's Undefined, calls with `*args`/`**kwargs`, macros with Python's argument binding,
 * loops with Jinja's `loop` object, unpacking, slices and `{% set ns.attr %}`.
 */

/** A macro parameter no argument was given for. */
export const MISSING = Symbol('missing');
export { IS_MACRO, takesTemplateValues };

/** Thrown by dbt's `return(x)` and caught by the macro being run, which then returns x. */
export class MacroReturn {
  constructor(readonly value: unknown) {}
  /** What an error message says when `return()` is called outside any macro. */
  toString(): string {
    return 'return() was called outside a macro';
  }
}

/** Jinja's namespace(): the one object `{% set ns.attr = … %}` may assign to. */
export class Namespace {
  constructor(values: Record<string, unknown>) {
    Object.assign(this, values);
  }
  toString(): string {
    return `<Namespace ${str({ ...this })}>`;
  }
}

export interface RenderState {
  /** The render's own variables, which macros see too (as dbt's macros see the node's context). */
  variables: Record<string, unknown>;
  /** dbt's parse pass: undefined values allow attribute access and calls (and stay undefined). */
  lenient: boolean;
}

let state: RenderState = { variables: {}, lenient: false };

/** Sets the state of the render about to run; returns the previous one, to restore after. */
export function enterRender(next: RenderState): RenderState {
  const previous = state;
  state = next;
  return previous;
}

const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

export interface FrameLike {
  lookup(name: string): unknown;
}
export interface ContextLike {
  ctx: Record<string, unknown>;
  env: { globals: Record<string, unknown> };
}

/** A name: loop and macro variables, the template's context, the render's variables, then globals. */
export function lookup(context: ContextLike, frame: FrameLike, name: string): unknown {
  const local = frame.lookup(name);
  if (local !== undefined) return local;
  if (hasOwn(context.ctx, name)) return context.ctx[name];
  const outer = outerName(context.env.globals, name);
  return outer !== undefined ? outer : new Undefined(`'${name}' is undefined`);
}

/**
 * A name no template scope defines: the render's variables, then the globals; undefined when
 * neither has it. Also the fast path's lookup. Own properties only: `constructor` or `__proto__`
 * must not reach JavaScript's internals.
 */
export function outerName(globals: Record<string, unknown>, name: string): unknown {
  if (hasOwn(state.variables, name)) return state.variables[name];
  return hasOwn(globals, name) ? globals[name] : undefined;
}

/** Names that would reach JavaScript's internals rather than template data. */
const UNSAFE = new Set([
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

const noAttribute = (obj: unknown, name: string) =>
  new Undefined(`'${obj === null ? 'None' : `${typeName(obj)} object`}' has no attribute '${name}'`);

function objectMember(obj: object, name: string): unknown {
  if (UNSAFE.has(name) || (name.startsWith('__') && !hasOwn(obj, name))) return noAttribute(obj, name);
  let value: unknown;
  try {
    value = (obj as Record<string, unknown>)[name];
  } catch {
    return noAttribute(obj, name); // a function's `caller` or `arguments` in strict mode
  }
  if (value === undefined || (!hasOwn(obj, name) && name in Object.prototype)) return noAttribute(obj, name);
  // A callable with members (`modules.datetime.datetime` and its `.now()`) stays itself.
  if (typeof value === 'function' && Object.keys(value).length === 0 && !(value as unknown as Record<symbol, unknown>)[IS_MACRO])
    return (value as (...a: unknown[]) => unknown).bind(obj);
  return value;
}

/** `obj.name`: an attribute (a method of str, list and dict), else an item; Undefined when neither. */
export function attr(obj: unknown, name: string): unknown {
  if (obj instanceof Undefined) return state.lenient ? obj : undefinedError(obj);
  if (obj === null || obj === undefined) return noAttribute(null, name);
  if (obj instanceof Markup) return markupMethod(obj, name) ?? noAttribute(obj, name);
  if (typeof obj === 'string' || obj instanceof String) return pythonMethod(String(obj), name) ?? noAttribute(obj, name);
  // A list's methods; a tuple may carry named fields too (groupby's `grouper` and `list`).
  if (Array.isArray(obj))
    return (
      pythonMethod(obj, name) ??
      (name in obj && !(name in Array.prototype) && !/^\d+$/.test(name)
        ? (obj as unknown as Record<string, unknown>)[name]
        : noAttribute(obj, name))
    );
  if (isDict(obj)) {
    const own = hasOwn(obj, name) ? obj[name] : undefined;
    // A function held in a dict runs with the dict as `this`; macros and callables with members
    // (`modules.datetime.datetime` and its `.now()`) stay as they are.
    if (typeof own === 'function')
      return (own as unknown as Record<symbol, unknown>)[IS_MACRO] || Object.keys(own).length > 0
        ? own
        : (own as (...a: unknown[]) => unknown).bind(obj);
    return pythonMethod(obj, name) ?? (own !== undefined ? own : noAttribute(obj, name));
  }
  if (obj instanceof Map) return obj.has(name) ? obj.get(name) : noAttribute(obj, name);
  if (obj instanceof PyObject && obj.pyGetItem) {
    // Jinja's getattr: an attribute, else the item of that name (an agate row's column).
    const member = objectMember(obj, name);
    if (!(member instanceof Undefined)) return member;
    const found = obj.pyGetItem(name);
    return found === undefined ? member : found;
  }
  if (typeof obj === 'object' || typeof obj === 'function') return objectMember(obj, name);
  return noAttribute(obj, name);
}

/** A str method of Markup: what it gives back is Markup too (markupsafe escapes no arguments here). */
function markupMethod(text: Markup, name: string): ((...args: unknown[]) => unknown) | undefined {
  const method = pythonMethod(String(text), name);
  if (!method) return undefined;
  const wrap = (value: unknown): unknown =>
    typeof value === 'string' ? new Markup(value) : Array.isArray(value) && !(value instanceof PyTuple) ? value.map(wrap) : value;
  return takesTemplateValues((...args: unknown[]) => wrap(method(...args)));
}

/** `obj[key]`: an item (a list index counts from the end when negative), else an attribute. */
export function item(target: unknown, key: unknown): unknown {
  if (target instanceof Undefined) return state.lenient ? target : undefinedError(target);
  const obj = target instanceof String ? String(target) : target;
  // Jinja looks an Undefined key up (and finds nothing): the result is undefined, not an error.
  if (key instanceof Undefined) return new Undefined(`'${typeName(obj)} object' has no attribute Undefined`);
  if (obj instanceof PyObject && obj.pyGetItem) {
    const found = obj.pyGetItem(key);
    if (found !== undefined) return found;
    // Jinja's getitem falls back to the attribute of that name (`columns | map(attribute='name')`).
    return typeof key === 'string' ? attr(obj, key) : new Undefined(`'${typeName(obj)} object' has no attribute ${str(key)}`);
  }
  const index = numberOf(key);
  // A row of a query result is a list with its columns as named properties too: row['count'] is the column.
  if (Array.isArray(obj) && typeof key === 'string' && hasOwn(obj, key)) return (obj as unknown as Record<string, unknown>)[key];
  if ((typeof obj === 'string' || Array.isArray(obj)) && index !== undefined && typeof key !== 'boolean') {
    const at = index < 0 ? obj.length + index : index;
    const found = typeof obj === 'string' ? obj[at] : obj[at];
    return at >= 0 && at < obj.length && Number.isInteger(index) && !isFloat(key)
      ? found
      : new Undefined(`${typeName(obj)} object has no element ${str(key)}`);
  }
  if (isDict(obj)) {
    const k = dictKey(key);
    if (hasOwn(obj, k)) return obj[k];
    return new Undefined(`'dict object' has no attribute ${JSON.stringify(k).replace(/^"|"$/g, "'")}`);
  }
  if (obj instanceof Map) return obj.has(key) ? obj.get(key) : new Undefined(`'dict object' has no attribute ${str(key)}`);
  if (typeof key === 'string') return attr(obj, key);
  if (obj === null || obj === undefined) return new Undefined(`'None' has no attribute ${str(key)}`);
  return new Undefined(`'${typeName(obj)} object' has no attribute ${str(key)}`);
}

/** `seq[start:stop:step]` with Python's clipping and negative steps. */
export function slice(target: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (target instanceof Undefined) return state.lenient ? target : undefinedError(target);
  const obj = target instanceof String ? String(target) : target;
  const seq = typeof obj === 'string' ? [...obj] : Array.isArray(obj) ? obj : undefined;
  if (!seq) throw new PyError('TypeError', `'${typeName(obj)}' object is not subscriptable`);
  const n = seq.length;
  const s = step === null || step === undefined ? 1 : (numberOf(step) as number);
  if (s === 0) throw new PyError('ValueError', 'slice step cannot be zero');
  const bound = (value: unknown, fallback: number) => {
    if (value === null || value === undefined) return fallback;
    const v = numberOf(value) as number;
    return v < 0 ? Math.max(v + n, s < 0 ? -1 : 0) : Math.min(v, s < 0 ? n - 1 : n);
  };
  const from = bound(start, s > 0 ? 0 : n - 1);
  const to = bound(stop, s > 0 ? n : -1);
  const out: unknown[] = [];
  for (let i = from; s > 0 ? i < to : i > to; i += s) out.push(seq[i]);
  if (typeof obj === 'string') return out.join('');
  return obj instanceof PyTuple ? PyTuple.of(...out) : out;
}

/** A template value handed to a JavaScript function: undefined for Undefined, numbers for floats, strings for Markup. */
function toJs(value: unknown, depth = 0): unknown {
  if (value instanceof Undefined) return undefined;
  if (value instanceof PyFloat) return value.valueOf();
  if (value instanceof String) return String(value);
  // Inside lists and dicts too (`config(meta={'share': 0.0})`): a copy only where something changes.
  if (depth < 32 && Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const converted = toJs(item, depth + 1);
      if (converted !== item) (copy ??= [...value])[i] = converted;
    });
    return copy ?? value;
  }
  if (depth < 32 && isDict(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const converted = toJs(value[key], depth + 1);
      if (converted !== value[key]) (copy ??= { ...value })[key] = converted;
    }
    return copy ?? value;
  }
  return value;
}

/** Calls `fn` (a macro, a dbt function, a bound method); `*args` and `**kwargs` already merged in. */
export function call(fn: unknown, thisArg: unknown, positional: unknown[], keywords: Record<string, unknown> | undefined): unknown {
  if (fn instanceof Undefined) return state.lenient ? fn : undefinedError(fn);
  if (fn instanceof LoopContext) return fn.recurse(positional[0]);
  if (typeof fn !== 'function') throw new PyError('TypeError', `'${typeName(fn)}' object is not callable`);
  const isMacro = (fn as unknown as Record<symbol, unknown>)[IS_MACRO] === true;
  // `positional` is always a fresh array from the caller: converted (rarely needed) or used as is.
  let args = positional;
  if (!isMacro) {
    for (let i = 0; i < positional.length; i++) {
      const converted = toJs(positional[i]);
      if (converted !== positional[i]) (args === positional ? (args = [...positional]) : args)[i] = converted;
    }
  }
  if (keywords) {
    const kw: Record<string, unknown> = {};
    for (const key of Object.keys(keywords)) kw[key] = isMacro ? keywords[key] : toJs(keywords[key]);
    kw.__keywords = true;
    args.push(kw);
  }
  const result = (fn as (...a: unknown[]) => unknown).apply(thisArg, args);
  // A JavaScript function that returns nothing returns None, as a Python one does (`config.get('x') is none`).
  return result === undefined && !isMacro ? null : result;
}

/** `*value` at a call site. */
export function starArgs(value: unknown): unknown[] {
  return iterate(value);
}

/** `**value` at a call site. */
export function starKwargs(value: unknown): Record<string, unknown> {
  if (!isDict(value)) throw new PyError('TypeError', `argument after ** must be a mapping, not ${typeName(value)}`);
  return value;
}

/** A compiled macro body: its arguments bound, returns its text. */
export type MacroBody = (args: unknown[], varargs: PyTuple, kwargs: Record<string, unknown>, caller: unknown) => unknown;

/**
 * A `{% macro %}` as a function with Python's argument binding: positional, then by keyword;
 * extras go to `varargs`/`kwargs` when the body uses them and are an error otherwise.
 */
export function macro(
  name: string,
  params: readonly string[],
  catchVarargs: boolean,
  catchKwargs: boolean,
  body: MacroBody,
): (...jsArgs: unknown[]) => unknown {
  const fn = (...jsArgs: unknown[]): unknown => {
    const { positional, keywords } = splitArgs(jsArgs);
    const args: unknown[] = params.map((_, i) => (i < positional.length ? positional[i] : MISSING));
    const extra = positional.slice(params.length);
    if (extra.length && !catchVarargs) throw new PyError('TypeError', `macro '${name}' takes not more than ${params.length} argument(s)`);
    const kwargs: Record<string, unknown> = {};
    let caller: unknown;
    for (const key of Object.keys(keywords)) {
      const at = params.indexOf(key);
      if (key === 'caller') caller = keywords[key];
      else if (at >= 0) {
        if (args[at] !== MISSING) throw new PyError('TypeError', `macro '${name}' got multiple values for argument '${key}'`);
        args[at] = keywords[key];
      } else if (catchKwargs) kwargs[key] = keywords[key];
      else throw new PyError('TypeError', `macro '${name}' takes no keyword argument '${key}'`);
    }
    try {
      return body(args, PyTuple.of(...extra), kwargs, caller);
    } catch (err) {
      if (err instanceof MacroReturn) return err.value;
      throw err;
    }
  };
  (fn as unknown as Record<symbol, unknown>)[IS_MACRO] = true;
  // What Jinja's Macro object tells about itself.
  for (const [key, value] of Object.entries({
    name,
    arguments: PyTuple.of(...params),
    catch_varargs: catchVarargs,
    catch_kwargs: catchKwargs,
  })) {
    Object.defineProperty(fn, key, { value, enumerable: true });
  }
  Object.defineProperty(fn, 'toString', { value: () => `<Macro '${name}'>` });
  return fn;
}

/** Undefined for a macro parameter without argument or default. */
export function missingParameter(name: string): Undefined {
  return new Undefined(`parameter '${name}' was not provided`);
}

/** `{% for a, b in items %}`: one item unpacked into n names. */
export function unpack(value: unknown, n: number): unknown[] {
  const items = iterate(value);
  if (items.length < n) throw new PyError('ValueError', `not enough values to unpack (expected ${n}, got ${items.length})`);
  if (items.length > n) throw new PyError('ValueError', `too many values to unpack (expected ${n})`);
  return items;
}

/**
 * Jinja's `loop` object. With a loop filter (`for x in items if cond`), items are filtered
 * lazily as in Jinja: the body can change what later conditions see, and `loop.length`,
 * `loop.last` and `loop.nextitem` filter ahead only as far as they must.
 */
export class LoopContext {
  index0 = -1;
  private readonly accepted: unknown[] = [];
  private next = 0;
  private lastChanged: unknown[] | undefined;
  constructor(
    private readonly source: readonly unknown[],
    private readonly keep: ((item: unknown) => boolean) | null,
    readonly depth0: number,
    /** Runs the loop body over other items, one level deeper: `loop(children)` in a recursive loop. */
    private readonly recursive?: (items: unknown, depth0: number) => string,
  ) {}
  /** Pulls the next item that passes the filter; false when there is none. */
  private pull(): boolean {
    while (this.next < this.source.length) {
      const item = this.source[this.next++];
      if (!this.keep || this.keep(item)) {
        this.accepted.push(item);
        return true;
      }
    }
    return false;
  }
  /** Moves to the next item; false at the end. */
  advance(): boolean {
    this.index0++;
    return this.index0 < this.accepted.length || this.pull();
  }
  get current(): unknown {
    return this.accepted[this.index0];
  }
  private get hasNext(): boolean {
    return this.index0 + 1 < this.accepted.length || this.pull();
  }
  get index() {
    return this.index0 + 1;
  }
  get length() {
    while (this.pull());
    return this.accepted.length;
  }
  get revindex() {
    return this.length - this.index0;
  }
  get revindex0() {
    return this.length - this.index0 - 1;
  }
  get first() {
    return this.index0 === 0;
  }
  get last() {
    return !this.hasNext;
  }
  get depth() {
    return this.depth0 + 1;
  }
  get previtem() {
    return this.index0 > 0 ? this.accepted[this.index0 - 1] : new Undefined('there is no previous item');
  }
  get nextitem() {
    return this.hasNext ? this.accepted[this.index0 + 1] : new Undefined('there is no next item');
  }
  cycle(...args: unknown[]): unknown {
    if (!args.length) throw new PyError('TypeError', 'no items for cycling given');
    return args[this.index0 % args.length];
  }
  changed(...args: unknown[]): boolean {
    if (this.lastChanged && this.lastChanged.length === args.length && this.lastChanged.every((v, i) => equals(v, args[i]))) return false;
    this.lastChanged = args;
    return true;
  }
  recurse(items: unknown): string {
    if (!this.recursive) throw new PyError('TypeError', "The loop must have the 'recursive' marker to be called recursively.");
    return this.recursive(items, this.depth0 + 1);
  }
  toString(): string {
    return `<LoopContext ${this.index}/${this.length}>`;
  }
}

/** `{% set ns.attr = value %}`: only on namespace() objects, as in Jinja. */
export function setAttribute(target: unknown, name: string, value: unknown): void {
  if (!(target instanceof Namespace)) throw new PyError('TemplateRuntimeError', 'cannot assign attribute on non-namespace object');
  Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
}

/** Python's `or`: the first true operand, else the last. */
export function or(a: unknown, b: () => unknown): unknown {
  return truthy(a) ? a : b();
}

/** Python's `and`: the first false operand, else the last. */
export function and(a: unknown, b: () => unknown): unknown {
  return truthy(a) ? b() : a;
}

/** `a ~ b`. */
export function concat(a: unknown, b: unknown): string {
  return str(a) + str(b);
}

/** The value of `x if cond` when cond is false and there is no else. */
export function noElse(line: number): Undefined {
  return new Undefined(`the inline if-expression on line ${line} evaluated to false and no else section was defined.`);
}

export { iterate, str, truthy };

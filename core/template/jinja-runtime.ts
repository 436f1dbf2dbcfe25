import * as operators from './py-operators.js';
import * as runtime from './py-runtime.js';
import { PyError, PyTuple, setDictItem, toFloat } from './py-values.js';
import { ownEntry } from './nunjucks-internals.js';

/**
 * The `py` object compiled templates call: Python's operators, lookups, calls and values in one
 * namespace (jinja-compiler.ts emits `py.add(a, b)`, `py.attr(x, "name")`, ...).
 */

/** nunjucks' Environment, whose own filters and tests are looked up by name. */
type EnvironmentLike = object;

/** A macro's failure, with the macro named (and its line) for the error message. */
function inMacro(err: unknown, name: string, file: string, lineno: number): unknown {
  if (err instanceof runtime.MacroReturn || !(err instanceof Error)) return err;
  const located = err as Error & { macroStack?: string[] };
  (located.macroStack ??= []).push(`${name} (${file}:${lineno + 1})`);
  return err;
}

/** Jinja raises at compile time for an unknown filter or test; nunjucks finds them at render time. */
function lookupIn(env: EnvironmentLike, kind: 'filter' | 'test', name: string): unknown {
  // Own entries only: `constructor` is no filter.
  const found = ownEntry(env, kind, name);
  if (found === undefined) throw new PyError('TemplateAssertionError', `No ${kind} named '${name}'.`);
  return found;
}

export const PY = {
  ...operators,
  ...runtime,
  iter: runtime.iterate,
  toFloat,
  tuple: (items: unknown[]) => PyTuple.fromItems(items),
  dict: (pairs: [unknown, unknown][]) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of pairs) setDictItem(out, key, value);
    return out;
  },
  filter: (env: EnvironmentLike, context: unknown, name: string, args: unknown[], kwargs: Record<string, unknown> | undefined) =>
    runtime.call(lookupIn(env, 'filter', name), context, args, kwargs),
  test: (env: EnvironmentLike, name: string, args: unknown[], kwargs: Record<string, unknown> | undefined) =>
    // The environment is `this`: the `filter` and `test` tests look names up in it.
    runtime.truthy(runtime.call(lookupIn(env, 'test', name), env, args, kwargs)),
  inMacro,
};

import { splitArgs } from './call-args.js';
import { Markup, bind, hashKey, raise, textOf } from './jinja-filters-support.js';
import { contains, mod, order } from './py-operators.js';
import { ownEntry } from './nunjucks-internals.js';
import { LoopContext, takesTemplateValues } from './py-runtime.js';
import { PyFloat, PyObject, Undefined, equals, isDict, isFloat, numberOf, str } from './py-values.js';

/**
 * Jinja2's built-in tests with Python semantics, on template values (see py-values.ts): what
 * `{{ value is name(args) }}` calls. Arguments bind as Python binds them (`divisibleby(num=3)`).
 */

/** A test: the value, then the test's arguments. */
export type Test = (value: unknown, ...args: unknown[]) => boolean;

/** A test of the value and one other argument (`other`, `num`, `seq`). */
const binary =
  (name: string, param: string, fn: (value: unknown, other: unknown) => boolean): Test =>
  (value, ...args) =>
    fn(value, bind(name, [param], args, 1)[0]);

/** A test of the value alone; extra arguments are a TypeError, as in Python. */
const unary =
  (name: string, fn: (value: unknown) => boolean): Test =>
  (value, ...args) => {
    bind(name, [], args);
    return fn(value);
  };

/**
 * Jinja's `filter` and `test` tests (pass_environment): is the value the name of one of the
 * environment's filters or tests? Templates call tests with the environment as `this`.
 */
const named = (name: string, kind: 'filter' | 'test'): Test =>
  function (this: unknown, value, ...args) {
    bind(name, [], args);
    const text = hashKey(value) !== '' ? textOf(value) : undefined;
    return text !== undefined && this !== null && typeof this === 'object' && ownEntry(this, kind, text) !== undefined;
  };

/** The operator module's functions: exactly one more argument, never by keyword. */
const operator =
  (name: string, fn: (a: unknown, b: unknown) => boolean): Test =>
  (value, ...args) => {
    const { positional, keywords } = splitArgs(args);
    if (Object.keys(keywords).length) raise('TypeError', `_operator.${name}() takes no keyword arguments`);
    if (positional.length !== 1) raise('TypeError', `${name} expected 2 arguments, got ${positional.length + 1}`);
    return fn(value, positional[0]);
  };

const isUndefined = (v: unknown) => v instanceof Undefined || v === undefined;

/** Python's str.islower()/isupper(): some cased letter, and none of the other case (or title case). */
const cased = (v: unknown, want: 'lower' | 'upper') => {
  const s = str(v);
  const [has, hasNot] = want === 'lower' ? [/\p{Ll}/u, /[\p{Lu}\p{Lt}]/u] : [/\p{Lu}/u, /[\p{Ll}\p{Lt}]/u];
  return has.test(s) && !hasNot.test(s);
};

const eq: Test = operator('eq', (a, b) => equals(a, b));
const ne: Test = operator('ne', (a, b) => !equals(a, b));
const lt: Test = operator('lt', (a, b) => order(a, b, '<') < 0);
const le: Test = operator('le', (a, b) => order(a, b, '<=') <= 0);
const gt: Test = operator('gt', (a, b) => order(a, b, '>') > 0);
const ge: Test = operator('ge', (a, b) => order(a, b, '>=') >= 0);

const TESTS: Record<string, Test> = {
  odd: unary('test_odd', (v) => equals(mod(v, 2), 1)),
  even: unary('test_even', (v) => equals(mod(v, 2), 0)),
  divisibleby: binary('test_divisibleby', 'num', (v, num) => equals(mod(v, num), 0)),
  defined: unary('test_defined', (v) => !isUndefined(v)),
  undefined: unary('test_undefined', isUndefined),
  none: unary('test_none', (v) => v === null),
  boolean: unary('test_boolean', (v) => typeof v === 'boolean'),
  false: unary('test_false', (v) => v === false),
  true: unary('test_true', (v) => v === true),
  // Python's bool is an int, but Jinja's `integer` leaves bools out; `number` keeps them.
  integer: unary('test_integer', (v) => typeof v === 'number' && Number.isInteger(v)),
  float: unary('test_float', (v) => isFloat(v)),
  number: unary('test_number', (v) => numberOf(v) !== undefined),
  string: unary('test_string', (v) => textOf(v) !== undefined),
  lower: unary('test_lower', (v) => cased(v, 'lower')),
  upper: unary('test_upper', (v) => cased(v, 'upper')),
  mapping: unary('test_mapping', (v) => isDict(v) || v instanceof Map || (v instanceof PyObject && v.pyKeys !== undefined)),
  // len() and __getitem__: strings, lists, tuples, dicts, and Undefined (which has both).
  sequence: unary(
    'test_sequence',
    (v) => textOf(v) !== undefined || Array.isArray(v) || isDict(v) || v instanceof Map || v instanceof Undefined,
  ),
  iterable: unary(
    'test_iterable',
    (v) =>
      textOf(v) !== undefined ||
      Array.isArray(v) ||
      isDict(v) ||
      v instanceof Undefined ||
      v instanceof LoopContext ||
      (v !== null && typeof v === 'object' && Symbol.iterator in v),
  ),
  // Undefined has __call__ (calling it raises), and so has a loop (for recursive loops).
  callable: unary('test_callable', (v) => typeof v === 'function' || v instanceof Undefined || v instanceof LoopContext),
  sameas: binary('test_sameas', 'other', (a, b) => (a instanceof PyFloat && b instanceof PyFloat ? a.valueOf() === b.valueOf() : a === b)),
  escaped: unary('test_escaped', (v) => v instanceof Markup),
  in: binary('test_in', 'seq', (v, seq) => contains(seq, v)),
  filter: named('test_filter', 'filter'),
  test: named('test_test', 'test'),
  '==': eq,
  eq,
  equalto: eq,
  '!=': ne,
  ne,
  '<': lt,
  lt,
  lessthan: lt,
  '<=': le,
  le,
  '>': gt,
  gt,
  greaterthan: gt,
  '>=': ge,
  ge,
};

export const JINJA_TESTS: Record<string, Test> = Object.fromEntries(
  Object.entries(TESTS).map(([name, fn]) => [name, takesTemplateValues(fn)]),
);

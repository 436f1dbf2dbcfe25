import { JINJA_FILTERS } from './jinja-filters.js';
import { Markup, bind, hashKey, textOf } from './jinja-filters-support.js';
import { contains, mod, order } from './py-operators.js';
import { LoopContext, takesTemplateValues } from './py-runtime.js';
import { PyFloat, Undefined, equals, isDict, isFloat, numberOf, str } from './py-values.js';

/**
 * Jinja2's built-in tests with Python semantics, on template values (see py-values.ts): what
 * `{{ value is name(args) }}` calls. Arguments bind as Python binds them (`divisibleby(num=3)`).
 */

/** A test: the value, then the test's arguments. */
export type Test = (value: unknown, ...args: unknown[]) => boolean;

/** A test of the value and one other argument (`other`, `num`, `seq`). */
const binary = (name: string, param: string, fn: (value: unknown, other: unknown) => boolean): Test => (value, ...args) => fn(value, bind(name, [param], args, 1)[0]);

const isUndefined = (v: unknown) => v instanceof Undefined || v === undefined;

/** Python's str.islower()/isupper(): some cased letter, and none of the other case (or title case). */
const cased = (v: unknown, want: 'lower' | 'upper') => {
  const s = str(v);
  const [has, hasNot] = want === 'lower' ? [/\p{Ll}/u, /[\p{Lu}\p{Lt}]/u] : [/\p{Lu}/u, /[\p{Ll}\p{Lt}]/u];
  return has.test(s) && !hasNot.test(s);
};

const eq: Test = binary('eq', 'b', (a, b) => equals(a, b));
const ne: Test = binary('ne', 'b', (a, b) => !equals(a, b));
const lt: Test = binary('lt', 'b', (a, b) => order(a, b, '<') < 0);
const le: Test = binary('le', 'b', (a, b) => order(a, b, '<=') <= 0);
const gt: Test = binary('gt', 'b', (a, b) => order(a, b, '>') > 0);
const ge: Test = binary('ge', 'b', (a, b) => order(a, b, '>=') >= 0);

const TESTS: Record<string, Test> = {
  odd: (v) => equals(mod(v, 2), 1),
  even: (v) => equals(mod(v, 2), 0),
  divisibleby: binary('test_divisibleby', 'num', (v, num) => equals(mod(v, num), 0)),
  defined: (v) => !isUndefined(v),
  undefined: isUndefined,
  none: (v) => v === null,
  boolean: (v) => typeof v === 'boolean',
  false: (v) => v === false,
  true: (v) => v === true,
  // Python's bool is an int, but Jinja's `integer` leaves bools out; `number` keeps them.
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => isFloat(v),
  number: (v) => numberOf(v) !== undefined,
  string: (v) => textOf(v) !== undefined,
  lower: (v) => cased(v, 'lower'),
  upper: (v) => cased(v, 'upper'),
  mapping: (v) => isDict(v) || v instanceof Map,
  // len() and __getitem__: strings, lists, tuples, dicts, and Undefined (which has both).
  sequence: (v) => textOf(v) !== undefined || Array.isArray(v) || isDict(v) || v instanceof Map || v instanceof Undefined,
  iterable: (v) => textOf(v) !== undefined || Array.isArray(v) || isDict(v) || v instanceof Undefined || v instanceof LoopContext || (v !== null && typeof v === 'object' && Symbol.iterator in v),
  // Undefined has __call__ (calling it raises), and so has a loop (for recursive loops).
  callable: (v) => typeof v === 'function' || v instanceof Undefined || v instanceof LoopContext,
  sameas: binary('test_sameas', 'other', (a, b) => (a instanceof PyFloat && b instanceof PyFloat ? a.valueOf() === b.valueOf() : a === b)),
  escaped: (v) => v instanceof Markup,
  in: binary('test_in', 'seq', (v, seq) => contains(seq, v)),
  filter: (v) => hashKey(v) !== '' && Object.prototype.hasOwnProperty.call(JINJA_FILTERS, textOf(v) ?? ''),
  test: (v) => hashKey(v) !== '' && Object.prototype.hasOwnProperty.call(TESTS, textOf(v) ?? ''),
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

export const JINJA_TESTS: Record<string, Test> = Object.fromEntries(Object.entries(TESTS).map(([name, fn]) => [name, takesTemplateValues(fn)]));

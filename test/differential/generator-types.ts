// The template generator's type model: the types of generated values, typed expressions with their
// precedence, and the scope (variables and macros) an expression or statement is generated in.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * `num` is an int or a float; `scalar` any hashable scalar; `any` a defined JSON-like value; `opaque` a defined
 * value that is no JSON (a dict with int keys); `maybe` possibly undefined.
 */
type Simple = 'int' | 'float' | 'num' | 'str' | 'bool' | 'none' | 'scalar' | 'any' | 'opaque' | 'maybe';
export interface Field {
  key: string;
  ty: Ty;
}
export type Ty =
  | { k: Simple }
  | { k: 'list'; of: Ty; min: number; lazy?: boolean; tuple?: boolean }
  | { k: 'tuple'; items: readonly Ty[]; names?: readonly string[] }
  | { k: 'dict'; fields: readonly Field[] }
  | { k: 'ns'; fields: readonly Field[] };

export const INT: Ty = { k: 'int' };
export const FLOAT: Ty = { k: 'float' };
export const NUM: Ty = { k: 'num' };
export const STR: Ty = { k: 'str' };
export const BOOL: Ty = { k: 'bool' };
export const NONE: Ty = { k: 'none' };
export const ANY: Ty = { k: 'any' };
export const MAYBE: Ty = { k: 'maybe' };
export const listOf = (of: Ty, min = 0, lazy = false, tuple = false): Ty => ({
  k: 'list',
  of,
  min,
  ...(lazy ? { lazy } : {}),
  ...(tuple ? { tuple } : {}),
});

export type Pred = (t: Ty) => boolean;
export const isInt: Pred = (t) => t.k === 'int';
export const isFloat: Pred = (t) => t.k === 'float';
export const isNum: Pred = (t) => t.k === 'int' || t.k === 'float' || t.k === 'num';
export const isStr: Pred = (t) => t.k === 'str';
export const isBool: Pred = (t) => t.k === 'bool';
export const isDict: Pred = (t) => t.k === 'dict';
export const isScalar = (t: Ty): boolean => ['int', 'float', 'num', 'str', 'bool', 'none', 'scalar'].includes(t.k);
export const isHashable = (t: Ty): boolean => isScalar(t) || (t.k === 'tuple' && t.items.every(isHashable));
/** A defined value that can be printed, compared with == and put in a list. */
export const isValue = (t: Ty): boolean => t.k !== 'maybe' && t.k !== 'ns' && !(t.k === 'list' && t.lazy);
export const isJsonable = (t: Ty): boolean =>
  t.k === 'list'
    ? !t.lazy && isJsonable(t.of)
    : t.k === 'tuple'
      ? t.items.every(isJsonable)
      : t.k === 'dict'
        ? t.fields.every((f) => isJsonable(f.ty))
        : isValue(t) && t.k !== 'opaque';
export const isList = (t: Ty): t is Extract<Ty, { k: 'list' }> => t.k === 'list';
export const elemOf = (t: Ty): Ty => (t.k === 'list' ? t.of : ANY);
export const fieldTy = (t: Ty, key: string): Ty | undefined =>
  t.k === 'dict' || t.k === 'ns' ? t.fields.find((f) => f.key === key)?.ty : undefined;

/** The type of a value that is one of a or b. */
export function unify(a: Ty, b: Ty): Ty {
  if (a.k === b.k && isScalar(a)) return a;
  if (isNum(a) && isNum(b)) return NUM;
  if (isHashable(a) && isHashable(b) && isScalar(a) && isScalar(b)) return { k: 'scalar' };
  if (JSON.stringify(a) === JSON.stringify(b)) return a;
  if (a.k === 'list' && b.k === 'list') return listOf(unify(a.of, b.of), Math.min(a.min, b.min));
  if (!isValue(a) || !isValue(b)) return MAYBE;
  return isJsonable(a) && isJsonable(b) ? ANY : { k: 'opaque' };
}

/** How tightly an expression's top operator binds, after Jinja's parser (higher binds tighter). */
export const P = { cond: 1, or: 2, and: 3, not: 4, cmp: 5, add: 6, concat: 7, mul: 8, pow: 9, unary: 10, filter: 11, atom: 12 } as const;

/**
 * Generated code with the type of its value. `test` marks `x is t`, which another `is` cannot follow;
 * `open` marks code ending in a test without argument, after which Jinja would read `if` or `in` as the argument.
 */
export interface Expr {
  code: string;
  ty: Ty;
  prec: number;
  test?: boolean;
  open?: boolean;
}

export const atom = (code: string, ty: Ty): Expr => ({ code, ty, prec: P.atom });

/** A variable in scope; `owned` when it was set to a new list or dict literal (appending to it changes nothing else). */
export interface Var {
  name: string;
  ty: Ty;
  value?: Json;
  owned?: boolean;
}

/** A macro the template can call: from the case's macro file, or defined in the template itself. */
export interface MacroSig {
  name: string;
  params: readonly { name: string; ty: Ty; def?: string }[];
  varargs: boolean;
  kwargs: boolean;
  /** Argument types the macro passes to caller(), when it calls it. */
  caller?: readonly Ty[];
  returns: Ty;
}

export interface Scope {
  vars: readonly Var[];
  /** Inside a for loop: `loop` is usable. */
  loop: boolean;
  /** Directly inside a for loop (through ifs only): break and continue are usable. */
  breakable: boolean;
  /** Names an enclosing loop iterates over: growing them there would loop forever. */
  frozen?: readonly string[];
  /** In a macro or call block, which may run inside any loop: only lists made there can grow. */
  nested?: boolean;
  macros: readonly MacroSig[];
}

export const withVars = (s: Scope, vars: readonly Var[]): Scope => ({
  ...s,
  vars: [...s.vars.filter((v) => !vars.some((n) => n.name === v.name)), ...vars],
});

export const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** dict methods: `d.items` is the method, never the key, so such keys are only reached with d['items']. */
export const DICT_METHODS = new Set([
  'items',
  'keys',
  'values',
  'get',
  'update',
  'pop',
  'copy',
  'clear',
  'setdefault',
  'popitem',
  'fromkeys',
]);

/** The element type of dbt-like column lists. */
export const COLUMN_FIELDS: readonly Field[] = [
  { key: 'name', ty: STR },
  { key: 'type', ty: STR },
  { key: 'value', ty: NUM },
];
export const COLUMN: Ty = { k: 'dict', fields: COLUMN_FIELDS };

export const COLUMN_LIST = listOf(COLUMN);

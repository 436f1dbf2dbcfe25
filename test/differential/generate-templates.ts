import type { JinjaCase } from './oracle.js';

// Random templates for differential testing against Python's Jinja2 as dbt configures it.
// The generator is typed: every expression knows the type of its value, so that almost every
// template renders without error in Jinja (a case where both engines fail tests little), and it
// knows how tightly its top operator binds, so that the printed form uses only the parentheses
// Jinja's grammar needs (which is where engines disagree: `~` binds tighter than `+`, `**` is
// left-associative, filters and tests bind tighter than unary minus...).

/* ------------------------------------------------------------------ randomness */

/** mulberry32: small, fast, seedable and the same on every machine. */
class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** One of the options, drawn by weight. */
  weighted<T>(options: readonly (readonly [number, T])[]): T {
    const total = options.reduce((sum, [w]) => sum + w, 0);
    let draw = this.next() * total;
    for (const [w, value] of options) {
      if ((draw -= w) < 0) return value;
    }
    const last = options[options.length - 1];
    if (!last) throw new Error('no options');
    return last[1];
  }
}

/** Case i's own seed, so that a case does not depend on how many cases were asked for. */
function caseSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

/* ------------------------------------------------------------------ types */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * `num` is an int or a float; `scalar` any hashable scalar; `any` a defined JSON-like value; `opaque` a defined
 * value that is no JSON (a dict with int keys); `maybe` possibly undefined.
 */
type Simple = 'int' | 'float' | 'num' | 'str' | 'bool' | 'none' | 'scalar' | 'any' | 'opaque' | 'maybe';
interface Field { key: string; ty: Ty }
type Ty =
  | { k: Simple }
  | { k: 'list'; of: Ty; min: number; lazy?: boolean; tuple?: boolean }
  | { k: 'tuple'; items: readonly Ty[]; names?: readonly string[] }
  | { k: 'dict'; fields: readonly Field[] }
  | { k: 'ns'; fields: readonly Field[] };

const INT: Ty = { k: 'int' };
const FLOAT: Ty = { k: 'float' };
const NUM: Ty = { k: 'num' };
const STR: Ty = { k: 'str' };
const BOOL: Ty = { k: 'bool' };
const NONE: Ty = { k: 'none' };
const ANY: Ty = { k: 'any' };
const MAYBE: Ty = { k: 'maybe' };
const listOf = (of: Ty, min = 0, lazy = false, tuple = false): Ty => ({ k: 'list', of, min, ...(lazy ? { lazy } : {}), ...(tuple ? { tuple } : {}) });

type Pred = (t: Ty) => boolean;
const isInt: Pred = (t) => t.k === 'int';
const isFloat: Pred = (t) => t.k === 'float';
const isNum: Pred = (t) => t.k === 'int' || t.k === 'float' || t.k === 'num';
const isStr: Pred = (t) => t.k === 'str';
const isBool: Pred = (t) => t.k === 'bool';
const isDict: Pred = (t) => t.k === 'dict';
const isScalar = (t: Ty): boolean => ['int', 'float', 'num', 'str', 'bool', 'none', 'scalar'].includes(t.k);
const isHashable = (t: Ty): boolean => isScalar(t) || (t.k === 'tuple' && t.items.every(isHashable));
/** A defined value that can be printed, compared with == and put in a list. */
const isValue = (t: Ty): boolean => t.k !== 'maybe' && t.k !== 'ns' && !(t.k === 'list' && t.lazy);
const isJsonable = (t: Ty): boolean =>
  t.k === 'list' ? !t.lazy && isJsonable(t.of) : t.k === 'tuple' ? t.items.every(isJsonable) : t.k === 'dict' ? t.fields.every((f) => isJsonable(f.ty)) : isValue(t) && t.k !== 'opaque';
const isList = (t: Ty): t is Extract<Ty, { k: 'list' }> => t.k === 'list';
const elemOf = (t: Ty): Ty => (t.k === 'list' ? t.of : ANY);
const fieldTy = (t: Ty, key: string): Ty | undefined => (t.k === 'dict' || t.k === 'ns' ? t.fields.find((f) => f.key === key)?.ty : undefined);

/** The type of a value that is one of a or b. */
function unify(a: Ty, b: Ty): Ty {
  if (a.k === b.k && isScalar(a)) return a;
  if (isNum(a) && isNum(b)) return NUM;
  if (isHashable(a) && isHashable(b) && isScalar(a) && isScalar(b)) return { k: 'scalar' };
  if (JSON.stringify(a) === JSON.stringify(b)) return a;
  if (a.k === 'list' && b.k === 'list') return listOf(unify(a.of, b.of), Math.min(a.min, b.min));
  if (!isValue(a) || !isValue(b)) return MAYBE;
  return isJsonable(a) && isJsonable(b) ? ANY : { k: 'opaque' };
}

/* ------------------------------------------------------------------ expressions */

/** How tightly an expression's top operator binds, after Jinja's parser (higher binds tighter). */
const P = { cond: 1, or: 2, and: 3, not: 4, cmp: 5, add: 6, concat: 7, mul: 8, pow: 9, unary: 10, filter: 11, atom: 12 } as const;

/**
 * Generated code with the type of its value. `test` marks `x is t`, which another `is` cannot follow;
 * `open` marks code ending in a test without argument, after which Jinja would read `if` or `in` as the argument.
 */
interface Expr { code: string; ty: Ty; prec: number; test?: boolean; open?: boolean }

const atom = (code: string, ty: Ty): Expr => ({ code, ty, prec: P.atom });

/** A variable in scope; `owned` when it was set to a new list or dict literal (appending to it changes nothing else). */
interface Var { name: string; ty: Ty; value?: Json; owned?: boolean }

/** A macro the template can call: from the case's macro file, or defined in the template itself. */
interface MacroSig {
  name: string;
  params: readonly { name: string; ty: Ty; def?: string }[];
  varargs: boolean;
  kwargs: boolean;
  /** Argument types the macro passes to caller(), when it calls it. */
  caller?: readonly Ty[];
  returns: Ty;
}

interface Scope {
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

const withVars = (s: Scope, vars: readonly Var[]): Scope => ({
  ...s,
  vars: [...s.vars.filter((v) => !vars.some((n) => n.name === v.name)), ...vars],
});

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** dict methods: `d.items` is the method, never the key, so such keys are only reached with d['items']. */
const DICT_METHODS = new Set(['items', 'keys', 'values', 'get', 'update', 'pop', 'copy', 'clear', 'setdefault', 'popitem', 'fromkeys']);

/** Jinja string literal for a value, with varied quotes and escapes. */
function strLiteral(rng: Rng, value: string): string {
  const quote = rng.chance(0.3) ? '"' : "'";
  let out = '';
  for (const ch of value) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + ch;
    else if (ch === '\n') out += rng.chance(0.8) ? '\\n' : '\n';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) > 127 && rng.chance(0.4)) out += '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
    else out += ch;
  }
  return quote + out + quote;
}

// '007', not '42': a dict key that reads as an array index ('42') is ordered first by JavaScript
// (a known difference, docs/compatibility.md); '007' is all digits but not an index.
const STRINGS = ['', 'a', 'abc', 'hello world', 'Hello World', '  padded  ', "it's", 'say "hi"', 'a,b,c', 'line1\nline2', 'MiXeD case', 'snake_case_name', 'café', '007', '3.5', 'x < y & z', 'tab\there', 'UPPER', 'lower', 'orders', 'customer_id', '%', 'a b  c', '-7', 'True', 'None', '{x}', 'back\\slash', ' ', 'ab', 'b', 'Zeta', 'zeta'];
const INTS = [0, 1, 2, 3, 4, 5, 7, 10, 12, 42, 100, -1, -3, -7, 15, 8, 9, 6, 11, 64];
const FLOATS = [1.5, 0.25, 2.75, -0.5, 3.14, 0.1, 19.99, 1.05, 100.5, -2.25, 0.3, 7.125, 2.5, 0.5, 1e-7, 12345.678];
const FLOAT_LITERALS = ['1.5', '2.0', '0.25', '3.14', '10.0', '0.1', '2.50', '1e3', '1.5e-3', '0.0', '1_000.5', '7.5', '0.5', '100.0', '2.675'];
const FIELD_NAMES = ['a', 'b', 'name', 'enabled', 'schema', 'alias', 'tags', 'meta', 'owner', 'x', 'y', 'n', 'my key', 'kebab-key', 'materialized', 'id', 'items'];
const LIST_NAMES: Partial<Record<string, readonly string[]>> = {
  int: ['nums', 'ids', 'counts'], str: ['words', 'tags', 'names'], float: ['prices', 'rates'], num: ['values_', 'amounts'],
  bool: ['flags'], scalar: ['mixed', 'items'], list: ['matrix', 'pairs'], any: ['things', 'stuff'], dict: ['cols', 'columns'],
};
const COLUMN_TYPES = ['int', 'text', 'date', 'bool', 'numeric'];
const COLUMN_NAMES = ['id', 'name', 'amount', 'created_at', 'Status', 'email', 'is_active', 'zip'];
const FRESH_NAMES = ['total', 'acc', 'out', 'result', 'tmp', 'label2', 'parts', 'res', 'sep', 'val', 'cnt', 'first_one', 'seen', 'suffix', 'buf', 'msg', 'y2', 'z'];
const RESERVED = new Set(['range', 'dict', 'loop', 'namespace', 'joiner', 'cycler', 'lipsum', 'caller', 'varargs', 'kwargs', 'return', 'true', 'false', 'none', 'True', 'False', 'None', 'and', 'or', 'not', 'in', 'is', 'if', 'else', 'self']);

/** Random typed expressions (and the case's context), for one case. */
class ExprGen {
  readonly features = new Set<string>();
  private readonly taken = new Set<string>(RESERVED);

  constructor(readonly rng: Rng) {}

  feature(name: string): void {
    this.features.add(name);
  }

  /** Tries options by weight until one applies (returns an expression); the last resort must always apply. */
  choose<T>(options: readonly (readonly [number, () => T | undefined])[], fallback: () => T): T {
    const live = options.filter(([w]) => w > 0).map((o) => [o[0], o[1]] as const);
    while (live.length > 0) {
      const chosen = this.rng.weighted(live.map((o, i) => [o[0], i] as const));
      const option = live[chosen];
      if (!option) break;
      const result = option[1]();
      if (result !== undefined) return result;
      live.splice(chosen, 1);
    }
    return fallback();
  }

  freshName(pool: readonly string[] = FRESH_NAMES): string {
    const free = pool.filter((n) => !this.taken.has(n));
    const name = free.length > 0 ? this.rng.pick(free) : `v${this.taken.size}`;
    this.taken.add(name);
    return name;
  }

  /* ---------------------------------------------------------------- context */

  context(): Var[] {
    const kinds = ['int', 'int', 'float', 'str', 'str', 'bool', 'none', 'list', 'list', 'list', 'dict', 'dict', 'cols'] as const;
    const count = this.rng.int(3, 7);
    const vars: Var[] = [];
    const names: Record<(typeof kinds)[number], readonly string[]> = {
      int: ['n', 'count_', 'limit', 'days', 'offset_', 'k'],
      float: ['price', 'ratio', 'rate'],
      str: ['s', 'label', 'schema', 'prefix', 'word', 'title_'],
      bool: ['flag', 'enabled', 'is_full'],
      none: ['nothing', 'owner'],
      list: ['items', 'things'],
      dict: ['cfg', 'meta', 'model', 'info'],
      cols: ['cols', 'columns', 'fields'],
    };
    const first = this.rng.chance(0.4) ? (['int', 'str', 'cols'] as const) : (['int', 'str', 'list'] as const);
    for (let i = 0; i < count; i++) {
      const kind = first[i] ?? this.rng.pick(kinds);
      const entry = this.contextValue(kind);
      const of = isList(entry.ty) ? entry.ty.of.k : '';
      const name = this.freshName(LIST_NAMES[of] ?? names[kind]);
      vars.push({ name, ...entry });
    }
    return vars;
  }

  private contextValue(kind: string): { ty: Ty; value: Json } {
    switch (kind) {
      case 'int': return { ty: INT, value: this.rng.pick(INTS) };
      case 'float': return { ty: FLOAT, value: this.rng.pick(FLOATS) };
      case 'str': return { ty: STR, value: this.rng.pick(STRINGS) };
      case 'bool': return { ty: BOOL, value: this.rng.chance(0.5) };
      case 'none': return { ty: NONE, value: null };
      case 'list': return this.contextList();
      case 'dict': return this.contextDict(2);
      default: return this.columns();
    }
  }

  private contextList(): { ty: Ty; value: Json } {
    const length = this.rng.weighted([[1, 0], [2, 1], [4, 2], [5, 3], [3, 4], [1, 6]] as const);
    const kind = this.rng.weighted([[4, 'int'], [4, 'str'], [2, 'float'], [2, 'num'], [1, 'bool'], [2, 'scalar'], [1, 'list'], [1, 'any']] as const);
    const values: Json[] = [];
    for (let i = 0; i < length; i++) values.push(this.elementValue(kind));
    const of: Ty = kind === 'list' ? listOf(INT) : { k: kind };
    return { ty: listOf(of, length), value: values };
  }

  private elementValue(kind: string): Json {
    switch (kind) {
      case 'int': return this.rng.pick(INTS);
      case 'float': return this.rng.pick(FLOATS);
      case 'num': return this.rng.chance(0.5) ? this.rng.pick(INTS) : this.rng.pick(FLOATS);
      case 'str': return this.rng.pick(STRINGS);
      case 'bool': return this.rng.chance(0.5);
      case 'list': return [this.rng.pick(INTS), this.rng.pick(INTS)];
      case 'scalar': return this.elementValue(this.rng.pick(['int', 'float', 'str', 'bool', 'none']));
      case 'any': return this.elementValue(this.rng.pick(['int', 'str', 'none', 'list', 'dict']));
      case 'dict': return { a: this.rng.pick(INTS), b: this.rng.pick(STRINGS) };
      default: return null;
    }
  }

  private contextDict(depth: number): { ty: Ty; value: Json } {
    const fields: Field[] = [];
    const value: { [key: string]: Json } = {};
    const count = this.rng.int(1, 4);
    for (let i = 0; i < count; i++) {
      const key = this.rng.pick(FIELD_NAMES);
      if (key in value) continue;
      const kind = this.rng.weighted([[3, 'int'], [3, 'str'], [1, 'float'], [2, 'bool'], [1, 'none'], [2, 'list'], [depth > 1 ? 2 : 0, 'dict']] as const);
      const entry = kind === 'dict' ? this.contextDict(depth - 1) : this.contextValue(kind);
      fields.push({ key, ty: entry.ty });
      value[key] = entry.value;
    }
    return { ty: { k: 'dict', fields }, value };
  }

  /** A dbt-like column list: dicts with name, type and value. */
  private columns(): { ty: Ty; value: Json } {
    const length = this.rng.weighted([[1, 0], [2, 1], [4, 2], [4, 3], [2, 4]] as const);
    const value: Json[] = [];
    for (let i = 0; i < length; i++) {
      value.push({ name: this.rng.pick(COLUMN_NAMES), type: this.rng.pick(COLUMN_TYPES), value: this.rng.chance(0.7) ? this.rng.pick(INTS) : this.rng.pick(FLOATS) });
    }
    return { ty: listOf(COLUMN, length), value };
  }

  /* ---------------------------------------------------------------- expression helpers */

  /** The code of e as an operand that needs at least precedence min (parenthesized when it binds looser, and now and then for nothing). */
  wrap(e: Expr, min: number): string {
    return e.prec < min || this.rng.chance(0.03) ? `(${e.code})` : e.code;
  }

  bin(l: Expr, op: string, r: Expr, prec: number, ty: Ty): Expr {
    const sp = /^[a-z]/.test(op) || this.rng.chance(0.85) ? ' ' : '';
    this.feature(`op:${op}`);
    const left = /^(in|not in)$/.test(op) ? this.wrapOpen(l, prec) : this.wrap(l, prec);
    const right = this.wrap(r, prec + 1);
    return { code: `${left}${sp}${op}${sp}${right}`, ty, prec, ...(r.open && right === r.code ? { open: true } : {}) };
  }

  /** An operand followed by `if` or `in`, which must not follow a test without argument. */
  private wrapOpen(e: Expr, min: number): string {
    return e.open ? `(${e.code})` : this.wrap(e, min);
  }

  filter(x: Expr, name: string, args: readonly string[] | undefined, ty: Ty): Expr {
    this.feature(`filter:${name}`);
    const bar = this.rng.chance(0.08) ? ' | ' : '|';
    return { code: `${this.wrap(x, P.unary)}${bar}${name}${args === undefined ? '' : `(${args.join(', ')})`}`, ty, prec: P.filter };
  }

  private test(x: Expr, name: string, arg?: Expr): Expr {
    this.feature(`test:${name}`);
    const negate = this.rng.chance(0.25) ? 'not ' : '';
    const subject = x.test ? `(${x.code})` : this.wrap(x, P.unary);
    let argCode = '';
    // `x is t arg` takes a primary (no minus), and a parenthesis there opens the test's own argument list.
    if (arg) argCode = arg.prec === P.atom && !/^[-(]/.test(arg.code) && this.rng.chance(0.6) ? ` ${arg.code}` : `(${arg.code})`;
    return { code: `${subject} is ${negate}${name}${argCode}`, ty: BOOL, prec: P.filter, test: true, ...(arg ? {} : { open: true }) };
  }

  private call(name: string, args: readonly string[], ty: Ty): Expr {
    return atom(`${name}(${args.join(', ')})`, ty);
  }

  private method(x: Expr, name: string, args: readonly string[], ty: Ty): Expr {
    this.feature(`method:${name}`);
    return atom(`${this.wrap(x, P.atom)}.${name}(${args.join(', ')})`, ty);
  }

  private not(x: Expr): Expr {
    const operand = this.wrap(x, P.not);
    return { code: `not ${operand}`, ty: BOOL, prec: P.not, ...(x.open && operand === x.code ? { open: true } : {}) };
  }

  private neg(x: Expr): Expr {
    this.feature('op:neg');
    return { code: `-${this.wrap(x, P.atom)}`, ty: x.ty, prec: P.unary };
  }

  private cond(s: Scope, d: number, branch: () => Expr): Expr {
    this.feature('op:ifelse');
    const body = branch();
    const test = this.boolish(s, d - 1);
    const other = branch();
    const last = this.wrap(other, P.cond);
    return { code: `${this.wrapOpen(body, P.or)} if ${this.wrap(test, P.or)} else ${last}`, ty: unify(body.ty, other.ty), prec: P.cond, ...(other.open && last === other.code ? { open: true } : {}) };
  }

  /** Every typed path into the scope: names, attributes, items, first elements. */
  private lookups(s: Scope): Expr[] {
    const out: Expr[] = [];
    for (const v of s.vars) this.paths(atom(v.name, v.ty), v.value, 2, out);
    return out;
  }

  private paths(e: Expr, value: Json | undefined, depth: number, out: Expr[]): void {
    out.push(e);
    if (depth === 0) return;
    const t = e.ty;
    if (t.k === 'dict' || t.k === 'ns') {
      for (const f of t.fields) {
        const fieldValue = value !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value) ? value[f.key] : undefined;
        const plain = IDENT.test(f.key) && !DICT_METHODS.has(f.key);
        const style = t.k === 'ns' ? 'dot' : this.rng.weighted([[plain ? 3 : 0, 'dot'], [2, 'item'], [1, 'get']] as const);
        const key = strLiteral(this.rng, f.key);
        const code = style === 'dot' ? `${e.code}.${f.key}` : style === 'item' ? `${e.code}[${key}]` : `${e.code}.get(${key})`;
        this.paths(atom(code, f.ty), fieldValue, depth - 1, out);
      }
    } else if (t.k === 'list' && !t.lazy && t.min > 0) {
      const first = Array.isArray(value) ? value[0] : undefined;
      const last = Array.isArray(value) ? value[value.length - 1] : undefined;
      this.paths(atom(`${e.code}[0]`, t.of), first, depth - 1, out);
      this.paths(atom(`${e.code}[-1]`, t.of), last, depth - 1, out);
      if (t.min > 1) out.push(atom(`${e.code}[1]`, t.of));
      out.push({ code: `${e.code}|${this.rng.pick(['first', 'last'])}`, ty: t.of, prec: P.filter });
    } else if (t.k === 'tuple') {
      t.items.forEach((item, i) => {
        const name = t.names?.[i];
        this.paths(atom(name && this.rng.chance(0.7) ? `${e.code}.${name}` : `${e.code}[${i}]`, item), undefined, depth - 1, out);
      });
    } else if (t.k === 'str' && typeof value === 'string' && value.length > 0) {
      out.push(atom(`${e.code}[0]`, STR), atom(`${e.code}[-1]`, STR));
    }
  }

  lookup(s: Scope, pred: Pred): Expr | undefined {
    const found = this.lookups(s).filter((e) => pred(e.ty));
    if (found.length === 0) return undefined;
    const e = this.rng.pick(found);
    this.feature(e.code.includes('|') ? 'lookup:first/last' : e.code.includes('[') ? 'lookup:item' : e.code.includes('.') ? 'lookup:attr' : 'lookup:name');
    return e;
  }

  /* ---------------------------------------------------------------- literals */

  intLit(nonNegative = false): Expr {
    const n = this.rng.weighted([[6, this.rng.int(0, 9)], [2, this.rng.pick(INTS)], [1, this.rng.int(10, 999)], [nonNegative ? 0 : 1, -this.rng.int(1, 9)]] as const);
    if (n < 0) return { code: String(n), ty: INT, prec: P.unary };
    if (n >= 1000 && this.rng.chance(0.5)) return atom(String(n).replace(/(\d)(\d{3})$/, '$1_$2'), INT);
    return atom(String(n), INT);
  }

  private floatLit(): Expr {
    this.feature('lit:float');
    const code = this.rng.pick(FLOAT_LITERALS);
    return this.rng.chance(0.15) ? { code: `-${code}`, ty: FLOAT, prec: P.unary } : atom(code, FLOAT);
  }

  strLit(): Expr {
    return atom(strLiteral(this.rng, this.rng.pick(STRINGS)), STR);
  }

  private boolLit(): Expr {
    return atom(this.rng.pick(['true', 'false', 'True', 'False']), BOOL);
  }

  private noneLit(): Expr {
    this.feature('lit:none');
    return atom(this.rng.pick(['none', 'None']), NONE);
  }

  private trailing(): string {
    return this.rng.chance(0.12) ? ',' : '';
  }

  private listLit(elem: () => Expr): Expr {
    const n = this.rng.weighted([[1, 0], [3, 1], [4, 2], [3, 3]] as const);
    const items: Expr[] = [];
    for (let i = 0; i < n; i++) items.push(elem());
    const of = items.reduce<Ty | undefined>((t, e) => (t ? unify(t, e.ty) : e.ty), undefined) ?? elem().ty;
    this.feature('lit:list');
    return atom(`[${items.map((e) => e.code).join(', ')}${n > 0 ? this.trailing() : ''}]`, listOf(of, n));
  }

  private tupleLit(s: Scope, d: number): Expr {
    const n = this.rng.weighted([[1, 0], [2, 1], [4, 2], [1, 3]] as const);
    const items: Expr[] = [];
    for (let i = 0; i < n; i++) items.push(this.scalarE(s, d - 1));
    this.feature('lit:tuple');
    const code = n === 1 ? `(${items[0]?.code},)` : `(${items.map((e) => e.code).join(', ')}${n > 1 ? this.trailing() : ''})`;
    return atom(code, { k: 'tuple', items: items.map((e) => e.ty) });
  }

  private dictLit(s: Scope, d: number): Expr {
    const n = this.rng.weighted([[1, 0], [3, 1], [4, 2], [2, 3]] as const);
    const fields: Field[] = [];
    const parts: string[] = [];
    let intKeys = false;
    let exprKeys = false;
    for (let i = 0; i < n; i++) {
      const value = this.valueE(s, d - 1);
      if (this.rng.chance(0.15)) {
        // An expression key: its value is not tracked, so the dict is only printed or measured.
        exprKeys = true;
        const intKey = this.rng.chance(0.5);
        intKeys ||= intKey;
        parts.push(`${intKey ? this.intLit().code : this.strE(s, 0).code}: ${value.code}`);
        this.feature('lit:dict-expr-key');
        continue;
      }
      const key = this.rng.pick(FIELD_NAMES);
      if (fields.some((f) => f.key === key)) continue;
      fields.push({ key, ty: value.ty });
      parts.push(`${strLiteral(this.rng, key)}: ${value.code}`);
    }
    this.feature('lit:dict');
    return atom(`{${parts.join(', ')}${parts.length > 0 ? this.trailing() : ''}}`, exprKeys ? { k: intKeys ? 'opaque' : 'any' } : { k: 'dict', fields });
  }

  /* ---------------------------------------------------------------- numbers */

  intE(s: Scope, d: number): Expr {
    return this.choose<Expr>([
      [3, () => this.intLit()],
      [4, () => this.lookup(s, isInt)],
      [d > 0 ? 4 : 0, () => this.intArith(s, d)],
      [d > 0 ? 3 : 0, () => this.intFilter(s, d)],
      [s.loop ? 2 : 0, () => atom(`loop.${this.rng.pick(['index', 'index0', 'revindex', 'revindex0', 'length', 'depth'])}`, INT)],
      [d > 0 ? 0.5 : 0, () => this.cond(s, d, () => this.intE(s, d - 1))],
      [d > 0 ? 0.7 : 0, () => this.neg(this.intAtom(s))],
      [d > 0 ? 1 : 0, () => this.macroCall(s, d, isInt)],
    ], () => this.intLit());
  }

  /** A small int operand (of unary minus and **, whose results stay well inside a double's exact range). */
  private intAtom(s: Scope): Expr {
    return this.rng.chance(0.5) ? this.lookup(s, isInt) ?? atom(String(this.rng.int(0, 12)), INT) : atom(String(this.rng.int(0, 12)), INT);
  }

  private nonZeroInt(s: Scope, d: number): Expr {
    return this.rng.weighted([
      [5, () => atom(String(this.rng.pick([1, 2, 3, 4, 5, 7, 10])), INT)],
      [1, () => ({ code: `-${this.rng.int(2, 4)}`, ty: INT, prec: P.unary })],
      [d > 0 ? 2 : 0, () => this.bin(this.filter(this.intE(s, d - 1), 'abs', undefined, INT), '+', atom('1', INT), P.add, INT)],
    ] as const)();
  }

  /** + - * / // % with the precedence of the operator. */
  private arith(l: Expr, op: string, r: Expr, ty: Ty): Expr {
    return this.bin(l, op, r, op === '+' || op === '-' ? P.add : P.mul, ty);
  }

  private intArith(s: Scope, d: number): Expr {
    const op = this.rng.pick(['+', '-', '*', '//', '%', '**', '+', '-']);
    if (op === '**') return this.bin(this.intAtom(s), '**', atom(String(this.rng.int(0, 3)), INT), P.pow, INT);
    const right = op === '//' || op === '%' ? this.nonZeroInt(s, d - 1) : this.intE(s, d - 1);
    return this.arith(this.intE(s, d - 1), op, right, INT);
  }

  private intFilter(s: Scope, d: number): Expr {
    return this.choose<Expr>([
      [3, () => this.filter(this.sizedE(s, d - 1), this.rng.pick(['length', 'length', 'count']), undefined, INT)],
      [2, () => this.filter(this.rng.chance(0.5) ? this.numE(s, d - 1) : atom(strLiteral(this.rng, this.rng.pick(['12', '3.7', ' 8 ', 'abc', '-4', '0x1A', '1e2', ''])), STR), 'int', this.rng.chance(0.2) ? ['7'] : undefined, INT)],
      [1, () => this.filter(this.strE(s, d - 1), 'wordcount', undefined, INT)],
      [1, () => this.filter(this.intE(s, d - 1), 'abs', undefined, INT)],
      [1, () => this.filter(this.intE(s, d - 1), 'round', undefined, INT)],
      [2, () => this.aggregate(s, d, isInt)],
      [1, () => this.filter(this.call('range', [this.intLit(true).code], listOf(INT, 0, true)), 'sum', undefined, INT)],
      [1, () => this.method(this.strE(s, d - 1), this.rng.pick(['count', 'find']), [strLiteral(this.rng, this.rng.pick(['a', 'l', ' ', ',']))], INT)],
    ], () => this.intLit());
  }

  /** sum / min / max / first / last of a list whose elements satisfy pred. */
  private aggregate(s: Scope, d: number, pred: Pred): Expr | undefined {
    const l = this.listE(s, d - 1, (t) => pred(t) || (t.k === 'dict' && t.fields.some((f) => f.key === 'value' && pred(f.ty))));
    if (!l || !isList(l.ty)) return undefined;
    const of = l.ty.of;
    if (of.k === 'dict') {
      const value = fieldTy(of, 'value') ?? NUM;
      if (l.ty.min === 0 || this.rng.chance(0.5)) return this.filter(l, 'sum', [`attribute='value'`], value);
      const best = this.filter(l, this.rng.pick(['min', 'max']), [`attribute='value'`], of);
      return pred(value) ? atom(`(${best.code}).value`, value) : undefined;
    }
    const names = l.ty.min > 0 && !l.ty.lazy ? ['sum', 'min', 'max', 'first', 'last'] : l.ty.min > 0 ? ['sum', 'min', 'max', 'first'] : ['sum'];
    const name = this.rng.pick(names);
    if (name === 'sum' && !isNum(of)) return undefined;
    if (name === 'sum' && this.rng.chance(0.2)) return this.filter(l, 'sum', [`start=${this.intLit().code}`], of.k === 'int' ? INT : NUM);
    return this.filter(l, name, undefined, name === 'sum' && of.k !== 'int' ? NUM : of);
  }

  floatE(s: Scope, d: number): Expr {
    return this.choose<Expr>([
      [3, () => this.floatLit()],
      [3, () => this.lookup(s, isFloat)],
      [d > 0 ? 3 : 0, () => this.bin(this.numE(s, d - 1), '/', this.nonZero(s, d - 1), P.mul, FLOAT)],
      [d > 0 ? 2 : 0, () => this.arith(this.floatE(s, d - 1), this.rng.pick(['+', '-', '*']), this.numE(s, d - 1), FLOAT)],
      [d > 0 ? 1 : 0, () => this.arith(this.numE(s, d - 1), this.rng.pick(['*', '+']), this.floatE(s, d - 1), FLOAT)],
      [d > 0 ? 2 : 0, () => this.filter(this.rng.chance(0.6) ? this.numE(s, d - 1) : atom(strLiteral(this.rng, this.rng.pick(['2.5', '1e3', 'x', '-0.25', ' 7 '])), STR), 'float', undefined, FLOAT)],
      [d > 0 ? 2 : 0, () => this.filter(this.floatE(s, d - 1), 'round', this.rng.chance(0.7) ? [String(this.rng.int(0, 3))] : undefined, FLOAT)],
      [d > 0 ? 1 : 0, () => this.filter(this.numE(s, d - 1), 'round', [String(this.rng.int(0, 2)), strLiteral(this.rng, this.rng.pick(['floor', 'ceil', 'common']))], FLOAT)],
      [d > 0 ? 1 : 0, () => this.filter(this.floatE(s, d - 1), 'abs', undefined, FLOAT)],
      [d > 0 ? 0.5 : 0, () => this.bin(this.floatLit(), '**', atom(String(this.rng.int(0, 3)), INT), P.pow, FLOAT)],
      [d > 0 ? 0.5 : 0, () => this.neg(this.lookup(s, isFloat) ?? atom('2.5', FLOAT))],
      [d > 0 ? 0.5 : 0, () => this.macroCall(s, d, isFloat)],
    ], () => this.floatLit());
  }

  private nonZero(s: Scope, d: number): Expr {
    return this.rng.chance(0.6) ? this.nonZeroInt(s, d) : atom(this.rng.pick(['0.5', '2.0', '4.0', '1.5', '3.0']), FLOAT);
  }

  numE(s: Scope, d: number): Expr {
    return this.choose<Expr>([
      [4, () => this.intE(s, d)],
      [2, () => this.floatE(s, d)],
      [2, () => this.lookup(s, (t) => t.k === 'num')],
      [d > 0 ? 1 : 0, () => this.aggregate(s, d, isNum)],
      [d > 0 ? 1 : 0, () => this.bin(this.numE(s, d - 1), this.rng.pick(['//', '%']), this.nonZero(s, d - 1), P.mul, NUM)],
    ], () => this.intLit());
  }

  /* ---------------------------------------------------------------- strings */

  strE(s: Scope, d: number): Expr {
    return this.choose<Expr>([
      [4, () => this.strLit()],
      [4, () => this.lookup(s, isStr)],
      [d > 0 ? 3 : 0, () => this.concat(s, d)],
      [d > 0 ? 4 : 0, () => this.strFilter(s, d)],
      [d > 0 ? 3 : 0, () => this.strMethod(s, d)],
      [d > 0 ? 2 : 0, () => this.percentFormat(s, d)],
      [d > 0 ? 1 : 0, () => this.bin(this.strE(s, d - 1), '+', this.strE(s, d - 1), P.add, STR)],
      [d > 0 ? 0.5 : 0, () => this.bin(this.strAtom(s), '*', atom(String(this.rng.int(0, 3)), INT), P.mul, STR)],
      [d > 0 ? 1 : 0, () => this.slice(this.strAtom(s), STR)],
      [d > 0 ? 0.5 : 0, () => this.cond(s, d, () => this.strE(s, d - 1))],
      [s.loop ? 1 : 0, () => this.cycle()],
      [d > 0 ? 1.5 : 0, () => this.macroCall(s, d, isStr)],
      [d > 0 ? 1 : 0, () => this.filter(this.undefE(s), this.rng.pick(['default', 'd']), [this.strLit().code], STR)],
      [d > 0 ? 0.5 : 0, () => this.filter(this.strE(s, d - 1), 'default', [this.strLit().code, 'true'], STR)],
      [d > 0 ? 0.5 : 0, () => {
        const dict = this.lookup(s, isDict);
        return dict && this.method(dict, 'get', [`'nokey'`, this.strLit().code], STR);
      }],
      [d > 0 ? 0.5 : 0, () => this.aggregate(s, d, isStr)],
    ], () => this.strLit());
  }

  private strAtom(s: Scope): Expr {
    return this.rng.chance(0.5) ? this.lookup(s, isStr) ?? this.strLit() : this.strLit();
  }

  private cycle(): Expr {
    const n = this.rng.int(1, 3);
    const args = Array.from({ length: n }, () => this.strLit().code);
    this.feature('loop.cycle');
    return atom(`loop.cycle(${args.join(', ')})`, STR);
  }

  private concat(s: Scope, d: number): Expr {
    const parts = this.rng.int(2, 3);
    let e = this.concatOperand(s, d);
    for (let i = 1; i < parts; i++) e = this.bin(e, '~', this.concatOperand(s, d), P.concat, STR);
    return e;
  }

  private concatOperand(s: Scope, d: number): Expr {
    return this.rng.weighted([
      [4, () => this.strE(s, d - 1)],
      [2, () => this.numE(s, d - 1)],
      [1, () => this.anyE(s, d - 1)],
      [1, () => this.maybeE(s, d - 1)],
    ] as const)();
  }

  private slice(x: Expr, ty: Ty): Expr {
    this.feature('op:slice');
    const bound = () => this.rng.pick(['', '', '1', '2', '-1', '0', '5']);
    const step = this.rng.weighted([[5, ''], [2, ':-1'], [1, ':2'], [1, ':']] as const);
    return atom(`${this.wrap(x, P.atom)}[${bound()}:${bound()}${step}]`, ty);
  }

  private strFilter(s: Scope, d: number): Expr {
    const sub = () => this.strE(s, d - 1);
    return this.rng.weighted<() => Expr>([
      [4, () => this.filter(this.rng.chance(0.8) ? sub() : this.scalarE(s, d - 1), this.rng.pick(['upper', 'lower', 'trim', 'title', 'capitalize']), undefined, STR)],
      [2, () => this.filter(sub(), 'replace', this.replaceArgs(), STR)],
      [1, () => this.filter(sub(), 'center', [String(this.rng.int(0, 12))], STR)],
      [1, () => this.filter(sub(), 'indent', this.rng.weighted([[2, [] as string[]], [2, ['2']], [1, ['2', 'true']], [1, ['width=3', 'first=true', 'blank=true']], [1, [`'> '`]]] as const), STR)],
      [1, () => this.filter(sub(), 'truncate', this.rng.weighted([[2, [String(this.rng.int(3, 12))]], [1, [String(this.rng.int(3, 12)), 'true']], [1, [String(this.rng.int(3, 9)), 'false', `'…'`, '0']]] as const), STR)],
      [2, () => this.filter(this.valueE(s, d - 1), 'string', undefined, STR)],
      [2, () => this.join(s, d)],
      [1, () => this.filter(this.jsonE(s, d - 1), 'tojson', this.rng.chance(0.2) ? ['2'] : undefined, STR)],
      [1, () => this.filter(sub(), 'reverse', undefined, STR)],
      [1, () => this.formatFilter(s, d)],
      // Escaped text is Markup, whose methods and operators Strata does not model (a known difference): printed only.
      [1, () => this.filter(this.valueE(s, d - 1), this.rng.pick(['e', 'escape']), undefined, { k: 'opaque' })],
      [1, () => this.filter(sub(), 'trim', [strLiteral(this.rng, this.rng.pick(['a', ' _', 'xz', '_']))], STR)],
    ] as const)();
  }

  private formatFilter(s: Scope, d: number): Expr {
    const specs = this.rng.pick([['%s!'], ['%s-%s'], ['<%s>'], ['%d%%'], ['%s=%.1f']]);
    const args = specs.join('').match(/%[a-z.0-9]*[sdf]/g) ?? [];
    const values = args.map((spec) => (spec.endsWith('s') ? this.valueE(s, d - 1) : this.numE(s, d - 1)).code);
    return this.filter(atom(strLiteral(this.rng, specs.join('')), STR), 'format', values, STR);
  }

  private replaceArgs(): string[] {
    const from = strLiteral(this.rng, this.rng.pick(['a', ' ', 'l', ',', 'o', '', '_']));
    const to = strLiteral(this.rng, this.rng.pick(['', '-', 'X', '__', "'"]));
    return this.rng.chance(0.2) ? [from, to, String(this.rng.int(0, 2))] : [from, to];
  }

  private join(s: Scope, d: number): Expr {
    const l = this.listE(s, d - 1, () => true, true);
    if (!l || !isList(l.ty)) return this.strLit();
    const sep = strLiteral(this.rng, this.rng.pick([', ', ',', '', ' | ', '\n', '-']));
    const args = l.ty.of.k === 'dict' ? [sep, `attribute='name'`] : this.rng.chance(0.8) ? [sep] : [];
    return this.filter(l, 'join', args, STR);
  }

  private strMethod(s: Scope, d: number): Expr {
    const x = () => this.wrapAtom(this.strE(s, d - 1));
    return this.rng.weighted<() => Expr>([
      [3, () => this.method(x(), this.rng.pick(['upper', 'lower', 'strip', 'title', 'capitalize', 'lstrip', 'rstrip', 'swapcase']), [], STR)],
      [2, () => this.method(x(), 'replace', this.replaceArgs().slice(0, 2), STR)],
      [2, () => this.method(atom(strLiteral(this.rng, this.rng.pick([', ', '-', '', ' AND '])), STR), 'join', [(this.listE(s, d - 1, isStr, true) ?? atom(`['a', 'b']`, listOf(STR, 2))).code], STR)],
      [2, () => this.pyFormat(s, d)],
      [1, () => this.method(x(), this.rng.pick(['zfill', 'ljust', 'rjust', 'center']), [String(this.rng.int(0, 8))], STR)],
      [1, () => atom(`${this.wrap(this.strE(s, d - 1), P.atom)}.split(${strLiteral(this.rng, this.rng.pick([',', ' ', 'a']))})[${this.rng.pick(['0', '-1'])}]`, STR)],
      [1, () => this.method(x(), 'strip', [strLiteral(this.rng, this.rng.pick(['a', ' x', '_']))], STR)],
    ] as const)();
  }

  private wrapAtom(e: Expr): Expr {
    return e.prec < P.atom ? atom(`(${e.code})`, e.ty) : e;
  }

  /** str.format with placeholders matching the arguments. */
  private pyFormat(s: Scope, d: number): Expr {
    this.feature('method:format');
    const n = this.rng.int(1, 3);
    const args: Expr[] = [];
    const holes: string[] = [];
    for (let i = 0; i < n; i++) {
      const kind = this.rng.weighted([[3, 'any'], [2, 'num'], [2, 'str']] as const);
      const arg = kind === 'num' ? this.numE(s, d - 1) : kind === 'str' ? this.strE(s, d - 1) : this.scalarE(s, d - 1);
      args.push(arg);
      const spec = kind === 'num' ? this.rng.pick(['', '', ':.2f', ':>6', ':05.1f', ':,', ':+']) : kind === 'str' ? this.rng.pick(['', '', ':>8', ':^7', ':.2']) : '';
      holes.push(`{${this.rng.chance(0.3) ? String(i) : ''}${spec}}`);
    }
    // Numbered and automatic fields cannot be mixed: number all or none.
    const numbered = holes.some((h) => /^\{\d/.test(h));
    const fmt = holes.map((h, i) => (numbered && !/^\{\d/.test(h) ? `{${i}${h.slice(1)}` : h)).join(this.rng.pick([' ', '-', ', ', '']));
    return this.method(atom(strLiteral(this.rng, fmt), STR), 'format', args.map((a) => a.code), STR);
  }

  /** The % operator: '%s' % x, '%d-%s' % (n, s). */
  private percentFormat(s: Scope, d: number): Expr {
    const n = this.rng.int(1, 3);
    const specs: string[] = [];
    const args: Expr[] = [];
    for (let i = 0; i < n; i++) {
      const spec = this.rng.pick(['%s', '%s', '%d', '%.2f', '%5s', '%-4s|', '%r', '%i', '%x']);
      specs.push(spec);
      args.push(/[dfix]/.test(spec) ? (spec === '%x' ? this.intE(s, d - 1) : this.numE(s, d - 1)) : this.valueE(s, d - 1));
    }
    const fmt = atom(strLiteral(this.rng, specs.join(this.rng.pick([' ', '-', ', ', '']) + (this.rng.chance(0.1) ? '%%' : ''))), STR);
    const single = n === 1 && args[0] && isScalar(args[0].ty) && this.rng.chance(0.6);
    const right = single && args[0] ? args[0] : atom(`(${args.map((a) => a.code).join(', ')}${n === 1 ? ',' : ''})`, ANY);
    this.feature('op:%format');
    return { code: `${fmt.code} % ${this.wrap(right, P.pow)}`, ty: STR, prec: P.mul };
  }

  /* ---------------------------------------------------------------- booleans */

  boolE(s: Scope, d: number): Expr {
    return this.choose<Expr>([
      [2, () => this.boolLit()],
      [2, () => this.lookup(s, isBool)],
      [d > 0 ? 4 : 0, () => this.compare(s, d)],
      [d > 0 ? 4 : 0, () => this.isTest(s, d)],
      [d > 0 ? 2 : 0, () => this.membership(s, d)],
      [d > 0 ? 1 : 0, () => this.not(this.boolish(s, d - 1))],
      [d > 0 ? 1.5 : 0, () => this.bin(this.boolE(s, d - 1), this.rng.pick(['and', 'or']), this.boolE(s, d - 1), P.and, BOOL)],
      [d > 0 ? 1 : 0, () => this.method(this.wrapAtom(this.strE(s, d - 1)), this.rng.pick(['startswith', 'endswith']), [this.strLit().code], BOOL)],
      [d > 0 ? 0.5 : 0, () => this.method(this.wrapAtom(this.strE(s, d - 1)), this.rng.pick(['isdigit', 'isupper', 'islower', 'isalpha']), [], BOOL)],
      [s.loop ? 1 : 0, () => atom(`loop.${this.rng.pick(['first', 'last'])}`, BOOL)],
      [s.loop ? 0.5 : 0, () => atom(`loop.changed(${this.scalarE(s, 0).code})`, BOOL)],
    ], () => this.boolLit());
  }

  /** Any value used for its truth. */
  boolish(s: Scope, d: number): Expr {
    return this.rng.chance(0.7) ? this.boolE(s, d) : this.rng.chance(0.8) ? this.anyE(s, d) : this.maybeE(s, d);
  }

  private compare(s: Scope, d: number): Expr {
    const kind = this.rng.weighted([[4, 'num'], [2, 'str'], [2, 'eq'], [1, 'chain']] as const);
    const ops = ['<', '<=', '>', '>=', '==', '!='];
    if (kind === 'eq') return this.bin(this.valueE(s, d - 1), this.rng.pick(['==', '!=']), this.valueE(s, d - 1), P.cmp, BOOL);
    const side = kind === 'str' ? () => this.strE(s, d - 1) : () => this.numE(s, d - 1);
    const n = kind === 'chain' ? 3 : 2;
    const parts = [this.wrap(side(), P.add)];
    for (let i = 1; i < n; i++) parts.push(this.rng.pick(ops), this.wrap(side(), P.add));
    this.feature(kind === 'chain' ? 'op:chained-compare' : 'op:compare');
    return { code: parts.join(' '), ty: BOOL, prec: P.cmp };
  }

  private membership(s: Scope, d: number): Expr {
    const op = this.rng.chance(0.75) ? 'in' : 'not in';
    return this.rng.weighted<() => Expr>([
      [3, () => {
        const l = this.listE(s, d - 1, isHashable) ?? atom('[1, 2]', listOf(INT, 2));
        const x = this.rng.chance(0.6) ? this.exprOf(s, d - 1, elemOf(l.ty)) : this.scalarE(s, d - 1);
        return this.bin(x, op, l, P.cmp, BOOL);
      }],
      [2, () => this.bin(this.strE(s, d - 1), op, this.strE(s, d - 1), P.cmp, BOOL)],
      [2, () => {
        const dict = this.lookup(s, isDict) ?? this.dictLit(s, d - 1);
        const key = dict.ty.k === 'dict' && dict.ty.fields[0] && this.rng.chance(0.7) ? this.rng.pick(dict.ty.fields).key : 'nope';
        return this.bin(atom(strLiteral(this.rng, key), STR), op, dict, P.cmp, BOOL);
      }],
    ] as const)();
  }

  private isTest(s: Scope, d: number): Expr {
    return this.rng.weighted<() => Expr>([
      [3, () => this.test(this.rng.chance(0.6) ? this.maybeE(s, d - 1) : this.valueE(s, d - 1), this.rng.pick(['defined', 'undefined', 'none', 'defined']))],
      [3, () => this.test(this.valueE(s, d - 1), this.rng.pick(['number', 'string', 'mapping', 'sequence', 'iterable', 'boolean', 'true', 'false', 'integer', 'float']))],
      [2, () => this.test(this.intE(s, d - 1), this.rng.pick(['odd', 'even']))],
      [2, () => this.test(this.numE(s, d - 1), 'divisibleby', atom(String(this.rng.int(1, 5)), INT))],
      [1, () => this.test(this.strE(s, d - 1), this.rng.pick(['lower', 'upper']))],
      [2, () => this.test(this.scalarE(s, d - 1), this.rng.pick(['sameas', 'equalto', 'eq', 'ne']), this.scalarE(s, 0))],
      [1, () => this.test(this.numE(s, d - 1), this.rng.pick(['lt', 'gt', 'le', 'ge', 'greaterthan', 'lessthan']), this.intLit(true))],
      [1, () => {
        const l = this.listE(s, d - 1, isHashable) ?? atom('[1]', listOf(INT, 1));
        return this.test(this.exprOf(s, d - 1, elemOf(l.ty)), 'in', l);
      }],
      [0.3, () => this.test(atom(strLiteral(this.rng, this.rng.pick(['upper', 'nope', 'odd'])), STR), this.rng.pick(['filter', 'test']))],
    ] as const)();
  }

  /* ---------------------------------------------------------------- containers */

  /** A list expression whose element type satisfies pred (lazy iterators only when allowed). */
  listE(s: Scope, d: number, pred: Pred = () => true, lazyOk = false): Expr | undefined {
    for (let attempt = 0; attempt < 6; attempt++) {
      const l = this.anyList(s, d);
      if (isList(l.ty) && pred(l.ty.of) && (lazyOk || !l.ty.lazy)) return l;
      if (isList(l.ty) && pred(l.ty.of) && l.ty.lazy) return this.filter(l, 'list', undefined, listOf(l.ty.of, l.ty.min));
    }
    const fallbacks = [listOf(INT), listOf(STR), listOf(NUM), listOf(COLUMN), listOf(BOOL)].filter((t) => pred(elemOf(t)));
    if (fallbacks.length === 0) return undefined;
    const fallback = this.rng.pick(fallbacks);
    return this.listLit(() => this.exprOf(s, d - 1, elemOf(fallback)));
  }

  private anyList(s: Scope, d: number): Expr {
    return this.choose<Expr>([
      [4, () => this.lookup(s, isList)],
      [2, () => this.lookup(s, (t) => isList(t) && t.of.k === 'dict')],
      [3, () => this.listLit(this.rng.pick([() => this.intE(s, d - 1), () => this.strE(s, d - 1), () => this.numE(s, d - 1), () => this.scalarE(s, d - 1)]))],
      [d > 0 ? 5 : 0, () => this.listFilter(s, d)],
      [d > 0 ? 1 : 0, () => this.method(this.wrapAtom(this.strE(s, d - 1)), 'split', this.rng.chance(0.5) ? [] : [strLiteral(this.rng, this.rng.pick([',', ' ', 'a']))], listOf(STR))],
      [d > 0 ? 1 : 0, () => this.call('range', this.rangeArgs(s, d), listOf(INT, 0, true))],
      [d > 0 ? 1 : 0, () => {
        const l = this.listE(s, d - 1);
        return l && isList(l.ty) ? this.slice(l, { ...l.ty, min: 0 }) : undefined;
      }],
      [d > 0 ? 1 : 0, () => {
        const l = this.listE(s, d - 1);
        const r = l && this.listE(s, d - 1, (t) => JSON.stringify(t) === JSON.stringify(elemOf(l.ty)));
        const sameKind = l && r && isList(l.ty) && isList(r.ty) && !l.ty.tuple && !r.ty.tuple;
        return sameKind && isList(l.ty) && isList(r.ty) ? this.bin(l, '+', r, P.add, listOf(l.ty.of, l.ty.min + r.ty.min)) : undefined;
      }],
      [d > 0 ? 1 : 0, () => this.dictView(s, d)],
      [d > 0 ? 0.5 : 0, () => this.macroCall(s, d, (t) => isList(t) && !t.lazy)],
    ], () => this.listLit(() => this.intE(s, d - 1)));
  }

  private rangeArgs(s: Scope, d: number): string[] {
    this.feature('range');
    const small = () => (this.rng.chance(0.7) ? String(this.rng.int(0, 5)) : this.filter(this.sizedE(s, d - 1), 'length', undefined, INT).code);
    return this.rng.weighted([[3, [small()]], [2, [small(), String(this.rng.int(2, 7))]], [1, [String(this.rng.int(0, 9)), String(this.rng.int(-2, 4)), this.rng.pick(['2', '-1', '3'])]]] as const);
  }

  private dictView(s: Scope, d: number): Expr | undefined {
    const dict = this.lookup(s, isDict) ?? (this.rng.chance(0.5) ? this.dictLit(s, d - 1) : undefined);
    if (!dict || dict.ty.k !== 'dict') return undefined;
    const fields = dict.ty.fields;
    const values = fields.reduce<Ty | undefined>((t, f) => (t ? unify(t, f.ty) : f.ty), undefined) ?? ANY;
    const pair: Ty = { k: 'tuple', items: [STR, values] };
    return this.rng.weighted<() => Expr>([
      [2, () => this.filter(dict, 'list', undefined, listOf(STR, fields.length))],
      [1, () => this.filter(this.method(dict, 'keys', [], ANY), 'list', undefined, listOf(STR, fields.length))],
      [1, () => this.filter(this.method(dict, 'values', [], ANY), 'list', undefined, listOf(values, fields.length))],
      [1, () => this.filter(this.method(dict, 'items', [], ANY), 'list', undefined, listOf(pair, fields.length))],
      [1, () => this.filter(dict, 'items', undefined, listOf(pair, fields.length, true))],
      [2, () => this.filter(dict, 'dictsort', this.rng.weighted([[3, undefined], [1, ['true']], [1, ['reverse=true']], [isNum(values) || isStr(values) ? 1 : 0, [`by='value'`]]] as const), listOf(pair, fields.length))],
    ] as const)();
  }

  private listFilter(s: Scope, d: number): Expr | undefined {
    const l = this.listE(s, d - 1, () => true, this.rng.chance(0.3));
    if (!l || !isList(l.ty)) return undefined;
    const of = l.ty.of;
    const min = l.ty.min;
    const lazy = (t: Ty, m = 0) => listOf(t, m, true);
    const sortable = isNum(of) || isStr(of);
    const options: (readonly [number, () => Expr | undefined])[] = [
      [sortable ? 3 : 0, () => this.filter(l, 'sort', this.rng.weighted([[3, undefined], [1, ['reverse=true']], [isStr(of) ? 1 : 0, ['case_sensitive=true']], [1, ['true']]] as const), listOf(of, min))],
      [of.k === 'dict' ? 3 : 0, () => this.filter(l, 'sort', [this.rng.pick([`attribute='name'`, `attribute='value'`, `attribute='type,name'`, `attribute='value', reverse=true`])], listOf(of, min))],
      [isHashable(of) && of.k !== 'tuple' ? 2 : 0, () => this.filter(l, 'unique', this.rng.chance(0.2) && isStr(of) ? ['case_sensitive=true'] : undefined, lazy(of, Math.min(min, 1)))],
      [of.k === 'dict' ? 1 : 0, () => this.filter(l, 'unique', [`attribute='type'`], lazy(of, Math.min(min, 1)))],
      [!l.ty.lazy ? 2 : 0, () => this.filter(l, 'reverse', undefined, lazy(of, min))],
      [1, () => this.filter(l, 'list', undefined, listOf(of, min))],
      [isStr(of) ? 2 : 0, () => {
        const name = this.rng.pick(['upper', 'lower', 'trim', 'length', 'title']);
        return this.filter(l, 'map', [strLiteral(this.rng, name)], lazy(name === 'length' ? INT : STR, min));
      }],
      [isNum(of) ? 1 : 0, () => this.filter(l, 'map', [strLiteral(this.rng, this.rng.pick(['abs', 'string', 'int', 'float', 'round']))], lazy(ANY, min))],
      [of.k === 'dict' ? 4 : 0, () => {
        const f = this.rng.pick(COLUMN_FIELDS);
        return this.filter(l, 'map', this.rng.chance(0.2) ? [`attribute='missing'`, `default='-'`] : [`attribute='${f.key}'`], lazy(f.ty, min));
      }],
      [isInt(of) ? 2 : 0, () => this.filter(l, this.rng.pick(['select', 'reject']), [strLiteral(this.rng, this.rng.pick(['odd', 'even']))], lazy(of))],
      [isNum(of) ? 1 : 0, () => this.filter(l, 'select', [strLiteral(this.rng, this.rng.pick(['>', 'gt', '<=', 'ne', '==', 'divisibleby'])), String(this.rng.int(1, 5))], lazy(of))],
      [1, () => this.filter(l, this.rng.pick(['select', 'reject']), this.rng.chance(0.5) ? undefined : [strLiteral(this.rng, this.rng.pick(['none', 'defined', 'string', 'number']))], lazy(of))],
      [of.k === 'dict' ? 4 : 0, () => this.filter(l, this.rng.pick(['selectattr', 'rejectattr']), this.rng.pick([[`'value'`], [`'type'`, `'equalto'`, strLiteral(this.rng, this.rng.pick(COLUMN_TYPES))], [`'value'`, `'gt'`, '2'], [`'name'`, `'in'`, `['id', 'email']`], [`'type'`, `'ne'`, `'int'`]]), lazy(of))],
      [!l.ty.lazy ? 1 : 0, () => this.filter(l, 'batch', this.rng.chance(0.7) ? [String(this.rng.int(1, 3))] : [String(this.rng.int(2, 3)), this.exprOf(s, 0, of).code], lazy(listOf(of, 1), Math.min(min, 1)))],
      [!l.ty.lazy ? 1 : 0, () => this.filter(l, 'slice', [String(this.rng.int(1, 3))], lazy(listOf(of), Math.min(min, 1)))],
      [of.k === 'dict' ? 2 : 0, () => this.filter(l, 'groupby', [this.rng.pick([`'type'`, `attribute='type'`, `'name'`])], listOf({ k: 'tuple', items: [STR, listOf(of, 1)], names: ['grouper', 'list'] }, Math.min(min, 1)))],
      [!l.ty.lazy ? 0.5 : 0, () => this.bin(l, '*', atom(String(this.rng.int(0, 2)), INT), P.mul, listOf(of, 0, false, isList(l.ty) && l.ty.tuple === true))],
    ];
    return this.choose<Expr | undefined>(options, () => undefined);
  }

  dictE(s: Scope, d: number): Expr {
    return this.choose<Expr>([
      [4, () => this.lookup(s, isDict)],
      [3, () => this.dictLit(s, d)],
      [d > 0 ? 1 : 0, () => {
        const value = this.valueE(s, d - 1);
        const key = this.rng.pick(FIELD_NAMES.filter((k) => IDENT.test(k)));
        this.feature('dict()');
        return this.call('dict', [`${key}=${value.code}`], { k: 'dict', fields: [{ key, ty: value.ty }] });
      }],
    ], () => this.dictLit(s, d));
  }

  /** Something whose length is defined. */
  private sizedE(s: Scope, d: number): Expr {
    return this.rng.weighted<() => Expr>([
      [3, () => this.strE(s, d)],
      [3, () => this.listE(s, d) ?? this.strLit()],
      [1, () => this.dictE(s, d)],
      [0.5, () => this.undefE(s)],
    ] as const)();
  }

  /* ---------------------------------------------------------------- values of any type */

  scalarE(s: Scope, d: number): Expr {
    return this.rng.weighted<() => Expr>([
      [3, () => this.intE(s, d)],
      [3, () => this.strE(s, d)],
      [1, () => this.floatE(s, d)],
      [1, () => this.boolE(s, d)],
      [0.5, () => this.noneLit()],
    ] as const)();
  }

  /** A defined value of any type (never a lazy iterator). */
  valueE(s: Scope, d: number): Expr {
    return this.rng.weighted<() => Expr>([
      [6, () => this.scalarE(s, d)],
      [3, () => this.listE(s, d) ?? this.strLit()],
      [1.5, () => this.dictE(s, d)],
      [1, () => this.tupleLit(s, d)],
      [1, () => this.lookup(s, isValue) ?? this.strLit()],
    ] as const)();
  }

  /** Values of mixed types combined with and/or (whose value, not truth, is printed). */
  anyE(s: Scope, d: number): Expr {
    return this.choose<Expr>([
      [8, () => this.valueE(s, d)],
      [d > 0 ? 1.5 : 0, () => {
        const l = this.valueE(s, d - 1);
        const r = this.valueE(s, d - 1);
        const op = this.rng.pick(['and', 'or']);
        return this.bin(l, op, r, op === 'and' ? P.and : P.or, unify(l.ty, r.ty));
      }],
      [d > 0 ? 0.5 : 0, () => this.not(this.valueE(s, d - 1))],
      [d > 0 ? 0.5 : 0, () => this.cond(s, d, () => this.valueE(s, d - 1))],
    ], () => this.strLit());
  }

  /** `x if c` without else: undefined when c is false. */
  private notElse(s: Scope, d: number): Expr {
    const test = this.boolish(s, d - 1);
    const last = this.wrap(test, P.or);
    return { code: `${this.wrapOpen(this.valueE(s, d - 1), P.or)} if ${last}`, ty: MAYBE, prec: P.cond, ...(test.open && last === test.code ? { open: true } : {}) };
  }

  /** Certainly undefined: a missing name, key or index. */
  undefE(s: Scope): Expr {
    this.feature('undefined');
    return this.choose<Expr>([
      [2, () => atom(this.rng.pick(['missing', 'undefined_var', 'nope']), MAYBE)],
      [2, () => {
        const dict = this.lookup(s, isDict);
        return dict && atom(this.rng.chance(0.5) ? `${this.wrap(dict, P.atom)}.nokey` : `${this.wrap(dict, P.atom)}['nokey']`, MAYBE);
      }],
      [1, () => {
        const l = this.lookup(s, (t) => isList(t) && !t.lazy);
        return l && atom(`${this.wrap(l, P.atom)}[${this.rng.pick(['9', '-9'])}]`, MAYBE);
      }],
    ], () => atom('missing', MAYBE));
  }

  /** Possibly undefined: also an `x if c` without else, or a variable set in one branch of an if. */
  maybeE(s: Scope, d: number): Expr {
    return this.choose<Expr>([
      [5, () => this.undefE(s)],
      [d > 0 ? 1 : 0, () => this.notElse(s, d)],
      [2, () => this.lookup(s, (t) => t.k === 'maybe')],
      [s.loop ? 1 : 0, () => atom(`loop.${this.rng.pick(['previtem', 'nextitem'])}`, MAYBE)],
      [d > 0 ? 0.5 : 0, () => this.filter(this.undefE(s), 'default', [this.valueE(s, d - 1).code], ANY)],
    ], () => atom('missing', MAYBE));
  }

  private jsonE(s: Scope, d: number): Expr {
    for (let i = 0; i < 4; i++) {
      const e = this.valueE(s, d);
      if (isJsonable(e.ty)) return e;
    }
    return this.strLit();
  }

  /** An expression of the given type (falling back to a literal of a close type). */
  exprOf(s: Scope, d: number, t: Ty): Expr {
    switch (t.k) {
      case 'int': return this.intE(s, d);
      case 'float': return this.floatE(s, d);
      case 'num': return this.numE(s, d);
      case 'str': return this.strE(s, d);
      case 'bool': return this.boolE(s, d);
      case 'none': return this.noneLit();
      case 'dict': return this.lookup(s, (u) => JSON.stringify(u) === JSON.stringify(t)) ?? this.dictOfType(s, d, t.fields);
      case 'list': return this.listE(s, d, (u) => JSON.stringify(u) === JSON.stringify(t.of)) ?? atom('[]', listOf(t.of));
      case 'tuple': return atom(`(${t.items.map((i) => this.exprOf(s, d - 1, i).code).join(', ')}${t.items.length === 1 ? ',' : ''})`, t);
      default: return this.scalarE(s, d);
    }
  }

  private dictOfType(s: Scope, d: number, fields: readonly Field[]): Expr {
    return atom(`{${fields.map((f) => `${strLiteral(this.rng, f.key)}: ${this.exprOf(s, d - 1, f.ty).code}`).join(', ')}}`, { k: 'dict', fields });
  }

  /** Something Jinja raises for: both engines must fail on it. */
  private failingE(s: Scope): Expr {
    this.feature('expected-error');
    const n = this.lookup(s, isInt)?.code ?? '1';
    const str = this.lookup(s, isStr)?.code ?? "'a'";
    const code = this.rng.pick([
      'missing.attr', 'missing.a.b', `${n} + ${str}`, `(${n}) / 0`, `${n} // 0`, `${n} % 0`, 'missing()', `${str}()`, `${n}|length`,
      `${str} - 1`, `none + 1`, `[1] + (1,)`, `{'a': 1}|sort|first + 1`, `[1, 'a']|sort`, `${n}|join`, `range(${n}, 1, 0)|list`, `${str}|float + none`, `(1, 2)|dictsort`,
    ]);
    return { code, ty: ANY, prec: 0 };
  }

  /** What `{{ }}` prints: anything but a lazy iterator. */
  printE(s: Scope, d: number): Expr {
    return this.rng.weighted<() => Expr>([
      [0.5, () => this.failingE(s)],
      [10, () => this.anyE(s, d)],
      [2, () => this.strE(s, d)],
      [2, () => this.numE(s, d)],
      [1, () => this.maybeE(s, d)],
      [0.3, () => ({ code: `${this.valueE(s, d - 1).code}, ${this.valueE(s, d - 1).code}`, ty: ANY, prec: 0 })],
    ] as const)();
  }

  /* ---------------------------------------------------------------- macro calls */

  /** A call to a macro whose result satisfies pred, with its arguments spelled in varied ways. */
  private macroCall(s: Scope, d: number, pred: Pred): Expr | undefined {
    const fits = s.macros.filter((m) => pred(m.returns) && !m.caller);
    if (fits.length === 0) return undefined;
    const m = this.rng.pick(fits);
    return this.call(m.name, this.callArgs(s, d, m), m.returns);
  }

  /** A call to the given macro, or to any macro callable without a caller. */
  macroCallAny(s: Scope, sig?: MacroSig): Expr {
    const fits = s.macros.filter((m) => !m.caller);
    const m = sig ?? (fits.length > 0 ? this.rng.pick(fits) : undefined);
    return m ? this.call(m.name, this.callArgs(s, 1, m), m.returns) : this.strLit();
  }

  callArgs(s: Scope, d: number, m: MacroSig): string[] {
    this.feature(m.returns.k === 'str' ? 'macro:call' : 'macro:return');
    const args: string[] = [];
    const value = (t: Ty) => this.exprOf(s, Math.min(d, 1) - 1, t).code;
    const required = m.params.filter((p) => p.def === undefined).length;
    const positional = this.rng.int(0, m.params.length);
    const star: string[] = [];
    const starFrom = this.rng.chance(0.15) ? this.rng.int(0, positional) : positional;
    m.params.forEach((p, i) => {
      if (i < positional) (i < starFrom ? args : star).push(value(p.ty));
    });
    if (m.varargs && positional === m.params.length && this.rng.chance(0.6)) {
      for (let i = this.rng.int(1, 2); i > 0; i--) (star.length > 0 ? star : args).push(this.scalarE(s, 0).code);
    }
    if (star.length > 0) {
      this.feature('call:*args');
      args.push(`*[${star.join(', ')}]`);
    }
    const named: string[] = [];
    m.params.forEach((p, i) => {
      if (i >= positional && (i < required || this.rng.chance(0.5))) named.push(`${p.name}=${value(p.ty)}`);
    });
    if (m.kwargs && this.rng.chance(0.6)) named.push(`extra=${this.scalarE(s, 0).code}`);
    if (named.length > 0 && this.rng.chance(0.2)) {
      this.feature('call:**kwargs');
      args.push(`**{${named.map((n) => `'${n.slice(0, n.indexOf('='))}': ${n.slice(n.indexOf('=') + 1)}`).join(', ')}}`);
    } else {
      args.push(...named);
    }
    if (args.length > 0 && this.rng.chance(0.12)) args[args.length - 1] += ',';
    return args;
  }
}

/** The element type of dbt-like column lists. */
const COLUMN_FIELDS: readonly Field[] = [
  { key: 'name', ty: STR },
  { key: 'type', ty: STR },
  { key: 'value', ty: NUM },
];
const COLUMN: Ty = { k: 'dict', fields: COLUMN_FIELDS };

/* ------------------------------------------------------------------ statements */

const TEXTS = ['', ' ', '\n', '\n\n', '  ', 'select ', ' from t', ',', ', ', ' | ', '\n    ', 'a', 'x = ', '-- c\n', '\t', ' and ', '(', ')', ';', 'é', ' \n ', 'where 1=1\n', '  \n', 'END'];
const LOOP_NAMES = ['x', 'item', 'col', 'c', 'i', 'row', 'w', 'key', 'val', 'g', 'pair', 'e'];
const MACRO_NAMES = ['fmt', 'cents', 'quote_it', '_helper', 'get_cols', 'wrap', 'col_list', 'my_macro', '_private_one', 'render_x', 'pick', 'build'];
const PARAM_NAMES = ['a', 'b', 'x', 'col', 'name_', 'n2', 'sep2', 'things', 'prefix2', 'flag2', 'cfg2'];
const BLOCK_FILTERS = ['upper', 'lower', 'trim', 'title', 'capitalize', "replace('a', 'o')", 'indent(2)', 'center(30)', 'truncate(12)', 'striptags', 'e', 'reverse'];

/** Code with the scope that follows it (a set adds a variable for what comes next). */
interface Emitted { code: string; scope: Scope }

/** Random statements, whole templates and macro files, built on the expression generator. */
class TemplateGen {
  private readonly rng: Rng;

  constructor(private readonly x: ExprGen) {
    this.rng = x.rng;
  }

  private ws(): string {
    return this.rng.chance(0.18) ? '-' : '';
  }

  private tag(body: string): string {
    const sp = this.rng.chance(0.08) ? '' : ' ';
    return `{%${this.ws()}${sp}${body}${sp}${this.ws()}%}`;
  }

  private output(e: Expr): string {
    const sp = this.rng.chance(0.08) ? '' : ' ';
    return `{{${this.ws()}${sp}${e.code}${sp}${this.ws()}}}`;
  }

  private text(): string {
    return this.rng.pick(TEXTS);
  }

  /** A sequence of statements; sets made here are visible to the statements after them. */
  block(s: Scope, depth: number, items: number): Emitted {
    let scope = s;
    let code = '';
    for (let i = 0; i < items; i++) {
      const out = this.statement(scope, depth);
      code += out.code;
      scope = out.scope;
    }
    return { code, scope };
  }

  private statement(s: Scope, depth: number): Emitted {
    const nest = depth < 2 ? 1 : 0;
    const kind = this.rng.weighted([
      [3, 'text'], [6, 'print'], [2.5 * nest, 'if'], [3 * nest, 'for'], [2, 'set'], [0.6, 'setblock'], [0.4, 'unpack'],
      [0.8 * nest, 'namespace'], [0.8 * nest, 'accumulate'], [0.5 * nest, 'with'], [0.5 * nest, 'filter'], [0.25, 'raw'], [0.3, 'comment'],
      [s.macros.length > 0 ? 2 : 0, 'macro'], [s.macros.some((m) => m.caller) ? 1.5 * nest : 0, 'callblock'], [s.breakable ? 1 : 0, 'break'],
      [depth === 0 ? 0.3 : 0, 'inlinemacro'], [s.vars.some((v) => v.ty.k === 'ns') ? 1.5 : 0, 'nsassign'], [0.8, 'do'], [nest, 'commalist'],
    ] as const);
    const same = (code: string): Emitted => ({ code, scope: s });
    switch (kind) {
      case 'text': return same(this.text());
      case 'print': return same(this.output(this.x.printE(s, this.rng.weighted([[3, 1], [3, 2], [1, 3]] as const))) + (this.rng.chance(0.3) ? this.text() : ''));
      case 'if': return this.ifStmt(s, depth);
      case 'for': return same(this.forStmt(s, depth));
      case 'set': return this.setStmt(s);
      case 'setblock': return this.setBlock(s, depth);
      case 'unpack': return this.unpack(s);
      case 'namespace': return this.namespace(s);
      case 'accumulate': return this.accumulate(s, depth);
      case 'with': return same(this.withStmt(s, depth));
      case 'filter': return same(this.filterBlock(s, depth));
      case 'raw': return same(this.raw());
      case 'comment': return same(`{#${this.ws()} ${this.rng.pick(['note', '{{ x }}', 'a\nb', '{% if %}'])} ${this.ws()}#}`);
      case 'macro': return same(this.output(this.x.macroCallAny(s)));
      case 'callblock': return same(this.callBlock(s, depth));
      case 'break': return same(this.breakStmt(s));
      case 'inlinemacro': return this.inlineMacro(s);
      case 'nsassign': return same(this.nsAssign(s));
      case 'do': return this.doStmt(s);
      default: return same(this.commaList(s));
    }
  }

  /* ---------------------------------------------------------------- control flow */

  private ifStmt(s: Scope, depth: number): Emitted {
    this.x.feature('stmt:if');
    let code = this.tag(`if ${this.condition(s, this.rng.int(1, 2))}`);
    const branches: Emitted[] = [this.block(s, depth + 1, this.rng.int(1, 2))];
    for (let n = this.rng.weighted([[4, 0], [2, 1], [1, 2]] as const); n > 0; n--) {
      this.x.feature('stmt:elif');
      code += branches[branches.length - 1]?.code + this.tag(`elif ${this.condition(s, 1)}`);
      branches.push(this.block(s, depth + 1, this.rng.int(1, 2)));
    }
    if (this.rng.chance(0.5)) {
      code += branches[branches.length - 1]?.code + this.tag('else');
      branches.push(this.block(s, depth + 1, this.rng.int(1, 2)));
    }
    code += branches[branches.length - 1]?.code + this.tag('endif');
    // An if makes no scope: what a branch sets is seen after it, but only maybe.
    const added = branches.flatMap((b) => b.scope.vars.filter((v) => !s.vars.some((o) => o.name === v.name)));
    return { code, scope: withVars(s, added.map((v) => ({ name: v.name, ty: MAYBE }))) };
  }

  /** An if's condition: Jinja parses it without inline ifs, which need parentheses there. */
  private condition(s: Scope, d: number): string {
    return this.x.wrap(this.x.boolish(s, d), P.or);
  }

  /** What a for loop iterates over, and the loop variables it binds. */
  private iterable(s: Scope): { code: string; targets: Var[] } {
    const name = () => (this.rng.chance(0.12) ? this.rng.pick(s.vars.map((v) => v.name).concat(LOOP_NAMES)) : this.x.freshName(LOOP_NAMES));
    const e = this.rng.weighted<() => Expr>([
      [6, () => this.x.listE(s, 1, () => true, true) ?? this.x.strLit()],
      [1, () => this.x.strE(s, 1)],
      [1.5, () => this.x.lookup(s, isDict) ?? this.x.dictE(s, 1)],
      [1.5, () => this.x.listE(s, 2, (t) => t.k === 'tuple', true) ?? this.x.strLit()],
      [0.5, () => this.x.undefE(s)],
    ] as const)();
    const code = this.x.wrap(e, P.or);
    const ty = e.ty;
    const elem: Ty = isList(ty) ? ty.of : ty.k === 'str' ? STR : ty.k === 'dict' ? STR : ty.k === 'maybe' ? ANY : ANY;
    if (elem.k === 'tuple' && elem.items.length === 2 && this.rng.chance(0.7)) {
      this.x.feature('for:unpack');
      const [a, b] = [name(), name()];
      if (a !== b) return { code, targets: [{ name: a, ty: elem.items[0] ?? ANY }, { name: b, ty: elem.items[1] ?? ANY }] };
    }
    return { code, targets: [{ name: name(), ty: elem }] };
  }

  private forStmt(s: Scope, depth: number): string {
    this.x.feature('stmt:for');
    const it = this.iterable(s);
    const inner = this.freeze(withVars(s, it.targets), it.code);
    const filter = this.rng.chance(0.2) ? ` if ${this.x.wrap(this.x.boolish({ ...inner, loop: false, breakable: false }, 1), P.or)}` : '';
    if (filter) this.x.feature('for:filter');
    const targets = it.targets.map((t) => t.name).join(', ');
    const head = this.tag(`for ${it.targets.length > 1 && this.rng.chance(0.2) ? `(${targets})` : targets} in ${it.code}${filter}`);
    const body = this.block({ ...inner, loop: true, breakable: true }, depth + 1, this.rng.weighted([[3, 1], [2, 2], [1, 3]] as const)).code;
    const orElse = this.rng.chance(0.25) ? this.tag('else') + this.block(s, depth + 1, 1).code : '';
    if (orElse) this.x.feature('for:else');
    return head + body + orElse + this.tag('endfor');
  }

  private freeze(s: Scope, iterable: string): Scope {
    const used = s.vars.filter((v) => new RegExp(`\\b${v.name}\\b`).test(iterable)).map((v) => v.name);
    return { ...s, frozen: [...(s.frozen ?? []), ...used] };
  }

  private breakStmt(s: Scope): string {
    const word = this.rng.pick(['break', 'continue']);
    this.x.feature(`stmt:${word}`);
    return this.rng.chance(0.7) ? this.tag(`if ${this.condition(s, 1)}`) + this.tag(word) + this.tag('endif') : this.tag(word);
  }

  /** The dbt idiom: items separated by commas, none after the last. */
  private commaList(s: Scope): string {
    this.x.feature('idiom:comma-list');
    const it = this.iterable(s);
    const inner: Scope = { ...withVars(s, it.targets), loop: true, breakable: false };
    const item = this.output(this.x.printE(inner, 1));
    const sep = this.rng.chance(0.6) ? this.tag('if not loop.last') + ',' + this.tag('endif') : this.rng.chance(0.5) ? '{{ "," if not loop.last }}' : this.tag('if not loop.first') + ', ' + this.tag('endif');
    const names = it.targets.map((t) => t.name).join(', ');
    return this.tag(`for ${names} in ${it.code}`) + this.text() + (this.rng.chance(0.5) ? item + sep : sep + item) + this.tag('endfor');
  }

  private withStmt(s: Scope, depth: number): string {
    this.x.feature('stmt:with');
    const bindings: Var[] = [];
    const parts: string[] = [];
    for (let n = this.rng.int(0, 2); n > 0; n--) {
      const e = this.x.valueE(s, 1);
      const name = this.x.freshName();
      bindings.push({ name, ty: e.ty });
      parts.push(`${name} = ${e.code}`);
    }
    const head = this.tag(parts.length > 0 ? `with ${parts.join(', ')}` : 'with');
    return head + this.block({ ...withVars(s, bindings), breakable: false }, depth + 1, this.rng.int(1, 3)).code + this.tag('endwith');
  }

  private filterBlock(s: Scope, depth: number): string {
    const f = this.rng.pick(BLOCK_FILTERS);
    this.x.feature(`stmt:filter`);
    return this.tag(`filter ${f}`) + this.block({ ...s, breakable: false }, depth + 1, this.rng.int(1, 3)).code + this.tag('endfilter');
  }

  private raw(): string {
    this.x.feature('stmt:raw');
    const body = this.rng.pick(['{{ x }}', '{% if a %}b{% endif %}', ' {{- y -}} ', '{# c #}', 'plain']);
    return this.tag('raw') + body + this.tag('endraw');
  }

  /* ---------------------------------------------------------------- assignments */

  private setStmt(s: Scope): Emitted {
    this.x.feature('stmt:set');
    // Re-set a variable of the same type now and then: inside a loop this tests that Jinja does not leak it.
    const again = this.rng.chance(s.loop ? 0.5 : 0.2) ? this.x.lookup(s, (t) => t.k !== 'maybe' && t.k !== 'ns' && !(isList(t) && t.lazy)) : undefined;
    // Not a context variable: re-set after a nested scope read it, Jinja reads it there as undefined
    // (a known difference, docs/compatibility.md; Strata reads the context's value).
    const target = again && IDENT.test(again.code) ? s.vars.find((v) => v.name === again.code && v.value === undefined) : undefined;
    if (target) {
      this.x.feature(s.loop ? 'set:in-loop' : 'set:again');
      const e = this.x.exprOf(s, 2, target.ty);
      return { code: this.tag(`set ${target.name} = ${e.code}`), scope: withVars(s, [{ name: target.name, ty: e.ty }]) };
    }
    const e = this.rng.chance(0.85) ? this.x.valueE(s, this.rng.int(1, 3)) : this.x.anyE(s, 2);
    const name = this.x.freshName();
    const owned = /^[[{]/.test(e.code) && !s.vars.some((v) => new RegExp(`\\b${v.name}\\b`).test(e.code));
    return { code: this.tag(`set ${name} = ${e.code}`), scope: withVars(s, [{ name, ty: e.ty, ...(owned ? { owned } : {}) }]) };
  }

  private setBlock(s: Scope, depth: number): Emitted {
    this.x.feature('stmt:set-block');
    const name = this.x.freshName();
    const filter = this.rng.chance(0.3) ? ` | ${this.rng.pick(['upper', 'trim', 'lower', "replace(' ', '_')"])}` : '';
    const body = this.block({ ...s, breakable: false }, Math.max(depth, 1), this.rng.int(1, 3)).code;
    return { code: this.tag(`set ${name}${filter}`) + body + this.tag('endset'), scope: withVars(s, [{ name, ty: STR }]) };
  }

  private unpack(s: Scope): Emitted {
    this.x.feature('set:unpack');
    const a = this.x.scalarE(s, 1);
    const b = this.x.scalarE(s, 1);
    const [na, nb] = [this.x.freshName(), this.x.freshName()];
    const value = this.rng.pick([`${a.code}, ${b.code}`, `(${a.code}, ${b.code})`, `[${a.code}, ${b.code}]`]);
    return { code: this.tag(`set ${na}, ${nb} = ${value}`), scope: withVars(s, [{ name: na, ty: a.ty }, { name: nb, ty: b.ty }]) };
  }

  /** namespace(): the way to carry a value out of a loop. */
  private namespace(s: Scope): Emitted {
    this.x.feature('namespace');
    const name = this.x.freshName(['ns', 'state', 'acc_ns']);
    const fields: Field[] = [];
    const args: string[] = [];
    for (let n = this.rng.int(1, 3); n > 0; n--) {
      const key = this.rng.pick(['total', 'found', 'names', 'last', 'count']);
      if (fields.some((f) => f.key === key)) continue;
      const e = key === 'total' || key === 'count' ? this.x.intLit() : key === 'found' ? atom('false', BOOL) : key === 'names' ? atom('[]', listOf(STR)) : this.x.strLit();
      fields.push({ key, ty: e.ty });
      args.push(`${key}=${e.code}`);
    }
    const scope = withVars(s, [{ name, ty: { k: 'ns', fields } }]);
    let code = this.tag(`set ${name} = namespace(${args.join(', ')})`);
    if (this.rng.chance(0.7)) {
      const it = this.iterable(scope);
      const body = { ...withVars(scope, it.targets), loop: true, breakable: true };
      const assign = this.rng.chance(0.4) ? this.tag(`if ${this.condition(body, 1)}`) + this.nsAssign(body) + this.tag('endif') : this.nsAssign(body);
      code += this.tag(`for ${it.targets.map((t) => t.name).join(', ')} in ${it.code}`) + assign + this.tag('endfor');
      code += this.output(atom(`${name}.${this.rng.pick(fields).key}`, ANY));
    }
    return { code, scope };
  }

  private nsAssign(s: Scope): string {
    const spaces = s.vars.filter((v) => v.ty.k === 'ns');
    if (spaces.length === 0) return ''; // a loop variable shadowed it
    const ns = this.rng.pick(spaces);
    const fields = ns.ty.k === 'ns' ? ns.ty.fields : [];
    const field = fields.length > 0 ? this.rng.pick(fields) : undefined;
    if (!field) return '';
    this.x.feature('namespace:assign');
    const current = atom(`${ns.name}.${field.key}`, field.ty);
    const value = isNum(field.ty) && this.rng.chance(0.6)
      ? this.x.bin(current, '+', this.x.intE(s, 1), P.add, INT)
      : isList(field.ty) && this.rng.chance(0.6)
        ? this.x.bin(current, '+', atom(`[${this.x.strE(s, 1).code}]`, field.ty), P.add, field.ty)
        : this.x.exprOf(s, 1, field.ty);
    return this.tag(`set ${ns.name}.${field.key} = ${value.code}`);
  }

  /** A list built in a loop with do .append(), then printed. */
  private accumulate(s: Scope, depth: number): Emitted {
    this.x.feature('idiom:append');
    const name = this.x.freshName();
    const elem = this.rng.pick([INT, STR, ANY]);
    const it = this.iterable(s);
    const inner = this.freeze(withVars(s, [{ name, ty: listOf(elem), owned: true }]), it.code);
    const body = withVars({ ...inner, loop: true, breakable: true }, it.targets);
    // The appended value never mentions the list itself: appending l|string to l in a loop grows exponentially.
    const itemScope = { ...body, vars: body.vars.filter((v) => v.name !== name) };
    const item = elem.k === 'any' ? this.x.valueE(itemScope, 1) : this.x.exprOf(itemScope, 1, elem);
    const loop = this.tag(`for ${it.targets.map((t) => t.name).join(', ')} in ${it.code}`) + this.tag(`do ${name}.append(${item.code})`) + this.block(body, depth + 1, this.rng.int(0, 1)).code + this.tag('endfor');
    const shown = this.output(this.rng.chance(0.5) ? atom(name, ANY) : this.x.filter(atom(name, ANY), 'join', [`', '`], STR));
    return { code: this.tag(`set ${name} = []`) + loop + shown, scope: withVars(s, [{ name, ty: listOf(elem), owned: true }]) };
  }

  /** do: a list append or a dict update, or any expression for its effect. */
  private doStmt(s: Scope): Emitted {
    this.x.feature('stmt:do');
    const growable = (v: Var) => (v.owned === true ? !(s.frozen ?? []).includes(v.name) : !s.loop && !s.nested);
    const lists = s.vars.filter((v) => isList(v.ty) && !v.ty.lazy && !v.ty.tuple && growable(v));
    const dicts = s.vars.filter((v) => v.ty.k === 'dict' && growable(v));
    const choice = this.rng.weighted([[lists.length > 0 ? 3 : 0, 'append'], [dicts.length > 0 ? 2 : 0, 'update'], [1, 'expr']] as const);
    if (choice === 'append') {
      const l = this.rng.pick(lists);
      const of = elemOf(l.ty);
      const grown: Ty = isList(l.ty) ? listOf(of, s.loop ? l.ty.min : l.ty.min + 1) : l.ty;
      const value = this.x.exprOf(without(s, l.name), 1, of);
      return { code: this.tag(`do ${l.name}.append(${value.code})`), scope: withVars(s, [{ ...l, ty: grown }]) };
    }
    if (choice === 'update') {
      const dict = this.rng.pick(dicts);
      const fields = dict.ty.k === 'dict' ? dict.ty.fields : [];
      const field = fields.length > 0 && this.rng.chance(0.6) ? this.rng.pick(fields) : undefined;
      const value = field ? this.x.exprOf(without(s, dict.name), 1, field.ty) : this.x.scalarE(without(s, dict.name), 1);
      const key = field?.key ?? this.rng.pick(['added', 'new_key']);
      const grown: Ty = field || s.loop ? dict.ty : { k: 'dict', fields: [...fields, { key, ty: value.ty }] };
      return { code: this.tag(`do ${dict.name}.update({${strLiteral(this.rng, key)}: ${value.code}})`), scope: withVars(s, [{ ...dict, ty: grown }]) };
    }
    return { code: this.tag(`do ${this.x.valueE(s, 1).code}`), scope: s };
  }

  /* ---------------------------------------------------------------- macros */

  private callBlock(s: Scope, depth: number): string {
    const m = this.rng.pick(s.macros.filter((c) => c.caller));
    this.x.feature('stmt:call');
    const params = (m.caller ?? []).map((ty) => ({ name: this.x.freshName(LOOP_NAMES), ty }));
    const head = params.length > 0 ? `call(${params.map((p) => p.name).join(', ')}) ` : 'call ';
    const body = this.block({ ...nestedScope(withVars(s, params)), loop: false, breakable: false }, depth + 1, this.rng.int(1, 2)).code;
    return this.tag(`${head}${m.name}(${this.x.callArgs(s, 1, m).join(', ')})`) + body + this.tag('endcall');
  }

  /** A macro defined in the template itself (no return(): that is dbt's, for macro files). */
  private inlineMacro(s: Scope): Emitted {
    this.x.feature('macro:inline');
    const sig = this.signature(s, 'text');
    const def = this.macroDef(s, sig, 'text');
    const scope = { ...s, macros: [...s.macros, sig] };
    return { code: def + this.text() + this.output(this.x.macroCallAny(scope, sig)), scope };
  }

  /** A macro file in dbt's style, and the signatures of its macros. */
  macroFile(ctx: readonly Var[]): { text: string; sigs: MacroSig[] } {
    const s: Scope = { vars: ctx, loop: false, breakable: false, macros: [] };
    const sigs: MacroSig[] = [];
    let text = '';
    for (let n = this.rng.weighted([[4, 1], [2, 2], [1, 3]] as const); n > 0; n--) {
      const kind = this.rng.weighted([[3, 'text'], [4, 'return'], [1.5, 'caller']] as const);
      const sig = this.signature(s, kind);
      text += this.macroDef({ ...s, macros: [...sigs] }, sig, kind) + this.rng.pick(['\n', '\n\n', '']);
      sigs.push(sig);
    }
    return { text, sigs };
  }

  private signature(s: Scope, kind: 'text' | 'return' | 'caller'): MacroSig {
    const params: { name: string; ty: Ty; def?: string }[] = [];
    const count = this.rng.weighted([[1, 0], [3, 1], [3, 2], [1, 3]] as const);
    for (let i = 0; i < count; i++) {
      const ty = this.rng.pick([INT, STR, STR, NUM, BOOL, listOf(STR), listOf(INT), COLUMN_LIST]);
      const withDefault = params.some((p) => p.def !== undefined) || this.rng.chance(0.35);
      const def = withDefault ? this.x.exprOf({ ...s, vars: [] }, 0, ty).code : undefined;
      params.push({ name: this.x.freshName(PARAM_NAMES), ty, ...(def !== undefined ? { def } : {}) });
    }
    const returns = kind === 'return' ? this.rng.pick([INT, STR, NUM, BOOL, listOf(STR), listOf(INT), { k: 'dict', fields: [{ key: 'a', ty: INT }] } as Ty]) : STR;
    const caller = kind === 'caller' ? this.rng.pick([[], [], [STR], [INT, STR]]) : undefined;
    return {
      name: this.x.freshName(MACRO_NAMES),
      params,
      varargs: kind !== 'caller' && this.rng.chance(0.2),
      kwargs: kind !== 'caller' && this.rng.chance(0.15),
      returns,
      ...(caller ? { caller } : {}),
    };
  }

  private macroDef(s: Scope, sig: MacroSig, kind: 'text' | 'return' | 'caller'): string {
    const params = sig.params.map((p) => (p.def !== undefined ? `${p.name}=${p.def}` : p.name)).join(', ');
    const vars: Var[] = sig.params.map((p) => ({ name: p.name, ty: p.ty }));
    if (sig.varargs) vars.push({ name: 'varargs', ty: { k: 'list', of: { k: 'scalar' }, min: 0, tuple: true } });
    if (sig.kwargs) vars.push({ name: 'kwargs', ty: { k: 'dict', fields: [] } });
    const inner: Scope = { ...nestedScope(withVars(s, vars)), loop: false, breakable: false };
    // Jinja lets a macro take varargs, kwargs or a caller only if its body names them.
    let body = sig.varargs ? this.output(this.rng.pick([atom('varargs', ANY), atom('varargs|length', INT), atom('varargs|join("/")', STR)])) : '';
    if (sig.kwargs) body += this.output(this.rng.pick([atom('kwargs', ANY), atom(`kwargs.get('extra', 'none')`, ANY), atom('kwargs|length', INT)]));
    if (kind === 'return') body += this.returnBody(inner, sig.returns);
    else body += this.block(inner, 1, this.rng.int(1, 2)).code;
    if (kind === 'caller') body += this.callerUse(inner, sig.caller ?? []);
    this.x.feature(`macro:${kind}`);
    if (sig.name.startsWith('_')) this.x.feature('macro:private');
    return this.tag(`macro ${sig.name}(${params})`) + body + this.tag('endmacro');
  }

  private returnBody(s: Scope, ty: Ty): string {
    let code = this.rng.chance(0.4) ? this.setStmt(s).code : '';
    if (this.rng.chance(0.3)) code += this.tag(`if ${this.condition(s, 1)}`) + this.returnStmt(s, ty) + this.tag('endif');
    return code + this.text() + this.returnStmt(s, ty);
  }

  private returnStmt(s: Scope, ty: Ty): string {
    const e = this.x.exprOf(s, 2, ty);
    return this.rng.chance(0.6) ? this.output(atom(`return(${e.code})`, ty)) : this.tag(`do return(${e.code})`);
  }

  private callerUse(s: Scope, args: readonly Ty[]): string {
    const call = () => atom(`caller(${args.map((t) => this.x.exprOf(s, 0, t).code).join(', ')})`, STR);
    const used = this.rng.weighted<() => Expr>([[3, call], [1, () => this.x.filter(call(), 'upper', undefined, STR)], [1, () => this.x.filter(call(), 'trim', undefined, STR)]] as const)();
    const twice = this.rng.chance(0.2) ? this.text() + this.output(call()) : '';
    return this.output(used) + twice;
  }
}

const COLUMN_LIST = listOf(COLUMN);

const without = (s: Scope, name: string): Scope => ({ ...s, vars: s.vars.filter((v) => v.name !== name) });

/** The scope of a macro or call body: what it did not make itself, it must not grow. */
const nestedScope = (s: Scope): Scope => ({ ...s, nested: true, vars: s.vars.map(({ owned: _owned, ...v }) => v) });

/* ------------------------------------------------------------------ cases */

/** A generated case and the constructs it uses (to tell which constructs the mismatches share). */
export interface GeneratedCase { case: JinjaCase; features: string[] }

/** Case `index` of the run with this seed: the same whatever the count. */
export function generateCase(seed: number, index: number): GeneratedCase {
  const x = new ExprGen(new Rng(caseSeed(seed, index)));
  const t = new TemplateGen(x);
  const vars = x.context();
  const macros = x.rng.chance(0.3) ? t.macroFile(vars) : undefined;
  const scope: Scope = { vars, loop: false, breakable: false, macros: macros?.sigs ?? [] };
  let template = t.block(scope, 0, x.rng.weighted([[3, 1], [4, 2], [2, 3]] as const)).code;
  template += x.rng.weighted([[6, ''], [3, '\n'], [1, '\n\n']] as const);
  const context = Object.fromEntries(vars.map((v) => [v.name, v.value ?? null]));
  const id = `gen-${seed}-${index}`;
  return { case: { id, template, context, ...(macros ? { macros: macros.text } : {}) }, features: [...x.features].sort() };
}

/** count random cases for the seed, with ids `gen-<seed>-<i>`. */
export function generateCases(seed: number, count: number): JinjaCase[] {
  return Array.from({ length: count }, (_, i) => generateCase(seed, i).case);
}

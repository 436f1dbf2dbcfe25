import type { Rng } from './generator-random.js';
import {
  atom,
  BOOL,
  DICT_METHODS,
  FLOAT,
  IDENT,
  INT,
  listOf,
  NONE,
  P,
  STR,
  unify,
  type Expr,
  type Field,
  type Json,
  type Pred,
  type Scope,
  type Ty,
} from './generator-types.js';
import { FIELD_NAMES, FLOAT_LITERALS, INTS, STRINGS, strLiteral } from './generator-values.js';

const FRESH_NAMES = [
  'total',
  'acc',
  'out',
  'result',
  'tmp',
  'label2',
  'parts',
  'res',
  'sep',
  'val',
  'cnt',
  'first_one',
  'seen',
  'suffix',
  'buf',
  'msg',
  'y2',
  'z',
];
const RESERVED = new Set([
  'range',
  'dict',
  'loop',
  'namespace',
  'joiner',
  'cycler',
  'lipsum',
  'caller',
  'varargs',
  'kwargs',
  'return',
  'true',
  'false',
  'none',
  'True',
  'False',
  'None',
  'and',
  'or',
  'not',
  'in',
  'is',
  'if',
  'else',
  'self',
]);

/**
 * The base of the expression generator (generator-expressions.ts): fresh names, operators that print only the
 * parentheses Jinja's grammar needs, typed paths into the scope, and literals.
 */
export abstract class ExprCore {
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
  protected wrapOpen(e: Expr, min: number): string {
    return e.open ? `(${e.code})` : this.wrap(e, min);
  }

  filter(x: Expr, name: string, args: readonly string[] | undefined, ty: Ty): Expr {
    this.feature(`filter:${name}`);
    const bar = this.rng.chance(0.08) ? ' | ' : '|';
    return { code: `${this.wrap(x, P.unary)}${bar}${name}${args === undefined ? '' : `(${args.join(', ')})`}`, ty, prec: P.filter };
  }

  protected test(x: Expr, name: string, arg?: Expr): Expr {
    this.feature(`test:${name}`);
    const negate = this.rng.chance(0.25) ? 'not ' : '';
    const subject = x.test ? `(${x.code})` : this.wrap(x, P.unary);
    let argCode = '';
    // `x is t arg` takes a primary (no minus), and a parenthesis there opens the test's own argument list.
    if (arg) argCode = arg.prec === P.atom && !/^[-(]/.test(arg.code) && this.rng.chance(0.6) ? ` ${arg.code}` : `(${arg.code})`;
    return { code: `${subject} is ${negate}${name}${argCode}`, ty: BOOL, prec: P.filter, test: true, ...(arg ? {} : { open: true }) };
  }

  protected call(name: string, args: readonly string[], ty: Ty): Expr {
    return atom(`${name}(${args.join(', ')})`, ty);
  }

  protected method(x: Expr, name: string, args: readonly string[], ty: Ty): Expr {
    this.feature(`method:${name}`);
    return atom(`${this.wrap(x, P.atom)}.${name}(${args.join(', ')})`, ty);
  }

  protected not(x: Expr): Expr {
    const operand = this.wrap(x, P.not);
    return { code: `not ${operand}`, ty: BOOL, prec: P.not, ...(x.open && operand === x.code ? { open: true } : {}) };
  }

  protected neg(x: Expr): Expr {
    this.feature('op:neg');
    return { code: `-${this.wrap(x, P.atom)}`, ty: x.ty, prec: P.unary };
  }

  protected cond(s: Scope, d: number, branch: () => Expr): Expr {
    this.feature('op:ifelse');
    const body = branch();
    const test = this.boolish(s, d - 1);
    const other = branch();
    const last = this.wrap(other, P.cond);
    return {
      code: `${this.wrapOpen(body, P.or)} if ${this.wrap(test, P.or)} else ${last}`,
      ty: unify(body.ty, other.ty),
      prec: P.cond,
      ...(other.open && last === other.code ? { open: true } : {}),
    };
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
        const fieldValue =
          value !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value) ? value[f.key] : undefined;
        const plain = IDENT.test(f.key) && !DICT_METHODS.has(f.key);
        const style =
          t.k === 'ns'
            ? 'dot'
            : this.rng.weighted([
                [plain ? 3 : 0, 'dot'],
                [2, 'item'],
                [1, 'get'],
              ] as const);
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
    this.feature(
      e.code.includes('|')
        ? 'lookup:first/last'
        : e.code.includes('[')
          ? 'lookup:item'
          : e.code.includes('.')
            ? 'lookup:attr'
            : 'lookup:name',
    );
    return e;
  }

  /* ---------------------------------------------------------------- literals */

  intLit(nonNegative = false): Expr {
    const n = this.rng.weighted([
      [6, this.rng.int(0, 9)],
      [2, this.rng.pick(INTS)],
      [1, this.rng.int(10, 999)],
      [nonNegative ? 0 : 1, -this.rng.int(1, 9)],
    ] as const);
    if (n < 0) return { code: String(n), ty: INT, prec: P.unary };
    if (n >= 1000 && this.rng.chance(0.5)) return atom(String(n).replace(/(\d)(\d{3})$/, '$1_$2'), INT);
    return atom(String(n), INT);
  }

  protected floatLit(): Expr {
    this.feature('lit:float');
    const code = this.rng.pick(FLOAT_LITERALS);
    return this.rng.chance(0.15) ? { code: `-${code}`, ty: FLOAT, prec: P.unary } : atom(code, FLOAT);
  }

  strLit(): Expr {
    return atom(strLiteral(this.rng, this.rng.pick(STRINGS)), STR);
  }

  protected boolLit(): Expr {
    return atom(this.rng.pick(['true', 'false', 'True', 'False']), BOOL);
  }

  protected noneLit(): Expr {
    this.feature('lit:none');
    return atom(this.rng.pick(['none', 'None']), NONE);
  }

  private trailing(): string {
    return this.rng.chance(0.12) ? ',' : '';
  }

  protected listLit(elem: () => Expr): Expr {
    const n = this.rng.weighted([
      [1, 0],
      [3, 1],
      [4, 2],
      [3, 3],
    ] as const);
    const items: Expr[] = [];
    for (let i = 0; i < n; i++) items.push(elem());
    const of = items.reduce<Ty | undefined>((t, e) => (t ? unify(t, e.ty) : e.ty), undefined) ?? elem().ty;
    this.feature('lit:list');
    return atom(`[${items.map((e) => e.code).join(', ')}${n > 0 ? this.trailing() : ''}]`, listOf(of, n));
  }

  protected tupleLit(s: Scope, d: number): Expr {
    const n = this.rng.weighted([
      [1, 0],
      [2, 1],
      [4, 2],
      [1, 3],
    ] as const);
    const items: Expr[] = [];
    for (let i = 0; i < n; i++) items.push(this.scalarE(s, d - 1));
    this.feature('lit:tuple');
    const code = n === 1 ? `(${items[0]?.code},)` : `(${items.map((e) => e.code).join(', ')}${n > 1 ? this.trailing() : ''})`;
    return atom(code, { k: 'tuple', items: items.map((e) => e.ty) });
  }

  protected dictLit(s: Scope, d: number): Expr {
    const n = this.rng.weighted([
      [1, 0],
      [3, 1],
      [4, 2],
      [2, 3],
    ] as const);
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
    return atom(
      `{${parts.join(', ')}${parts.length > 0 ? this.trailing() : ''}}`,
      exprKeys ? { k: intKeys ? 'opaque' : 'any' } : { k: 'dict', fields },
    );
  }

  /* ---------------------------------------------------------------- defined by the subclasses */

  // The expressions of each kind, which call one another: generator-strings.ts, generator-booleans.ts,
  // generator-containers.ts and generator-expressions.ts define them.
  abstract strE(s: Scope, d: number): Expr;
  abstract boolish(s: Scope, d: number): Expr;
  abstract listE(s: Scope, d: number, pred?: Pred, lazyOk?: boolean): Expr | undefined;
  protected abstract sizedE(s: Scope, d: number): Expr;
  abstract scalarE(s: Scope, d: number): Expr;
  abstract valueE(s: Scope, d: number): Expr;
  abstract anyE(s: Scope, d: number): Expr;
  abstract undefE(s: Scope): Expr;
  abstract maybeE(s: Scope, d: number): Expr;
  protected abstract jsonE(s: Scope, d: number): Expr;
  abstract exprOf(s: Scope, d: number, t: Ty): Expr;
  protected abstract macroCall(s: Scope, d: number, pred: Pred): Expr | undefined;
}

import { ContainerExprs } from './generator-containers.js';
import {
  ANY,
  atom,
  isDict,
  isInt,
  isJsonable,
  isList,
  isStr,
  isValue,
  listOf,
  MAYBE,
  P,
  unify,
  type Expr,
  type Field,
  type MacroSig,
  type Pred,
  type Scope,
  type Ty,
} from './generator-types.js';
import { strLiteral } from './generator-values.js';

/**
 * Random typed expressions for one case: values of any type, of a given type, possibly undefined, to print,
 * and macro calls. The expressions of each kind come from the classes it extends (generator-expr-core.ts,
 * generator-numbers.ts, generator-strings.ts, generator-booleans.ts, generator-containers.ts).
 */
export class ExprGen extends ContainerExprs {
  /* ---------------------------------------------------------------- values of any type */

  override scalarE(s: Scope, d: number): Expr {
    return this.rng.weighted<() => Expr>([
      [3, () => this.intE(s, d)],
      [3, () => this.strE(s, d)],
      [1, () => this.floatE(s, d)],
      [1, () => this.boolE(s, d)],
      [0.5, () => this.noneLit()],
    ] as const)();
  }

  /** A defined value of any type (never a lazy iterator). */
  override valueE(s: Scope, d: number): Expr {
    return this.rng.weighted<() => Expr>([
      [6, () => this.scalarE(s, d)],
      [3, () => this.listE(s, d) ?? this.strLit()],
      [1.5, () => this.dictE(s, d)],
      [1, () => this.tupleLit(s, d)],
      [1, () => this.lookup(s, isValue) ?? this.strLit()],
    ] as const)();
  }

  /** Values of mixed types combined with and/or (whose value, not truth, is printed). */
  override anyE(s: Scope, d: number): Expr {
    return this.choose<Expr>(
      [
        [8, () => this.valueE(s, d)],
        [
          d > 0 ? 1.5 : 0,
          () => {
            const l = this.valueE(s, d - 1);
            const r = this.valueE(s, d - 1);
            const op = this.rng.pick(['and', 'or']);
            return this.bin(l, op, r, op === 'and' ? P.and : P.or, unify(l.ty, r.ty));
          },
        ],
        [d > 0 ? 0.5 : 0, () => this.not(this.valueE(s, d - 1))],
        [d > 0 ? 0.5 : 0, () => this.cond(s, d, () => this.valueE(s, d - 1))],
      ],
      () => this.strLit(),
    );
  }

  /** `x if c` without else: undefined when c is false. */
  private notElse(s: Scope, d: number): Expr {
    const test = this.boolish(s, d - 1);
    const last = this.wrap(test, P.or);
    return {
      code: `${this.wrapOpen(this.valueE(s, d - 1), P.or)} if ${last}`,
      ty: MAYBE,
      prec: P.cond,
      ...(test.open && last === test.code ? { open: true } : {}),
    };
  }

  /** Certainly undefined: a missing name, key or index. */
  override undefE(s: Scope): Expr {
    this.feature('undefined');
    return this.choose<Expr>(
      [
        [2, () => atom(this.rng.pick(['missing', 'undefined_var', 'nope']), MAYBE)],
        [
          2,
          () => {
            const dict = this.lookup(s, isDict);
            return dict && atom(this.rng.chance(0.5) ? `${this.wrap(dict, P.atom)}.nokey` : `${this.wrap(dict, P.atom)}['nokey']`, MAYBE);
          },
        ],
        [
          1,
          () => {
            const l = this.lookup(s, (t) => isList(t) && !t.lazy);
            return l && atom(`${this.wrap(l, P.atom)}[${this.rng.pick(['9', '-9'])}]`, MAYBE);
          },
        ],
      ],
      () => atom('missing', MAYBE),
    );
  }

  /** Possibly undefined: also an `x if c` without else, or a variable set in one branch of an if. */
  override maybeE(s: Scope, d: number): Expr {
    return this.choose<Expr>(
      [
        [5, () => this.undefE(s)],
        [d > 0 ? 1 : 0, () => this.notElse(s, d)],
        [2, () => this.lookup(s, (t) => t.k === 'maybe')],
        [s.loop ? 1 : 0, () => atom(`loop.${this.rng.pick(['previtem', 'nextitem'])}`, MAYBE)],
        [d > 0 ? 0.5 : 0, () => this.filter(this.undefE(s), 'default', [this.valueE(s, d - 1).code], ANY)],
      ],
      () => atom('missing', MAYBE),
    );
  }

  protected override jsonE(s: Scope, d: number): Expr {
    for (let i = 0; i < 4; i++) {
      const e = this.valueE(s, d);
      if (isJsonable(e.ty)) return e;
    }
    return this.strLit();
  }

  /** An expression of the given type (falling back to a literal of a close type). */
  override exprOf(s: Scope, d: number, t: Ty): Expr {
    switch (t.k) {
      case 'int':
        return this.intE(s, d);
      case 'float':
        return this.floatE(s, d);
      case 'num':
        return this.numE(s, d);
      case 'str':
        return this.strE(s, d);
      case 'bool':
        return this.boolE(s, d);
      case 'none':
        return this.noneLit();
      case 'dict':
        return this.lookup(s, (u) => JSON.stringify(u) === JSON.stringify(t)) ?? this.dictOfType(s, d, t.fields);
      case 'list':
        return this.listE(s, d, (u) => JSON.stringify(u) === JSON.stringify(t.of)) ?? atom('[]', listOf(t.of));
      case 'tuple':
        return atom(`(${t.items.map((i) => this.exprOf(s, d - 1, i).code).join(', ')}${t.items.length === 1 ? ',' : ''})`, t);
      default:
        return this.scalarE(s, d);
    }
  }

  private dictOfType(s: Scope, d: number, fields: readonly Field[]): Expr {
    return atom(`{${fields.map((f) => `${strLiteral(this.rng, f.key)}: ${this.exprOf(s, d - 1, f.ty).code}`).join(', ')}}`, {
      k: 'dict',
      fields,
    });
  }

  /** Something Jinja raises for: both engines must fail on it. */
  private failingE(s: Scope): Expr {
    this.feature('expected-error');
    const n = this.lookup(s, isInt)?.code ?? '1';
    const str = this.lookup(s, isStr)?.code ?? "'a'";
    const code = this.rng.pick([
      'missing.attr',
      'missing.a.b',
      `${n} + ${str}`,
      `(${n}) / 0`,
      `${n} // 0`,
      `${n} % 0`,
      'missing()',
      `${str}()`,
      `${n}|length`,
      `${str} - 1`,
      `none + 1`,
      `[1] + (1,)`,
      `{'a': 1}|sort|first + 1`,
      `[1, 'a']|sort`,
      `${n}|join`,
      `range(${n}, 1, 0)|list`,
      `${str}|float + none`,
      `(1, 2)|dictsort`,
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
  protected override macroCall(s: Scope, d: number, pred: Pred): Expr | undefined {
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

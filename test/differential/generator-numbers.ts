import { ExprCore } from './generator-expr-core.js';
import {
  atom,
  FLOAT,
  fieldTy,
  INT,
  isFloat,
  isInt,
  isList,
  isNum,
  listOf,
  NUM,
  P,
  STR,
  type Expr,
  type Pred,
  type Scope,
  type Ty,
} from './generator-types.js';
import { strLiteral } from './generator-values.js';

/** Expressions of the number types: int, float and either. */
export abstract class NumberExprs extends ExprCore {
  intE(s: Scope, d: number): Expr {
    return this.choose<Expr>(
      [
        [3, () => this.intLit()],
        [4, () => this.lookup(s, isInt)],
        [d > 0 ? 4 : 0, () => this.intArith(s, d)],
        [d > 0 ? 3 : 0, () => this.intFilter(s, d)],
        [s.loop ? 2 : 0, () => atom(`loop.${this.rng.pick(['index', 'index0', 'revindex', 'revindex0', 'length', 'depth'])}`, INT)],
        [d > 0 ? 0.5 : 0, () => this.cond(s, d, () => this.intE(s, d - 1))],
        [d > 0 ? 0.7 : 0, () => this.neg(this.intAtom(s))],
        [d > 0 ? 1 : 0, () => this.macroCall(s, d, isInt)],
      ],
      () => this.intLit(),
    );
  }

  /** A small int operand (of unary minus and **, whose results stay well inside a double's exact range). */
  private intAtom(s: Scope): Expr {
    return this.rng.chance(0.5)
      ? (this.lookup(s, isInt) ?? atom(String(this.rng.int(0, 12)), INT))
      : atom(String(this.rng.int(0, 12)), INT);
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
    return this.choose<Expr>(
      [
        [3, () => this.filter(this.sizedE(s, d - 1), this.rng.pick(['length', 'length', 'count']), undefined, INT)],
        [
          2,
          () =>
            this.filter(
              this.rng.chance(0.5)
                ? this.numE(s, d - 1)
                : atom(strLiteral(this.rng, this.rng.pick(['12', '3.7', ' 8 ', 'abc', '-4', '0x1A', '1e2', ''])), STR),
              'int',
              this.rng.chance(0.2) ? ['7'] : undefined,
              INT,
            ),
        ],
        [1, () => this.filter(this.strE(s, d - 1), 'wordcount', undefined, INT)],
        [1, () => this.filter(this.intE(s, d - 1), 'abs', undefined, INT)],
        [1, () => this.filter(this.intE(s, d - 1), 'round', undefined, INT)],
        [2, () => this.aggregate(s, d, isInt)],
        [1, () => this.filter(this.call('range', [this.intLit(true).code], listOf(INT, 0, true)), 'sum', undefined, INT)],
        [
          1,
          () =>
            this.method(
              this.strE(s, d - 1),
              this.rng.pick(['count', 'find']),
              [strLiteral(this.rng, this.rng.pick(['a', 'l', ' ', ',']))],
              INT,
            ),
        ],
      ],
      () => this.intLit(),
    );
  }

  /** sum / min / max / first / last of a list whose elements satisfy pred. */
  protected aggregate(s: Scope, d: number, pred: Pred): Expr | undefined {
    const l = this.listE(s, d - 1, (t) => pred(t) || (t.k === 'dict' && t.fields.some((f) => f.key === 'value' && pred(f.ty))));
    if (!l || !isList(l.ty)) return undefined;
    const of = l.ty.of;
    if (of.k === 'dict') {
      const value = fieldTy(of, 'value') ?? NUM;
      if (l.ty.min === 0 || this.rng.chance(0.5)) return this.filter(l, 'sum', [`attribute='value'`], value);
      const best = this.filter(l, this.rng.pick(['min', 'max']), [`attribute='value'`], of);
      return pred(value) ? atom(`(${best.code}).value`, value) : undefined;
    }
    const names =
      l.ty.min > 0 && !l.ty.lazy ? ['sum', 'min', 'max', 'first', 'last'] : l.ty.min > 0 ? ['sum', 'min', 'max', 'first'] : ['sum'];
    const name = this.rng.pick(names);
    if (name === 'sum' && !isNum(of)) return undefined;
    if (name === 'sum' && this.rng.chance(0.2)) return this.filter(l, 'sum', [`start=${this.intLit().code}`], of.k === 'int' ? INT : NUM);
    return this.filter(l, name, undefined, name === 'sum' && of.k !== 'int' ? NUM : of);
  }

  floatE(s: Scope, d: number): Expr {
    return this.choose<Expr>(
      [
        [3, () => this.floatLit()],
        [3, () => this.lookup(s, isFloat)],
        [d > 0 ? 3 : 0, () => this.bin(this.numE(s, d - 1), '/', this.nonZero(s, d - 1), P.mul, FLOAT)],
        [d > 0 ? 2 : 0, () => this.arith(this.floatE(s, d - 1), this.rng.pick(['+', '-', '*']), this.numE(s, d - 1), FLOAT)],
        [d > 0 ? 1 : 0, () => this.arith(this.numE(s, d - 1), this.rng.pick(['*', '+']), this.floatE(s, d - 1), FLOAT)],
        [
          d > 0 ? 2 : 0,
          () =>
            this.filter(
              this.rng.chance(0.6)
                ? this.numE(s, d - 1)
                : atom(strLiteral(this.rng, this.rng.pick(['2.5', '1e3', 'x', '-0.25', ' 7 '])), STR),
              'float',
              undefined,
              FLOAT,
            ),
        ],
        [
          d > 0 ? 2 : 0,
          () => this.filter(this.floatE(s, d - 1), 'round', this.rng.chance(0.7) ? [String(this.rng.int(0, 3))] : undefined, FLOAT),
        ],
        [
          d > 0 ? 1 : 0,
          () =>
            this.filter(
              this.numE(s, d - 1),
              'round',
              [String(this.rng.int(0, 2)), strLiteral(this.rng, this.rng.pick(['floor', 'ceil', 'common']))],
              FLOAT,
            ),
        ],
        [d > 0 ? 1 : 0, () => this.filter(this.floatE(s, d - 1), 'abs', undefined, FLOAT)],
        [d > 0 ? 0.5 : 0, () => this.bin(this.floatLit(), '**', atom(String(this.rng.int(0, 3)), INT), P.pow, FLOAT)],
        [d > 0 ? 0.5 : 0, () => this.neg(this.lookup(s, isFloat) ?? atom('2.5', FLOAT))],
        [d > 0 ? 0.5 : 0, () => this.macroCall(s, d, isFloat)],
      ],
      () => this.floatLit(),
    );
  }

  private nonZero(s: Scope, d: number): Expr {
    return this.rng.chance(0.6) ? this.nonZeroInt(s, d) : atom(this.rng.pick(['0.5', '2.0', '4.0', '1.5', '3.0']), FLOAT);
  }

  numE(s: Scope, d: number): Expr {
    return this.choose<Expr>(
      [
        [4, () => this.intE(s, d)],
        [2, () => this.floatE(s, d)],
        [2, () => this.lookup(s, (t) => t.k === 'num')],
        [d > 0 ? 1 : 0, () => this.aggregate(s, d, isNum)],
        [d > 0 ? 1 : 0, () => this.bin(this.numE(s, d - 1), this.rng.pick(['//', '%']), this.nonZero(s, d - 1), P.mul, NUM)],
      ],
      () => this.intLit(),
    );
  }
}

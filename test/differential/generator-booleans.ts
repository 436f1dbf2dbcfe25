import { StringExprs } from './generator-strings.js';
import { atom, BOOL, elemOf, INT, isBool, isDict, isHashable, listOf, P, STR, type Expr, type Scope } from './generator-types.js';
import { strLiteral } from './generator-values.js';

/** Boolean expressions: comparisons, tests, membership, and/or/not. */
export abstract class BoolExprs extends StringExprs {
  boolE(s: Scope, d: number): Expr {
    return this.choose<Expr>(
      [
        [2, () => this.boolLit()],
        [2, () => this.lookup(s, isBool)],
        [d > 0 ? 4 : 0, () => this.compare(s, d)],
        [d > 0 ? 4 : 0, () => this.isTest(s, d)],
        [d > 0 ? 2 : 0, () => this.membership(s, d)],
        [d > 0 ? 1 : 0, () => this.not(this.boolish(s, d - 1))],
        [d > 0 ? 1.5 : 0, () => this.bin(this.boolE(s, d - 1), this.rng.pick(['and', 'or']), this.boolE(s, d - 1), P.and, BOOL)],
        [
          d > 0 ? 1 : 0,
          () => this.method(this.wrapAtom(this.strE(s, d - 1)), this.rng.pick(['startswith', 'endswith']), [this.strLit().code], BOOL),
        ],
        [
          d > 0 ? 0.5 : 0,
          () => this.method(this.wrapAtom(this.strE(s, d - 1)), this.rng.pick(['isdigit', 'isupper', 'islower', 'isalpha']), [], BOOL),
        ],
        [s.loop ? 1 : 0, () => atom(`loop.${this.rng.pick(['first', 'last'])}`, BOOL)],
        [s.loop ? 0.5 : 0, () => atom(`loop.changed(${this.scalarE(s, 0).code})`, BOOL)],
      ],
      () => this.boolLit(),
    );
  }

  /** Any value used for its truth. */
  override boolish(s: Scope, d: number): Expr {
    return this.rng.chance(0.7) ? this.boolE(s, d) : this.rng.chance(0.8) ? this.anyE(s, d) : this.maybeE(s, d);
  }

  private compare(s: Scope, d: number): Expr {
    const kind = this.rng.weighted([
      [4, 'num'],
      [2, 'str'],
      [2, 'eq'],
      [1, 'chain'],
    ] as const);
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
      [
        3,
        () => {
          const l = this.listE(s, d - 1, isHashable) ?? atom('[1, 2]', listOf(INT, 2));
          const x = this.rng.chance(0.6) ? this.exprOf(s, d - 1, elemOf(l.ty)) : this.scalarE(s, d - 1);
          return this.bin(x, op, l, P.cmp, BOOL);
        },
      ],
      [2, () => this.bin(this.strE(s, d - 1), op, this.strE(s, d - 1), P.cmp, BOOL)],
      [
        2,
        () => {
          const dict = this.lookup(s, isDict) ?? this.dictLit(s, d - 1);
          const key = dict.ty.k === 'dict' && dict.ty.fields[0] && this.rng.chance(0.7) ? this.rng.pick(dict.ty.fields).key : 'nope';
          return this.bin(atom(strLiteral(this.rng, key), STR), op, dict, P.cmp, BOOL);
        },
      ],
    ] as const)();
  }

  private isTest(s: Scope, d: number): Expr {
    return this.rng.weighted<() => Expr>([
      [
        3,
        () =>
          this.test(
            this.rng.chance(0.6) ? this.maybeE(s, d - 1) : this.valueE(s, d - 1),
            this.rng.pick(['defined', 'undefined', 'none', 'defined']),
          ),
      ],
      [
        3,
        () =>
          this.test(
            this.valueE(s, d - 1),
            this.rng.pick(['number', 'string', 'mapping', 'sequence', 'iterable', 'boolean', 'true', 'false', 'integer', 'float']),
          ),
      ],
      [2, () => this.test(this.intE(s, d - 1), this.rng.pick(['odd', 'even']))],
      [2, () => this.test(this.numE(s, d - 1), 'divisibleby', atom(String(this.rng.int(1, 5)), INT))],
      [1, () => this.test(this.strE(s, d - 1), this.rng.pick(['lower', 'upper']))],
      [2, () => this.test(this.scalarE(s, d - 1), this.rng.pick(['sameas', 'equalto', 'eq', 'ne']), this.scalarE(s, 0))],
      [1, () => this.test(this.numE(s, d - 1), this.rng.pick(['lt', 'gt', 'le', 'ge', 'greaterthan', 'lessthan']), this.intLit(true))],
      [
        1,
        () => {
          const l = this.listE(s, d - 1, isHashable) ?? atom('[1]', listOf(INT, 1));
          return this.test(this.exprOf(s, d - 1, elemOf(l.ty)), 'in', l);
        },
      ],
      [0.3, () => this.test(atom(strLiteral(this.rng, this.rng.pick(['upper', 'nope', 'odd'])), STR), this.rng.pick(['filter', 'test']))],
    ] as const)();
  }
}

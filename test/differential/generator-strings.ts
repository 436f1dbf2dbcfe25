import { NumberExprs } from './generator-numbers.js';
import { ANY, atom, INT, isDict, isList, isScalar, isStr, listOf, P, STR, type Expr, type Scope, type Ty } from './generator-types.js';
import { strLiteral } from './generator-values.js';

/** String expressions: concatenation, string filters and methods, formatting. */
export abstract class StringExprs extends NumberExprs {
  override strE(s: Scope, d: number): Expr {
    return this.choose<Expr>(
      [
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
        [
          d > 0 ? 0.5 : 0,
          () => {
            const dict = this.lookup(s, isDict);
            return dict && this.method(dict, 'get', [`'nokey'`, this.strLit().code], STR);
          },
        ],
        [d > 0 ? 0.5 : 0, () => this.aggregate(s, d, isStr)],
      ],
      () => this.strLit(),
    );
  }

  private strAtom(s: Scope): Expr {
    return this.rng.chance(0.5) ? (this.lookup(s, isStr) ?? this.strLit()) : this.strLit();
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

  protected slice(x: Expr, ty: Ty): Expr {
    this.feature('op:slice');
    const bound = () => this.rng.pick(['', '', '1', '2', '-1', '0', '5']);
    const step = this.rng.weighted([
      [5, ''],
      [2, ':-1'],
      [1, ':2'],
      [1, ':'],
    ] as const);
    return atom(`${this.wrap(x, P.atom)}[${bound()}:${bound()}${step}]`, ty);
  }

  private strFilter(s: Scope, d: number): Expr {
    const sub = () => this.strE(s, d - 1);
    return this.rng.weighted<() => Expr>([
      [
        4,
        () =>
          this.filter(
            this.rng.chance(0.8) ? sub() : this.scalarE(s, d - 1),
            this.rng.pick(['upper', 'lower', 'trim', 'title', 'capitalize']),
            undefined,
            STR,
          ),
      ],
      [2, () => this.filter(sub(), 'replace', this.replaceArgs(), STR)],
      [1, () => this.filter(sub(), 'center', [String(this.rng.int(0, 12))], STR)],
      [
        1,
        () =>
          this.filter(
            sub(),
            'indent',
            this.rng.weighted([
              [2, [] as string[]],
              [2, ['2']],
              [1, ['2', 'true']],
              [1, ['width=3', 'first=true', 'blank=true']],
              [1, [`'> '`]],
            ] as const),
            STR,
          ),
      ],
      [
        1,
        () =>
          this.filter(
            sub(),
            'truncate',
            this.rng.weighted([
              [2, [String(this.rng.int(3, 12))]],
              [1, [String(this.rng.int(3, 12)), 'true']],
              [1, [String(this.rng.int(3, 9)), 'false', `'…'`, '0']],
            ] as const),
            STR,
          ),
      ],
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
      [
        3,
        () => this.method(x(), this.rng.pick(['upper', 'lower', 'strip', 'title', 'capitalize', 'lstrip', 'rstrip', 'swapcase']), [], STR),
      ],
      [2, () => this.method(x(), 'replace', this.replaceArgs().slice(0, 2), STR)],
      [
        2,
        () =>
          this.method(
            atom(strLiteral(this.rng, this.rng.pick([', ', '-', '', ' AND '])), STR),
            'join',
            [(this.listE(s, d - 1, isStr, true) ?? atom(`['a', 'b']`, listOf(STR, 2))).code],
            STR,
          ),
      ],
      [2, () => this.pyFormat(s, d)],
      [1, () => this.method(x(), this.rng.pick(['zfill', 'ljust', 'rjust', 'center']), [String(this.rng.int(0, 8))], STR)],
      [
        1,
        () =>
          atom(
            `${this.wrap(this.strE(s, d - 1), P.atom)}.split(${strLiteral(this.rng, this.rng.pick([',', ' ', 'a']))})[${this.rng.pick(['0', '-1'])}]`,
            STR,
          ),
      ],
      [1, () => this.method(x(), 'strip', [strLiteral(this.rng, this.rng.pick(['a', ' x', '_']))], STR)],
    ] as const)();
  }

  protected wrapAtom(e: Expr): Expr {
    return e.prec < P.atom ? atom(`(${e.code})`, e.ty) : e;
  }

  /** str.format with placeholders matching the arguments. */
  private pyFormat(s: Scope, d: number): Expr {
    this.feature('method:format');
    const n = this.rng.int(1, 3);
    const args: Expr[] = [];
    const holes: string[] = [];
    for (let i = 0; i < n; i++) {
      const kind = this.rng.weighted([
        [3, 'any'],
        [2, 'num'],
        [2, 'str'],
      ] as const);
      const arg = kind === 'num' ? this.numE(s, d - 1) : kind === 'str' ? this.strE(s, d - 1) : this.scalarE(s, d - 1);
      args.push(arg);
      const spec =
        kind === 'num'
          ? this.rng.pick(['', '', ':.2f', ':>6', ':05.1f', ':,', ':+'])
          : kind === 'str'
            ? this.rng.pick(['', '', ':>8', ':^7', ':.2'])
            : '';
      holes.push(`{${this.rng.chance(0.3) ? String(i) : ''}${spec}}`);
    }
    // Numbered and automatic fields cannot be mixed: number all or none.
    const numbered = holes.some((h) => /^\{\d/.test(h));
    const fmt = holes.map((h, i) => (numbered && !/^\{\d/.test(h) ? `{${i}${h.slice(1)}` : h)).join(this.rng.pick([' ', '-', ', ', '']));
    return this.method(
      atom(strLiteral(this.rng, fmt), STR),
      'format',
      args.map((a) => a.code),
      STR,
    );
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
}

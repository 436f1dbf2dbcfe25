import { BoolExprs } from './generator-booleans.js';
import {
  ANY,
  atom,
  BOOL,
  COLUMN,
  COLUMN_FIELDS,
  elemOf,
  IDENT,
  INT,
  isDict,
  isHashable,
  isInt,
  isList,
  isNum,
  isStr,
  listOf,
  NUM,
  P,
  STR,
  unify,
  type Expr,
  type Pred,
  type Scope,
  type Ty,
} from './generator-types.js';
import { COLUMN_TYPES, FIELD_NAMES, strLiteral } from './generator-values.js';

/** List and dict expressions: lookups, literals, list filters, dict views, range(). */
export abstract class ContainerExprs extends BoolExprs {
  override listE(s: Scope, d: number, pred: Pred = () => true, lazyOk = false): Expr | undefined {
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
    return this.choose<Expr>(
      [
        [4, () => this.lookup(s, isList)],
        [2, () => this.lookup(s, (t) => isList(t) && t.of.k === 'dict')],
        [
          3,
          () =>
            this.listLit(
              this.rng.pick([
                () => this.intE(s, d - 1),
                () => this.strE(s, d - 1),
                () => this.numE(s, d - 1),
                () => this.scalarE(s, d - 1),
              ]),
            ),
        ],
        [d > 0 ? 5 : 0, () => this.listFilter(s, d)],
        [
          d > 0 ? 1 : 0,
          () =>
            this.method(
              this.wrapAtom(this.strE(s, d - 1)),
              'split',
              this.rng.chance(0.5) ? [] : [strLiteral(this.rng, this.rng.pick([',', ' ', 'a']))],
              listOf(STR),
            ),
        ],
        [d > 0 ? 1 : 0, () => this.call('range', this.rangeArgs(s, d), listOf(INT, 0, true))],
        [
          d > 0 ? 1 : 0,
          () => {
            const l = this.listE(s, d - 1);
            return l && isList(l.ty) ? this.slice(l, { ...l.ty, min: 0 }) : undefined;
          },
        ],
        [
          d > 0 ? 1 : 0,
          () => {
            const l = this.listE(s, d - 1);
            const r = l && this.listE(s, d - 1, (t) => JSON.stringify(t) === JSON.stringify(elemOf(l.ty)));
            const sameKind = l && r && isList(l.ty) && isList(r.ty) && !l.ty.tuple && !r.ty.tuple;
            return sameKind && isList(l.ty) && isList(r.ty) ? this.bin(l, '+', r, P.add, listOf(l.ty.of, l.ty.min + r.ty.min)) : undefined;
          },
        ],
        [d > 0 ? 1 : 0, () => this.dictView(s, d)],
        [d > 0 ? 0.5 : 0, () => this.macroCall(s, d, (t) => isList(t) && !t.lazy)],
      ],
      () => this.listLit(() => this.intE(s, d - 1)),
    );
  }

  private rangeArgs(s: Scope, d: number): string[] {
    this.feature('range');
    const small = () =>
      this.rng.chance(0.7) ? String(this.rng.int(0, 5)) : this.filter(this.sizedE(s, d - 1), 'length', undefined, INT).code;
    return this.rng.weighted([
      [3, [small()]],
      [2, [small(), String(this.rng.int(2, 7))]],
      [1, [String(this.rng.int(0, 9)), String(this.rng.int(-2, 4)), this.rng.pick(['2', '-1', '3'])]],
    ] as const);
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
      [
        2,
        () =>
          this.filter(
            dict,
            'dictsort',
            this.rng.weighted([
              [3, undefined],
              [1, ['true']],
              [1, ['reverse=true']],
              [isNum(values) || isStr(values) ? 1 : 0, [`by='value'`]],
            ] as const),
            listOf(pair, fields.length),
          ),
      ],
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
      [
        sortable ? 3 : 0,
        () =>
          this.filter(
            l,
            'sort',
            this.rng.weighted([
              [3, undefined],
              [1, ['reverse=true']],
              [isStr(of) ? 1 : 0, ['case_sensitive=true']],
              [1, ['true']],
            ] as const),
            listOf(of, min),
          ),
      ],
      [
        of.k === 'dict' ? 3 : 0,
        () =>
          this.filter(
            l,
            'sort',
            [this.rng.pick([`attribute='name'`, `attribute='value'`, `attribute='type,name'`, `attribute='value', reverse=true`])],
            listOf(of, min),
          ),
      ],
      [
        isHashable(of) && of.k !== 'tuple' ? 2 : 0,
        () => this.filter(l, 'unique', this.rng.chance(0.2) && isStr(of) ? ['case_sensitive=true'] : undefined, lazy(of, Math.min(min, 1))),
      ],
      [of.k === 'dict' ? 1 : 0, () => this.filter(l, 'unique', [`attribute='type'`], lazy(of, Math.min(min, 1)))],
      [!l.ty.lazy ? 2 : 0, () => this.filter(l, 'reverse', undefined, lazy(of, min))],
      [1, () => this.filter(l, 'list', undefined, listOf(of, min))],
      [
        isStr(of) ? 2 : 0,
        () => {
          const name = this.rng.pick(['upper', 'lower', 'trim', 'length', 'title']);
          return this.filter(l, 'map', [strLiteral(this.rng, name)], lazy(name === 'length' ? INT : STR, min));
        },
      ],
      [
        isNum(of) ? 1 : 0,
        () => this.filter(l, 'map', [strLiteral(this.rng, this.rng.pick(['abs', 'string', 'int', 'float', 'round']))], lazy(ANY, min)),
      ],
      [
        of.k === 'dict' ? 4 : 0,
        () => {
          const f = this.rng.pick(COLUMN_FIELDS);
          return this.filter(
            l,
            'map',
            this.rng.chance(0.2) ? [`attribute='missing'`, `default='-'`] : [`attribute='${f.key}'`],
            lazy(f.ty, min),
          );
        },
      ],
      [
        isInt(of) ? 2 : 0,
        () => this.filter(l, this.rng.pick(['select', 'reject']), [strLiteral(this.rng, this.rng.pick(['odd', 'even']))], lazy(of)),
      ],
      [
        isNum(of) ? 1 : 0,
        () =>
          this.filter(
            l,
            'select',
            [strLiteral(this.rng, this.rng.pick(['>', 'gt', '<=', 'ne', '==', 'divisibleby'])), String(this.rng.int(1, 5))],
            lazy(of),
          ),
      ],
      [
        1,
        () =>
          this.filter(
            l,
            this.rng.pick(['select', 'reject']),
            this.rng.chance(0.5) ? undefined : [strLiteral(this.rng, this.rng.pick(['none', 'defined', 'string', 'number']))],
            lazy(of),
          ),
      ],
      [
        of.k === 'dict' ? 4 : 0,
        () =>
          this.filter(
            l,
            this.rng.pick(['selectattr', 'rejectattr']),
            this.rng.pick([
              [`'value'`],
              [`'type'`, `'equalto'`, strLiteral(this.rng, this.rng.pick(COLUMN_TYPES))],
              [`'value'`, `'gt'`, '2'],
              [`'name'`, `'in'`, `['id', 'email']`],
              [`'type'`, `'ne'`, `'int'`],
            ]),
            lazy(of),
          ),
      ],
      [
        !l.ty.lazy ? 1 : 0,
        () =>
          this.filter(
            l,
            'batch',
            this.rng.chance(0.7) ? [String(this.rng.int(1, 3))] : [String(this.rng.int(2, 3)), this.exprOf(s, 0, of).code],
            lazy(listOf(of, 1), Math.min(min, 1)),
          ),
      ],
      [!l.ty.lazy ? 1 : 0, () => this.filter(l, 'slice', [String(this.rng.int(1, 3))], lazy(listOf(of), Math.min(min, 1)))],
      [
        of.k === 'dict' ? 2 : 0,
        () =>
          this.filter(
            l,
            'groupby',
            [this.rng.pick([`'type'`, `attribute='type'`, `'name'`])],
            listOf({ k: 'tuple', items: [STR, listOf(of, 1)], names: ['grouper', 'list'] }, Math.min(min, 1)),
          ),
      ],
      [
        !l.ty.lazy ? 0.5 : 0,
        () => this.bin(l, '*', atom(String(this.rng.int(0, 2)), INT), P.mul, listOf(of, 0, false, isList(l.ty) && l.ty.tuple === true)),
      ],
    ];
    return this.choose<Expr | undefined>(options, () => undefined);
  }

  dictE(s: Scope, d: number): Expr {
    return this.choose<Expr>(
      [
        [4, () => this.lookup(s, isDict)],
        [3, () => this.dictLit(s, d)],
        [
          d > 0 ? 1 : 0,
          () => {
            const value = this.valueE(s, d - 1);
            const key = this.rng.pick(FIELD_NAMES.filter((k) => IDENT.test(k)));
            this.feature('dict()');
            return this.call('dict', [`${key}=${value.code}`], { k: 'dict', fields: [{ key, ty: value.ty }] });
          },
        ],
      ],
      () => this.dictLit(s, d),
    );
  }

  /** Something whose length is defined. */
  protected override sizedE(s: Scope, d: number): Expr {
    return this.rng.weighted<() => Expr>([
      [3, () => this.strE(s, d)],
      [3, () => this.listE(s, d) ?? this.strLit()],
      [1, () => this.dictE(s, d)],
      [0.5, () => this.undefE(s)],
    ] as const)();
  }
}

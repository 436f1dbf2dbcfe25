import type { ExprGen } from './generator-expressions.js';
import type { Rng } from './generator-random.js';
import {
  ANY,
  atom,
  BOOL,
  elemOf,
  IDENT,
  INT,
  isDict,
  isList,
  isNum,
  listOf,
  MAYBE,
  P,
  STR,
  withVars,
  type Expr,
  type Field,
  type Scope,
  type Ty,
  type Var,
} from './generator-types.js';
import { strLiteral } from './generator-values.js';

const TEXTS = [
  '',
  ' ',
  '\n',
  '\n\n',
  '  ',
  'select ',
  ' from t',
  ',',
  ', ',
  ' | ',
  '\n    ',
  'a',
  'x = ',
  '-- c\n',
  '\t',
  ' and ',
  '(',
  ')',
  ';',
  'é',
  ' \n ',
  'where 1=1\n',
  '  \n',
  'END',
];
export const LOOP_NAMES = ['x', 'item', 'col', 'c', 'i', 'row', 'w', 'key', 'val', 'g', 'pair', 'e'];
const BLOCK_FILTERS = [
  'upper',
  'lower',
  'trim',
  'title',
  'capitalize',
  "replace('a', 'o')",
  'indent(2)',
  'center(30)',
  'truncate(12)',
  'striptags',
  'e',
  'reverse',
];

/** Code with the scope that follows it (a set adds a variable for what comes next). */
export interface Emitted {
  code: string;
  scope: Scope;
}

const without = (s: Scope, name: string): Scope => ({ ...s, vars: s.vars.filter((v) => v.name !== name) });

/** Random statements and blocks of them, built on the expression generator; the macros are generator-macros.ts's. */
export abstract class StatementGen {
  protected readonly rng: Rng;

  constructor(protected readonly x: ExprGen) {
    this.rng = x.rng;
  }

  private ws(): string {
    return this.rng.chance(0.18) ? '-' : '';
  }

  protected tag(body: string): string {
    const sp = this.rng.chance(0.08) ? '' : ' ';
    return `{%${this.ws()}${sp}${body}${sp}${this.ws()}%}`;
  }

  protected output(e: Expr): string {
    const sp = this.rng.chance(0.08) ? '' : ' ';
    return `{{${this.ws()}${sp}${e.code}${sp}${this.ws()}}}`;
  }

  protected text(): string {
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
      [3, 'text'],
      [6, 'print'],
      [2.5 * nest, 'if'],
      [3 * nest, 'for'],
      [2, 'set'],
      [0.6, 'setblock'],
      [0.4, 'unpack'],
      [0.8 * nest, 'namespace'],
      [0.8 * nest, 'accumulate'],
      [0.5 * nest, 'with'],
      [0.5 * nest, 'filter'],
      [0.25, 'raw'],
      [0.3, 'comment'],
      [s.macros.length > 0 ? 2 : 0, 'macro'],
      [s.macros.some((m) => m.caller) ? 1.5 * nest : 0, 'callblock'],
      [s.breakable ? 1 : 0, 'break'],
      [depth === 0 ? 0.3 : 0, 'inlinemacro'],
      [s.vars.some((v) => v.ty.k === 'ns') ? 1.5 : 0, 'nsassign'],
      [0.8, 'do'],
      [nest, 'commalist'],
    ] as const);
    const same = (code: string): Emitted => ({ code, scope: s });
    switch (kind) {
      case 'text':
        return same(this.text());
      case 'print':
        return same(
          this.output(
            this.x.printE(
              s,
              this.rng.weighted([
                [3, 1],
                [3, 2],
                [1, 3],
              ] as const),
            ),
          ) + (this.rng.chance(0.3) ? this.text() : ''),
        );
      case 'if':
        return this.ifStmt(s, depth);
      case 'for':
        return same(this.forStmt(s, depth));
      case 'set':
        return this.setStmt(s);
      case 'setblock':
        return this.setBlock(s, depth);
      case 'unpack':
        return this.unpack(s);
      case 'namespace':
        return this.namespace(s);
      case 'accumulate':
        return this.accumulate(s, depth);
      case 'with':
        return same(this.withStmt(s, depth));
      case 'filter':
        return same(this.filterBlock(s, depth));
      case 'raw':
        return same(this.raw());
      case 'comment':
        return same(`{#${this.ws()} ${this.rng.pick(['note', '{{ x }}', 'a\nb', '{% if %}'])} ${this.ws()}#}`);
      case 'macro':
        return same(this.output(this.x.macroCallAny(s)));
      case 'callblock':
        return same(this.callBlock(s, depth));
      case 'break':
        return same(this.breakStmt(s));
      case 'inlinemacro':
        return this.inlineMacro(s);
      case 'nsassign':
        return same(this.nsAssign(s));
      case 'do':
        return this.doStmt(s);
      default:
        return same(this.commaList(s));
    }
  }

  /* ---------------------------------------------------------------- control flow */

  private ifStmt(s: Scope, depth: number): Emitted {
    this.x.feature('stmt:if');
    let code = this.tag(`if ${this.condition(s, this.rng.int(1, 2))}`);
    const branches: Emitted[] = [this.block(s, depth + 1, this.rng.int(1, 2))];
    for (
      let n = this.rng.weighted([
        [4, 0],
        [2, 1],
        [1, 2],
      ] as const);
      n > 0;
      n--
    ) {
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
    return {
      code,
      scope: withVars(
        s,
        added.map((v) => ({ name: v.name, ty: MAYBE })),
      ),
    };
  }

  /** An if's condition: Jinja parses it without inline ifs, which need parentheses there. */
  protected condition(s: Scope, d: number): string {
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
      if (a !== b)
        return {
          code,
          targets: [
            { name: a, ty: elem.items[0] ?? ANY },
            { name: b, ty: elem.items[1] ?? ANY },
          ],
        };
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
    const body = this.block(
      { ...inner, loop: true, breakable: true },
      depth + 1,
      this.rng.weighted([
        [3, 1],
        [2, 2],
        [1, 3],
      ] as const),
    ).code;
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
    const sep = this.rng.chance(0.6)
      ? this.tag('if not loop.last') + ',' + this.tag('endif')
      : this.rng.chance(0.5)
        ? '{{ "," if not loop.last }}'
        : this.tag('if not loop.first') + ', ' + this.tag('endif');
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

  protected setStmt(s: Scope): Emitted {
    this.x.feature('stmt:set');
    // Re-set a variable of the same type now and then: inside a loop this tests that Jinja does not leak it.
    const again = this.rng.chance(s.loop ? 0.5 : 0.2)
      ? this.x.lookup(s, (t) => t.k !== 'maybe' && t.k !== 'ns' && !(isList(t) && t.lazy))
      : undefined;
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
    return {
      code: this.tag(`set ${na}, ${nb} = ${value}`),
      scope: withVars(s, [
        { name: na, ty: a.ty },
        { name: nb, ty: b.ty },
      ]),
    };
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
      const e =
        key === 'total' || key === 'count'
          ? this.x.intLit()
          : key === 'found'
            ? atom('false', BOOL)
            : key === 'names'
              ? atom('[]', listOf(STR))
              : this.x.strLit();
      fields.push({ key, ty: e.ty });
      args.push(`${key}=${e.code}`);
    }
    const scope = withVars(s, [{ name, ty: { k: 'ns', fields } }]);
    let code = this.tag(`set ${name} = namespace(${args.join(', ')})`);
    if (this.rng.chance(0.7)) {
      const it = this.iterable(scope);
      const body = { ...withVars(scope, it.targets), loop: true, breakable: true };
      const assign = this.rng.chance(0.4)
        ? this.tag(`if ${this.condition(body, 1)}`) + this.nsAssign(body) + this.tag('endif')
        : this.nsAssign(body);
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
    const value =
      isNum(field.ty) && this.rng.chance(0.6)
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
    const loop =
      this.tag(`for ${it.targets.map((t) => t.name).join(', ')} in ${it.code}`) +
      this.tag(`do ${name}.append(${item.code})`) +
      this.block(body, depth + 1, this.rng.int(0, 1)).code +
      this.tag('endfor');
    const shown = this.output(this.rng.chance(0.5) ? atom(name, ANY) : this.x.filter(atom(name, ANY), 'join', [`', '`], STR));
    return { code: this.tag(`set ${name} = []`) + loop + shown, scope: withVars(s, [{ name, ty: listOf(elem), owned: true }]) };
  }

  /** do: a list append or a dict update, or any expression for its effect. */
  private doStmt(s: Scope): Emitted {
    this.x.feature('stmt:do');
    const growable = (v: Var) => (v.owned === true ? !(s.frozen ?? []).includes(v.name) : !s.loop && !s.nested);
    const lists = s.vars.filter((v) => isList(v.ty) && !v.ty.lazy && !v.ty.tuple && growable(v));
    const dicts = s.vars.filter((v) => v.ty.k === 'dict' && growable(v));
    const choice = this.rng.weighted([
      [lists.length > 0 ? 3 : 0, 'append'],
      [dicts.length > 0 ? 2 : 0, 'update'],
      [1, 'expr'],
    ] as const);
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
      return {
        code: this.tag(`do ${dict.name}.update({${strLiteral(this.rng, key)}: ${value.code}})`),
        scope: withVars(s, [{ ...dict, ty: grown }]),
      };
    }
    return { code: this.tag(`do ${this.x.valueE(s, 1).code}`), scope: s };
  }

  /* ---------------------------------------------------------------- macros (generator-macros.ts) */

  protected abstract callBlock(s: Scope, depth: number): string;
  protected abstract inlineMacro(s: Scope): Emitted;
}

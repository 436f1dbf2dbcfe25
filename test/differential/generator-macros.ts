import { LOOP_NAMES, StatementGen, type Emitted } from './generator-statements.js';
import {
  ANY,
  atom,
  BOOL,
  COLUMN_LIST,
  INT,
  listOf,
  NUM,
  STR,
  withVars,
  type Expr,
  type MacroSig,
  type Scope,
  type Ty,
  type Var,
} from './generator-types.js';

const MACRO_NAMES = [
  'fmt',
  'cents',
  'quote_it',
  '_helper',
  'get_cols',
  'wrap',
  'col_list',
  'my_macro',
  '_private_one',
  'render_x',
  'pick',
  'build',
];
const PARAM_NAMES = ['a', 'b', 'x', 'col', 'name_', 'n2', 'sep2', 'things', 'prefix2', 'flag2', 'cfg2'];

/** The scope of a macro or call body: what it did not make itself, it must not grow. */
const nestedScope = (s: Scope): Scope => ({ ...s, nested: true, vars: s.vars.map(({ owned: _owned, ...v }) => v) });

/** Random statements, whole templates and macro files: the statements with macro definitions and calls. */
export class TemplateGen extends StatementGen {
  protected override callBlock(s: Scope, depth: number): string {
    const m = this.rng.pick(s.macros.filter((c) => c.caller));
    this.x.feature('stmt:call');
    const params = (m.caller ?? []).map((ty) => ({ name: this.x.freshName(LOOP_NAMES), ty }));
    const head = params.length > 0 ? `call(${params.map((p) => p.name).join(', ')}) ` : 'call ';
    const body = this.block({ ...nestedScope(withVars(s, params)), loop: false, breakable: false }, depth + 1, this.rng.int(1, 2)).code;
    return this.tag(`${head}${m.name}(${this.x.callArgs(s, 1, m).join(', ')})`) + body + this.tag('endcall');
  }

  /** A macro defined in the template itself (no return(): that is dbt's, for macro files). */
  protected override inlineMacro(s: Scope): Emitted {
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
    for (
      let n = this.rng.weighted([
        [4, 1],
        [2, 2],
        [1, 3],
      ] as const);
      n > 0;
      n--
    ) {
      const kind = this.rng.weighted([
        [3, 'text'],
        [4, 'return'],
        [1.5, 'caller'],
      ] as const);
      const sig = this.signature(s, kind);
      text += this.macroDef({ ...s, macros: [...sigs] }, sig, kind) + this.rng.pick(['\n', '\n\n', '']);
      sigs.push(sig);
    }
    return { text, sigs };
  }

  private signature(s: Scope, kind: 'text' | 'return' | 'caller'): MacroSig {
    const params: { name: string; ty: Ty; def?: string }[] = [];
    const count = this.rng.weighted([
      [1, 0],
      [3, 1],
      [3, 2],
      [1, 3],
    ] as const);
    for (let i = 0; i < count; i++) {
      const ty = this.rng.pick([INT, STR, STR, NUM, BOOL, listOf(STR), listOf(INT), COLUMN_LIST]);
      const withDefault = params.some((p) => p.def !== undefined) || this.rng.chance(0.35);
      const def = withDefault ? this.x.exprOf({ ...s, vars: [] }, 0, ty).code : undefined;
      params.push({ name: this.x.freshName(PARAM_NAMES), ty, ...(def !== undefined ? { def } : {}) });
    }
    const returns =
      kind === 'return'
        ? this.rng.pick([INT, STR, NUM, BOOL, listOf(STR), listOf(INT), { k: 'dict', fields: [{ key: 'a', ty: INT }] } as Ty])
        : STR;
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
    let body = sig.varargs
      ? this.output(this.rng.pick([atom('varargs', ANY), atom('varargs|length', INT), atom('varargs|join("/")', STR)]))
      : '';
    if (sig.kwargs)
      body += this.output(this.rng.pick([atom('kwargs', ANY), atom(`kwargs.get('extra', 'none')`, ANY), atom('kwargs|length', INT)]));
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
    const used = this.rng.weighted<() => Expr>([
      [3, call],
      [1, () => this.x.filter(call(), 'upper', undefined, STR)],
      [1, () => this.x.filter(call(), 'trim', undefined, STR)],
    ] as const)();
    const twice = this.rng.chance(0.2) ? this.text() + this.output(call()) : '';
    return this.output(used) + twice;
  }
}

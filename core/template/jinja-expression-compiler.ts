import { CompilerClass, type AstNode, type CompileFrame, type CompilerBase } from './nunjucks-internals.js';

/**
 * nunjucks' code generator for Jinja's expressions with Python semantics: every operator, truth
 * test, lookup, call, filter and test goes through the `py` runtime (jinja-runtime.ts) instead of
 * being JavaScript's own. Statements: jinja-compiler.ts.
 */

const Base = CompilerClass as unknown as new (name: string, throwOnUndefined: boolean) => CompilerBase;

/** Operators the `py` runtime implements, by AST node: `a + b` is `py.add(a, b)`. */
const OPERATORS: Record<string, ['binary' | 'unary' | 'shortCircuit', string]> = {
  Add: ['binary', 'add'], Sub: ['binary', 'sub'], Mul: ['binary', 'mul'], Div: ['binary', 'div'], FloorDiv: ['binary', 'floordiv'],
  Mod: ['binary', 'mod'], Pow: ['binary', 'pow'], Concat: ['binary', 'concat'], Neg: ['unary', 'neg'], Pos: ['unary', 'pos'],
  Not: ['unary', 'not'], Or: ['shortCircuit', 'or'], And: ['shortCircuit', 'and'],
};

export class JinjaExpressionCompiler extends Base {
  override compile(node: AstNode, frame: CompileFrame): void {
    const operator = OPERATORS[node.typename];
    if (operator) this[operator[0]](operator[1], node, frame);
    else super.compile(node, frame);
  }

  protected at(node: AstNode): void {
    this._emit(`lineno = ${node.lineno}, colno = ${node.colno}, `);
  }

  /** Emits each item by `emit`, separated by commas. */
  private emitJoined<T>(items: readonly T[], emit: (item: T) => void): void {
    items.forEach((item, i) => {
      if (i) this._emit(', ');
      emit(item);
    });
  }

  /** A call's arguments as `[positional…], {keyword…}` (or `undefined` for no keywords), `*`/`**` spread in. */
  protected compileArgs(node: AstNode, frame: CompileFrame, args: AstNode[]): void {
    const spread = (fn: string, value: AstNode) => () => {
      this._emit(`...py.${fn}(`);
      this.compile(value, frame);
      this._emit(')');
    };
    const positional: (() => void)[] = args.map((arg) => () => this.compile(arg, frame));
    if (node.dynArgs) positional.push(spread('starArgs', node.dynArgs as AstNode));
    this._emit('[');
    this.emitJoined(positional, (emit) => emit());
    this._emit('], ');
    const keywords: (() => void)[] = ((node.kwargs as AstNode[] | undefined) ?? []).map((pair) => () => {
      this._emit(`${JSON.stringify((pair.key as AstNode).value)}: `);
      this.compile(pair.value as AstNode, frame);
    });
    if (node.dynKwargs) keywords.push(spread('starKwargs', node.dynKwargs as AstNode));
    if (!keywords.length) {
      this._emit('undefined');
      return;
    }
    this._emit('{');
    this.emitJoined(keywords, (emit) => emit());
    this._emit('}');
  }

  // ---- values

  override compileLiteral(node: AstNode): void {
    if (node.isFloat && Number.isInteger(node.value)) this._emit(`py.toFloat(${String(node.value)})`);
    else if (typeof node.value === 'string' || node.value === null || typeof node.value === 'boolean') this._emit(JSON.stringify(node.value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'));
    else if (typeof node.value === 'number') this._emit(Number.isFinite(node.value) ? `(${String(node.value)})` : String(node.value));
    else this._emit(String(node.value));
  }

  compileTemplateData(node: AstNode): void {
    this.compileLiteral(node);
  }

  compileSymbol(node: AstNode, frame: CompileFrame): void {
    const id = frame.lookup(node.value as string);
    this._emit(id ?? `py.lookup(context, frame, ${JSON.stringify(node.value)})`);
  }

  compileGroup(node: AstNode, frame: CompileFrame): void {
    this._emit('(');
    this.compile(node.children[0] as AstNode, frame);
    this._emit(')');
  }

  compileTuple(node: AstNode, frame: CompileFrame): void {
    this._emit('py.tuple(');
    this.compileArray(node, frame);
    this._emit(')');
  }

  compileArray(node: AstNode, frame: CompileFrame): void {
    this._emit('[');
    this.emitJoined(node.children, (child) => this.compile(child, frame));
    this._emit(']');
  }

  compileDict(node: AstNode, frame: CompileFrame): void {
    this._emit('py.dict([');
    this.emitJoined(node.children, (pair) => {
      this._emit('[');
      this.compile(pair.key as AstNode, frame);
      this._emit(', ');
      this.compile(pair.value as AstNode, frame);
      this._emit(']');
    });
    this._emit('])');
  }

  compileLookupVal(node: AstNode, frame: CompileFrame): void {
    const key = node.val as AstNode;
    this._emit('(');
    this.at(node);
    if (key.typename === 'Slice') {
      this._emit('py.slice(');
      this.compile(node.target as AstNode, frame);
      for (const part of ['start', 'stop', 'step']) {
        this._emit(', ');
        if (key[part]) this.compile(key[part] as AstNode, frame);
        else this._emit('null');
      }
    } else if (node.isAttribute) {
      this._emit('py.attr(');
      this.compile(node.target as AstNode, frame);
      this._emit(`, ${JSON.stringify(key.value)}`);
    } else {
      this._emit('py.item(');
      this.compile(node.target as AstNode, frame);
      this._emit(', ');
      this.compile(key, frame);
    }
    this._emit('))');
  }

  compileFunCall(node: AstNode, frame: CompileFrame): void {
    this._emit('(');
    this.at(node);
    this._emit('py.call(');
    this.compile(node.name as AstNode, frame);
    this._emit(', context, ');
    this.compileArgs(node, frame, (node.args as AstNode).children);
    this._emit('))');
  }

  compileFilter(node: AstNode, frame: CompileFrame): void {
    this._emit('(');
    this.at(node);
    this._emit(`py.filter(env, context, ${JSON.stringify((node.name as AstNode).value)}, `);
    this.compileArgs(node, frame, (node.args as AstNode).children);
    this._emit('))');
  }

  compileTest(node: AstNode, frame: CompileFrame): void {
    this._emit('(');
    this.at(node);
    this._emit(`py.test(env, ${JSON.stringify(node.name)}, `);
    this.compileArgs(node, frame, [node.target as AstNode, ...(node.args as AstNode).children]);
    this._emit('))');
  }

  // ---- operators

  compileCompare(node: AstNode, frame: CompileFrame): void {
    const ops = node.ops as AstNode[];
    if (ops.length === 1) {
      const op = ops[0] as AstNode;
      this._emit(`(`);
      this.at(node);
      this._emit(`py.compare(${JSON.stringify(op.type)}, `);
      this.compile(node.expr as AstNode, frame);
      this._emit(', ');
      this.compile(op.expr as AstNode, frame);
      this._emit('))');
      return;
    }
    // A chain (`a < b < c`): each operand evaluated once, stopping at the first false comparison.
    this._emit('(function () { var l = ');
    this.compile(node.expr as AstNode, frame);
    this._emit(', r; ');
    for (const op of ops) {
      this._emit('r = ');
      this.compile(op.expr as AstNode, frame);
      this._emit(`; if (!py.compare(${JSON.stringify(op.type)}, l, r)) return false; l = r; `);
    }
    this._emit('return true; })()');
  }

  private binary(fn: string, node: AstNode, frame: CompileFrame): void {
    this._emit('(');
    this.at(node);
    this._emit(`py.${fn}(`);
    this.compile(node.left as AstNode, frame);
    this._emit(', ');
    this.compile(node.right as AstNode, frame);
    this._emit('))');
  }

  private unary(fn: string, node: AstNode, frame: CompileFrame): void {
    this._emit(`py.${fn}(`);
    this.compile(node.target as AstNode, frame);
    this._emit(')');
  }

  private shortCircuit(fn: string, node: AstNode, frame: CompileFrame): void {
    this._emit(`py.${fn}(`);
    this.compile(node.left as AstNode, frame);
    this._emit(', () => (');
    this.compile(node.right as AstNode, frame);
    this._emit('))');
  }

  compileInlineIf(node: AstNode, frame: CompileFrame): void {
    this._emit('(py.truthy(');
    this.compile(node.cond as AstNode, frame);
    this._emit(') ? ');
    this.compile(node.body as AstNode, frame);
    this._emit(' : ');
    if (node.else_) this.compile(node.else_ as AstNode, frame);
    else this._emit(`py.noElse(${node.lineno + 1})`);
    this._emit(')');
  }

}

import { NunjucksCompiler, type AstNode, type CompileFrame } from './nunjucks-internals.js';

/**
 * nunjucks' code generator for Jinja's expressions with Python semantics: every operator, truth
 * test, lookup, call, filter and test goes through the `py` runtime (jinja-runtime.ts) instead of
 * being JavaScript's own. Statements: jinja-compiler.ts.
 */

/** Operators the `py` runtime implements, by AST node: `a + b` is `py.add(a, b)`. */
const OPERATORS: Record<string, ['binary' | 'unary' | 'shortCircuit', string]> = {
  Add: ['binary', 'add'],
  Sub: ['binary', 'sub'],
  Mul: ['binary', 'mul'],
  Div: ['binary', 'div'],
  FloorDiv: ['binary', 'floordiv'],
  Mod: ['binary', 'mod'],
  Pow: ['binary', 'pow'],
  Concat: ['binary', 'concat'],
  Neg: ['unary', 'neg'],
  Pos: ['unary', 'pos'],
  Not: ['unary', 'not'],
  Or: ['shortCircuit', 'or'],
  And: ['shortCircuit', 'and'],
};

export class JinjaExpressionCompiler extends NunjucksCompiler {
  override compile(node: AstNode, frame: CompileFrame): void {
    const operator = OPERATORS[node.typename];
    if (operator) this[operator[0]](operator[1], node, frame);
    else super.compile(node, frame);
  }

  protected at(node: AstNode): void {
    this.emit(`lineno = ${node.lineno}, colno = ${node.colno}, `);
  }

  /** Emits each item by `emit`, separated by commas. */
  private emitJoined<T>(items: readonly T[], emit: (item: T) => void): void {
    items.forEach((item, i) => {
      if (i) this.emit(', ');
      emit(item);
    });
  }

  /** A call's arguments as `[positional…], {keyword…}` (or `undefined` for no keywords), `*`/`**` spread in. */
  protected compileArgs(node: AstNode, frame: CompileFrame, args: AstNode[]): void {
    const spread = (fn: string, value: AstNode) => () => {
      this.emit(`...py.${fn}(`);
      this.compile(value, frame);
      this.emit(')');
    };
    const positional: (() => void)[] = args.map((arg) => () => this.compile(arg, frame));
    if (node.dynArgs) positional.push(spread('starArgs', node.dynArgs as AstNode));
    this.emit('[');
    this.emitJoined(positional, (emit) => emit());
    this.emit('], ');
    const keywords: (() => void)[] = ((node.kwargs as AstNode[] | undefined) ?? []).map((pair) => () => {
      this.emit(`${JSON.stringify((pair.key as AstNode).value)}: `);
      this.compile(pair.value as AstNode, frame);
    });
    if (node.dynKwargs) keywords.push(spread('starKwargs', node.dynKwargs as AstNode));
    if (!keywords.length) {
      this.emit('undefined');
      return;
    }
    this.emit('{');
    this.emitJoined(keywords, (emit) => emit());
    this.emit('}');
  }

  // ---- values

  override compileLiteral(node: AstNode): void {
    if (node.isFloat && Number.isInteger(node.value)) this.emit(`py.toFloat(${String(node.value)})`);
    else if (typeof node.value === 'string' || node.value === null || typeof node.value === 'boolean')
      this.emit(
        JSON.stringify(node.value)
          .replace(/\u2028/g, '\\u2028')
          .replace(/\u2029/g, '\\u2029'),
      );
    else if (typeof node.value === 'number') this.emit(Number.isFinite(node.value) ? `(${String(node.value)})` : String(node.value));
    else this.emit(String(node.value));
  }

  compileTemplateData(node: AstNode): void {
    this.compileLiteral(node);
  }

  compileSymbol(node: AstNode, frame: CompileFrame): void {
    const id = frame.lookup(node.value as string);
    this.emit(id ?? `py.lookup(context, frame, ${JSON.stringify(node.value)})`);
  }

  compileGroup(node: AstNode, frame: CompileFrame): void {
    this.emit('(');
    this.compile(node.children[0] as AstNode, frame);
    this.emit(')');
  }

  compileTuple(node: AstNode, frame: CompileFrame): void {
    this.emit('py.tuple(');
    this.compileArray(node, frame);
    this.emit(')');
  }

  compileArray(node: AstNode, frame: CompileFrame): void {
    this.emit('[');
    this.emitJoined(node.children, (child) => this.compile(child, frame));
    this.emit(']');
  }

  compileDict(node: AstNode, frame: CompileFrame): void {
    this.emit('py.dict([');
    this.emitJoined(node.children, (pair) => {
      this.emit('[');
      this.compile(pair.key as AstNode, frame);
      this.emit(', ');
      this.compile(pair.value as AstNode, frame);
      this.emit(']');
    });
    this.emit('])');
  }

  compileLookupVal(node: AstNode, frame: CompileFrame): void {
    const key = node.val as AstNode;
    this.emit('(');
    this.at(node);
    if (key.typename === 'Slice') {
      this.emit('py.slice(');
      this.compile(node.target as AstNode, frame);
      for (const part of ['start', 'stop', 'step']) {
        this.emit(', ');
        if (key[part]) this.compile(key[part] as AstNode, frame);
        else this.emit('null');
      }
    } else if (node.isAttribute) {
      this.emit('py.attr(');
      this.compile(node.target as AstNode, frame);
      this.emit(`, ${JSON.stringify(key.value)}`);
    } else {
      this.emit('py.item(');
      this.compile(node.target as AstNode, frame);
      this.emit(', ');
      this.compile(key, frame);
    }
    this.emit('))');
  }

  compileFunCall(node: AstNode, frame: CompileFrame): void {
    this.emit('(');
    this.at(node);
    this.emit('py.call(');
    this.compile(node.name as AstNode, frame);
    this.emit(', context, ');
    this.compileArgs(node, frame, (node.args as AstNode).children);
    this.emit('))');
  }

  compileFilter(node: AstNode, frame: CompileFrame): void {
    this.emit('(');
    this.at(node);
    this.emit(`py.filter(env, context, ${JSON.stringify((node.name as AstNode).value)}, `);
    this.compileArgs(node, frame, (node.args as AstNode).children);
    this.emit('))');
  }

  compileTest(node: AstNode, frame: CompileFrame): void {
    this.emit('(');
    this.at(node);
    this.emit(`py.test(env, ${JSON.stringify(node.name)}, `);
    this.compileArgs(node, frame, [node.target as AstNode, ...(node.args as AstNode).children]);
    this.emit('))');
  }

  // ---- operators

  compileCompare(node: AstNode, frame: CompileFrame): void {
    const ops = node.ops as AstNode[];
    if (ops.length === 1) {
      const op = ops[0] as AstNode;
      this.emit(`(`);
      this.at(node);
      this.emit(`py.compare(${JSON.stringify(op.type)}, `);
      this.compile(node.expr as AstNode, frame);
      this.emit(', ');
      this.compile(op.expr as AstNode, frame);
      this.emit('))');
      return;
    }
    // A chain (`a < b < c`): each operand evaluated once, stopping at the first false comparison.
    this.emit('(function () { var l = ');
    this.compile(node.expr as AstNode, frame);
    this.emit(', r; ');
    for (const op of ops) {
      this.emit('r = ');
      this.compile(op.expr as AstNode, frame);
      this.emit(`; if (!py.compare(${JSON.stringify(op.type)}, l, r)) return false; l = r; `);
    }
    this.emit('return true; })()');
  }

  private binary(fn: string, node: AstNode, frame: CompileFrame): void {
    this.emit('(');
    this.at(node);
    this.emit(`py.${fn}(`);
    this.compile(node.left as AstNode, frame);
    this.emit(', ');
    this.compile(node.right as AstNode, frame);
    this.emit('))');
  }

  private unary(fn: string, node: AstNode, frame: CompileFrame): void {
    this.emit(`py.${fn}(`);
    this.compile(node.target as AstNode, frame);
    this.emit(')');
  }

  private shortCircuit(fn: string, node: AstNode, frame: CompileFrame): void {
    this.emit(`py.${fn}(`);
    this.compile(node.left as AstNode, frame);
    this.emit(', () => (');
    this.compile(node.right as AstNode, frame);
    this.emit('))');
  }

  compileInlineIf(node: AstNode, frame: CompileFrame): void {
    this.emit('(py.truthy(');
    this.compile(node.cond as AstNode, frame);
    this.emit(') ? ');
    this.compile(node.body as AstNode, frame);
    this.emit(' : ');
    if (node.else_) this.compile(node.else_ as AstNode, frame);
    else this.emit(`py.noElse(${node.lineno + 1})`);
    this.emit(')');
  }
}

import { CompilerClass, FrameClass, nodes, type AstNode, type CompileFrame, type CompilerBase } from './nunjucks-internals.js';

/**
 * nunjucks' code generator with Python semantics: every operator, truth test, lookup, call,
 * filter and print goes through the `py` runtime (py-runtime.ts and friends) instead of being
 * JavaScript's own. Loops follow Jinja's scoping (a `set` in a loop stays in the loop), have
 * Jinja's `loop` object, filters, `else`, `break`/`continue` and recursion; macros bind arguments
 * as Python does, with `varargs`, `kwargs` and `caller`.
 */

const Base = CompilerClass as unknown as new (name: string, throwOnUndefined: boolean) => CompilerBase;

/** Every node below `node`, in all its fields (nunjucks' findAll misses the dialect's extra ones). */
function walk(node: unknown, visit: (n: AstNode) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  if (!(node instanceof (nodes.Node as unknown as new () => object))) return;
  visit(node as AstNode);
  for (const value of Object.values(node)) if (typeof value === 'object' && value !== null) walk(value, visit);
}

const usesName = (body: AstNode, name: string) => {
  let found = false;
  walk(body, (n) => {
    if (n.typename === 'Symbol' && n.value === name) found = true;
  });
  return found;
};

export class JinjaCompiler extends Base {
  /** How many loops enclose the code being compiled (break/continue need one). */
  private loops = 0;
  /** How many scopes (macros, loops, with blocks) enclose the code being compiled. */
  private scopes = 0;

  private at(node: AstNode): void {
    this._emit(`lineno = ${node.lineno}, colno = ${node.colno}, `);
  }

  private compileArgs(node: AstNode, frame: CompileFrame, args: AstNode[]): void {
    this._emit('[');
    args.forEach((arg, i) => {
      if (i) this._emit(', ');
      this.compile(arg, frame);
    });
    if (node.dynArgs) {
      if (args.length) this._emit(', ');
      this._emit('...py.starArgs(');
      this.compile(node.dynArgs as AstNode, frame);
      this._emit(')');
    }
    this._emit('], ');
    const kwargs = (node.kwargs as AstNode[] | undefined) ?? [];
    if (!kwargs.length && !node.dynKwargs) {
      this._emit('undefined');
      return;
    }
    this._emit('{');
    kwargs.forEach((pair, i) => {
      if (i) this._emit(', ');
      this._emit(`${JSON.stringify((pair.key as AstNode).value)}: `);
      this.compile(pair.value as AstNode, frame);
    });
    if (node.dynKwargs) {
      if (kwargs.length) this._emit(', ');
      this._emit('...py.starKwargs(');
      this.compile(node.dynKwargs as AstNode, frame);
      this._emit(')');
    }
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
    node.children.forEach((child, i) => {
      if (i) this._emit(', ');
      this.compile(child, frame);
    });
    this._emit(']');
  }

  compileDict(node: AstNode, frame: CompileFrame): void {
    this._emit('py.dict([');
    node.children.forEach((pair, i) => {
      if (i) this._emit(', ');
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

  compileAdd(node: AstNode, frame: CompileFrame): void { this.binary('add', node, frame); }
  compileSub(node: AstNode, frame: CompileFrame): void { this.binary('sub', node, frame); }
  compileMul(node: AstNode, frame: CompileFrame): void { this.binary('mul', node, frame); }
  compileDiv(node: AstNode, frame: CompileFrame): void { this.binary('div', node, frame); }
  compileFloorDiv(node: AstNode, frame: CompileFrame): void { this.binary('floordiv', node, frame); }
  compileMod(node: AstNode, frame: CompileFrame): void { this.binary('mod', node, frame); }
  compilePow(node: AstNode, frame: CompileFrame): void { this.binary('pow', node, frame); }
  compileConcat(node: AstNode, frame: CompileFrame): void { this.binary('concat', node, frame); }

  private unary(fn: string, node: AstNode, frame: CompileFrame): void {
    this._emit(`py.${fn}(`);
    this.compile(node.target as AstNode, frame);
    this._emit(')');
  }

  compileNeg(node: AstNode, frame: CompileFrame): void { this.unary('neg', node, frame); }
  compilePos(node: AstNode, frame: CompileFrame): void { this.unary('pos', node, frame); }
  compileNot(node: AstNode, frame: CompileFrame): void { this.unary('not', node, frame); }

  private shortCircuit(fn: string, node: AstNode, frame: CompileFrame): void {
    this._emit(`py.${fn}(`);
    this.compile(node.left as AstNode, frame);
    this._emit(', () => (');
    this.compile(node.right as AstNode, frame);
    this._emit('))');
  }

  compileOr(node: AstNode, frame: CompileFrame): void { this.shortCircuit('or', node, frame); }
  compileAnd(node: AstNode, frame: CompileFrame): void { this.shortCircuit('and', node, frame); }

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

  // ---- statements

  compileOutput(node: AstNode, frame: CompileFrame): void {
    for (const child of node.children) {
      if (child.typename === 'TemplateData') {
        if (child.value) {
          this._emit(`${this.buffer} += `);
          this.compileLiteral(child);
          this._emitLine(';');
        }
        continue;
      }
      this._emit(`${this.buffer} += py.str(`);
      this.compile(child, frame);
      this._emitLine(');');
    }
  }

  compileIf(node: AstNode, frame: CompileFrame): void {
    this._emit(`lineno = ${node.lineno}; colno = ${node.colno}; if (py.truthy(`);
    this.compile(node.cond as AstNode, frame);
    this._emitLine(')) {');
    this.compile(node.body as AstNode, frame);
    if (node.else_) {
      this._emitLine('} else {');
      this.compile(node.else_ as AstNode, frame);
    }
    this._emitLine('}');
  }

  /** A block set's or filter block's body: its own scope (a `set` inside stays inside), as in Jinja. */
  compileCapture(node: AstNode, frame: CompileFrame): void {
    const buffer = this.buffer;
    const inner = frame.push(true);
    const saved = this.loops;
    this.buffer = 'output';
    this.loops = 0;
    this._emitLine('(function () {');
    this._emitLine('var output = "";');
    this._emitLine('frame = frame.push(true);');
    this._emitLine('try {');
    this.scopes++;
    this.compile(node.body as AstNode, inner);
    this.scopes--;
    this._emitLine('} finally { frame = frame.pop(); }');
    this._emitLine('return output;');
    this._emit('})()');
    this.loops = saved;
    this.buffer = buffer;
  }

  compileDo(node: AstNode, frame: CompileFrame): void {
    this.compile(node.expr as AstNode, frame);
    this._emitLine(';');
  }

  compileBreak(node: AstNode): void {
    if (!this.loops) this.fail("'break' outside of a loop", node.lineno, node.colno);
    this._emitLine('break;');
  }

  compileContinue(node: AstNode): void {
    if (!this.loops) this.fail("'continue' outside of a loop", node.lineno, node.colno);
    this._emitLine('continue;');
  }

  /** Binds `target` (a name or tuple of names) to the value in JavaScript variable `valueId`. */
  private bindTarget(target: AstNode, valueId: string, frame: CompileFrame, declare: boolean): void {
    if (target.typename === 'Tuple') {
      const parts = this._tmpid();
      this._emitLine(`var ${parts} = py.unpack(${valueId}, ${target.children.length});`);
      target.children.forEach((child, i) => {
        const id = this._tmpid();
        this._emitLine(`var ${id} = ${parts}[${i}];`);
        this.bindTarget(child, id, frame, declare);
      });
      return;
    }
    const name = target.value as string;
    frame.set(name, valueId);
    this._emitLine(`frame.set(${JSON.stringify(name)}, ${valueId}${declare ? ', true' : ''});`);
  }

  /** Binds names to parts of a value as JavaScript variables only (no runtime frame). */
  private bindLocals(target: AstNode, valueId: string, frame: CompileFrame): void {
    if (target.typename !== 'Tuple') {
      frame.set(target.value as string, valueId);
      return;
    }
    const parts = this._tmpid();
    this._emitLine(`var ${parts} = py.unpack(${valueId}, ${target.children.length});`);
    target.children.forEach((child, i) => {
      const id = this._tmpid();
      this._emitLine(`var ${id} = ${parts}[${i}];`);
      this.bindLocals(child, id, frame);
    });
  }

  compileFor(node: AstNode, frame: CompileFrame): void {
    const fn = this._tmpid();
    const items = this._tmpid();
    const loop = this._tmpid();
    const done = this._tmpid();
    const outer = this.buffer;
    const loopFrame = frame.push(true);
    // The loop is a function (so that `loop(children)` can recurse); `${done}` tells the code
    // after it whether one pass through the body got to its end, which decides `else`.
    this._emitLine(`var ${done} = false;`);
    this._emitLine(`var ${fn} = function (${items}, depth0) {`);
    const buffer = this._pushBuffer();
    const completed = this._tmpid();
    const base = this._tmpid();
    this._emitLine(`var ${completed} = false;`);
    this._emitLine(`var ${base} = frame = frame.push(true);`);
    this._emitLine('try {');
    this._emitLine(`lineno = ${node.lineno}; colno = ${node.colno};`);
    let keep = 'null';
    if (node.cond) {
      // The filter binds the loop names in its own scope, as Jinja's generator expression does.
      keep = this._tmpid();
      const candidate = this._tmpid();
      const filterFrame = loopFrame.push();
      this._emitLine(`var ${keep} = function (${candidate}) {`);
      this.bindLocals(node.name as AstNode, candidate, filterFrame);
      this._emit('return py.truthy(');
      this.compile(node.cond as AstNode, filterFrame);
      this._emitLine(');');
      this._emitLine('};');
    }
    this._emitLine(`var ${loop} = new py.LoopContext(py.iter(${items}), ${keep}, depth0${node.recursive ? `, ${fn}` : ''});`);
    this._emitLine(`frame.set("loop", ${loop});`);
    loopFrame.set('loop', loop);
    this._emitLine(`while (${loop}.advance()) {`);
    const item = this._tmpid();
    this._emitLine(`var ${item} = ${loop}.current;`);
    // Each pass starts from the loop's scope: what a pass `set` is gone in the next, as in Jinja.
    this._emitLine(`frame = ${base}.push(true);`);
    this.bindTarget(node.name as AstNode, item, loopFrame, false);
    const saved = this.loops;
    this.loops = 1;
    this.scopes++;
    this.compile(node.body as AstNode, loopFrame);
    this.scopes--;
    this.loops = saved;
    this._emitLine(`${completed} = true;`);
    this._emitLine('}');
    this._emitLine(`} finally { frame = ${base}.pop(); ${done} = ${completed}; }`);
    this._emitLine(`return ${buffer};`);
    this._popBuffer();
    this._emitLine('};');
    this._emit(`${outer} += ${fn}(`);
    this.compile(node.arr as AstNode, frame);
    this._emitLine(', 0);');
    if (node.else_) {
      // Outside the loop's scope (no `loop` there), in the enclosing loop if any: a `break` in it
      // leaves that one, as in Jinja. It is a scope of its own: a `set` in it stays in it.
      this._emitLine(`if (!${done}) {`);
      this._emitLine('frame = frame.push(true);');
      this._emitLine('try {');
      this.scopes++;
      this.compile(node.else_ as AstNode, frame.push(true));
      this.scopes--;
      this._emitLine('} finally { frame = frame.pop(); }');
      this._emitLine('}');
    }
  }

  compileWith(node: AstNode, frame: CompileFrame): void {
    const inner = frame.push(true);
    const values = (node.values as AstNode[]).map((value) => {
      const id = this._tmpid();
      this._emit(`var ${id} = `);
      this.compile(value, frame);
      this._emitLine(';');
      return id;
    });
    this._emitLine('frame = frame.push(true);');
    this._emitLine('try {');
    (node.targets as AstNode[]).forEach((target, i) => this.bindTarget(target, values[i] as string, inner, false));
    this.scopes++;
    this.compile(node.body as AstNode, inner);
    this.scopes--;
    this._emitLine('} finally { frame = frame.pop(); }');
  }

  compileSet(node: AstNode, frame: CompileFrame): void {
    const target = (node.targets as AstNode[])[0] as AstNode;
    const value = this._tmpid();
    this._emit(`var ${value} = `);
    this.compile((node.value ?? node.body) as AstNode, frame);
    this._emitLine(';');
    if (target.typename === 'LookupVal') {
      this._emit('py.setAttribute(');
      this.compile(target.target as AstNode, frame);
      this._emitLine(`, ${JSON.stringify((target.val as AstNode).value)}, ${value});`);
      return;
    }
    this.assign(target, value, frame);
  }

  private assign(target: AstNode, valueId: string, frame: CompileFrame): void {
    if (target.typename === 'Tuple') {
      const parts = this._tmpid();
      this._emitLine(`var ${parts} = py.unpack(${valueId}, ${target.children.length});`);
      target.children.forEach((child, i) => {
        const id = this._tmpid();
        this._emitLine(`var ${id} = ${parts}[${i}];`);
        this.assign(child, id, frame);
      });
      return;
    }
    const name = target.value as string;
    // From here on the name is read from the runtime frame, not a JavaScript variable: a `set`
    // in a branch not taken, or in an earlier loop pass, must leave what Jinja would see.
    frame.set(name, null as unknown as string);
    this._emitLine(`frame.set(${JSON.stringify(name)}, ${valueId}, true);`);
    this._emitLine(`if (frame.topLevel) { context.setVariable(${JSON.stringify(name)}, ${valueId}); context.addExport(${JSON.stringify(name)}, ${valueId}); }`);
  }

  // ---- macros

  /** A macro or caller as a JavaScript function expression (py.macro(...)); returns nothing. */
  private compileMacroFunction(node: AstNode, frame: CompileFrame | undefined, name: string): void {
    const params: AstNode[] = [];
    let defaults: AstNode[] = [];
    for (const arg of (node.args as AstNode).children) {
      if (arg.typename === 'KeywordArgs') defaults = arg.children;
      else params.push(arg);
    }
    const all = [...params.map((p) => p.value as string), ...defaults.map((d) => (d.key as AstNode).value as string)];
    const body = node.body as AstNode;
    const [args, varargs, kwargs, caller] = [this._tmpid(), this._tmpid(), this._tmpid(), this._tmpid()];
    const inner = frame ? frame.push(true) : new FrameClass();
    this._emitLine(`py.macro(${JSON.stringify(name)}, ${JSON.stringify(all)}, ${usesName(body, 'varargs')}, ${usesName(body, 'kwargs')}, function (${args}, ${varargs}, ${kwargs}, ${caller}) {`);
    // Its own line and column, so an error inside names the macro's line, not the caller's.
    this._emitLine(`var callerFrame = frame, lineno = ${node.lineno}, colno = ${node.colno};`);
    this._emitLine(`frame = ${frame ? 'frame.push(true)' : 'new runtime.Frame()'};`);
    this._emitLine('try {');
    // Every parameter is a local name from the start: a default naming a later one sees it undefined.
    const ids = all.map((param) => {
      const id = this._tmpid();
      this._emitLine(`var ${id} = py.missingParameter(${JSON.stringify(param)});`);
      inner.set(param, id);
      return id;
    });
    all.forEach((param, i) => {
      const id = ids[i] as string;
      const fallback = i >= params.length ? (defaults[i - params.length] as AstNode).value as AstNode : undefined;
      this._emit(`${id} = ${args}[${i}] !== py.MISSING ? ${args}[${i}] : `);
      if (fallback) this.compile(fallback, inner);
      else this._emit(`py.missingParameter(${JSON.stringify(param)})`);
      this._emitLine(';');
      this._emitLine(`frame.set(${JSON.stringify(param)}, ${id});`);
    });
    this._emitLine(`frame.set("varargs", ${varargs}); frame.set("kwargs", ${kwargs});`);
    this._emitLine(`if (${caller} !== undefined) frame.set("caller", ${caller});`);
    const saved = this.loops;
    this.loops = 0;
    const buffer = this._pushBuffer();
    this.scopes++;
    this.compile(body, inner);
    this.scopes--;
    this._emitLine(`return ${buffer};`);
    this._popBuffer();
    this.loops = saved;
    this._emitLine(`} catch (e) { throw py.inMacro(e, ${JSON.stringify(name)}, ${JSON.stringify(this.templateName ?? '')}, lineno, colno); }`);
    this._emitLine('finally { frame = callerFrame; }');
    this._emit('})');
  }

  compileMacro(node: AstNode, frame: CompileFrame): void {
    const name = (node.name as AstNode).value as string;
    const id = `macro_${this._tmpid()}`;
    this._emit(`var ${id} = `);
    // A macro defined inside a macro, loop or with block sees that scope's names (a closure).
    this.compileMacroFunction(node, this.scopes > 0 ? frame : undefined, name);
    this._emitLine(';');
    frame.set(name, id);
    if (frame.parent) this._emitLine(`frame.set(${JSON.stringify(name)}, ${id});`);
    else {
      // Every macro is exported, `_private` ones too: dbt makes them all callable.
      this._emitLine(`context.addExport(${JSON.stringify(name)});`);
      this._emitLine(`context.setVariable(${JSON.stringify(name)}, ${id});`);
    }
  }

  compileCaller(node: AstNode, frame: CompileFrame): void {
    this.compileMacroFunction(node, frame, 'caller');
  }
}

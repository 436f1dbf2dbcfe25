import { FrameClass, nodes, type AstNode, type CompileFrame } from './nunjucks-internals.js';
import { JinjaExpressionCompiler } from './jinja-expression-compiler.js';

/**
 * nunjucks' code generator for Jinja's statements, with Jinja's semantics. Loops follow Jinja's
 * scoping (a `set` in a loop, a block set, a filter block or a for-else stays there), have Jinja's
 * `loop` object, filters, `else`, `break`/`continue` and recursion; macros bind arguments as Python
 * does, with `varargs`, `kwargs` and `caller`. Expressions: jinja-expression-compiler.ts.
 */

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

export class JinjaCompiler extends JinjaExpressionCompiler {
  /** How many loops enclose the code being compiled (break/continue need one). */
  private loops = 0;
  /** How many scopes (macros, loops, with blocks) enclose the code being compiled. */
  private scopes = 0;

  // ---- statements

  compileOutput(node: AstNode, frame: CompileFrame): void {
    for (const child of node.children) {
      if (child.typename === 'TemplateData') {
        if (child.value) {
          this.emit(`${this.buffer} += `);
          this.compileLiteral(child);
          this.emitLine(';');
        }
        continue;
      }
      this.emit(`${this.buffer} += py.str(`);
      this.compile(child, frame);
      this.emitLine(');');
    }
  }

  compileIf(node: AstNode, frame: CompileFrame): void {
    this.emit(`lineno = ${node.lineno}; colno = ${node.colno}; if (py.truthy(`);
    this.compile(node.cond as AstNode, frame);
    this.emitLine(')) {');
    this.compile(node.body as AstNode, frame);
    if (node.else_) {
      this.emitLine('} else {');
      this.compile(node.else_ as AstNode, frame);
    }
    this.emitLine('}');
  }

  /** A block set's or filter block's body: its own scope (a `set` inside stays inside), as in Jinja. */
  compileCapture(node: AstNode, frame: CompileFrame): void {
    const buffer = this.buffer;
    const inner = frame.push(true);
    const saved = this.loops;
    this.buffer = 'output';
    this.loops = 0;
    this.emitLine('(function () {');
    this.emitLine('var output = "";');
    this.emitLine('frame = frame.push(true);');
    this.emitLine('try {');
    this.scopes++;
    this.compile(node.body as AstNode, inner);
    this.scopes--;
    this.emitLine('} finally { frame = frame.pop(); }');
    this.emitLine('return output;');
    this.emit('})()');
    this.loops = saved;
    this.buffer = buffer;
  }

  compileDo(node: AstNode, frame: CompileFrame): void {
    this.compile(node.expr as AstNode, frame);
    this.emitLine(';');
  }

  compileBreak(node: AstNode): void {
    if (!this.loops) this.fail("'break' outside of a loop", node.lineno, node.colno);
    this.emitLine('break;');
  }

  compileContinue(node: AstNode): void {
    if (!this.loops) this.fail("'continue' outside of a loop", node.lineno, node.colno);
    this.emitLine('continue;');
  }

  /** Unpacks the value in JavaScript variable `valueId` into `target` (a name or a tuple of names), binding each name. */
  private unpackTarget(target: AstNode, valueId: string, bind: (name: string, id: string) => void): void {
    if (target.typename !== 'Tuple') {
      bind(target.value as string, valueId);
      return;
    }
    const parts = this.tmpid();
    this.emitLine(`var ${parts} = py.unpack(${valueId}, ${target.children.length});`);
    target.children.forEach((child, i) => {
      const id = this.tmpid();
      this.emitLine(`var ${id} = ${parts}[${i}];`);
      this.unpackTarget(child, id, bind);
    });
  }

  /** A loop's or with's names: JavaScript variables, and the runtime frame (for macros called inside). */
  private bindTarget(target: AstNode, valueId: string, frame: CompileFrame): void {
    this.unpackTarget(target, valueId, (name, id) => {
      frame.set(name, id);
      this.emitLine(`frame.set(${JSON.stringify(name)}, ${id});`);
    });
  }

  compileFor(node: AstNode, frame: CompileFrame): void {
    const fn = this.tmpid();
    const items = this.tmpid();
    const loop = this.tmpid();
    const done = this.tmpid();
    const outer = this.buffer;
    const loopFrame = frame.push(true);
    // The loop is a function (so that `loop(children)` can recurse); `${done}` tells the code
    // after it whether one pass through the body got to its end, which decides `else`.
    this.emitLine(`var ${done} = false;`);
    this.emitLine(`var ${fn} = function (${items}, depth0) {`);
    const buffer = this.pushBuffer();
    const completed = this.tmpid();
    const base = this.tmpid();
    this.emitLine(`var ${completed} = false;`);
    this.emitLine(`var ${base} = frame = frame.push(true);`);
    this.emitLine('try {');
    this.emitLine(`lineno = ${node.lineno}; colno = ${node.colno};`);
    let keep = 'null';
    if (node.cond) {
      // The filter binds the loop names in its own scope, as Jinja's generator expression does.
      keep = this.tmpid();
      const candidate = this.tmpid();
      const filterFrame = loopFrame.push();
      this.emitLine(`var ${keep} = function (${candidate}) {`);
      this.unpackTarget(node.name as AstNode, candidate, (name, id) => filterFrame.set(name, id));
      this.emit('return py.truthy(');
      this.compile(node.cond as AstNode, filterFrame);
      this.emitLine(');');
      this.emitLine('};');
    }
    this.emitLine(`var ${loop} = new py.LoopContext(py.iter(${items}), ${keep}, depth0${node.recursive ? `, ${fn}` : ''});`);
    this.emitLine(`frame.set("loop", ${loop});`);
    loopFrame.set('loop', loop);
    this.emitLine(`while (${loop}.advance()) {`);
    const item = this.tmpid();
    this.emitLine(`var ${item} = ${loop}.current;`);
    // Each pass starts from the loop's scope: what a pass `set` is gone in the next, as in Jinja.
    this.emitLine(`frame = ${base}.push(true);`);
    this.bindTarget(node.name as AstNode, item, loopFrame);
    const saved = this.loops;
    this.loops = 1;
    this.scopes++;
    this.compile(node.body as AstNode, loopFrame);
    this.scopes--;
    this.loops = saved;
    this.emitLine(`${completed} = true;`);
    this.emitLine('}');
    this.emitLine(`} finally { frame = ${base}.pop(); ${done} = ${completed}; }`);
    this.emitLine(`return ${buffer};`);
    this.popBuffer();
    this.emitLine('};');
    this.emit(`${outer} += ${fn}(`);
    this.compile(node.arr as AstNode, frame);
    this.emitLine(', 0);');
    if (node.else_) {
      // Outside the loop's scope (no `loop` there), in the enclosing loop if any: a `break` in it
      // leaves that one, as in Jinja. It is a scope of its own: a `set` in it stays in it.
      this.emitLine(`if (!${done}) {`);
      this.emitLine('frame = frame.push(true);');
      this.emitLine('try {');
      this.scopes++;
      this.compile(node.else_ as AstNode, frame.push(true));
      this.scopes--;
      this.emitLine('} finally { frame = frame.pop(); }');
      this.emitLine('}');
    }
  }

  compileWith(node: AstNode, frame: CompileFrame): void {
    const inner = frame.push(true);
    const values = (node.values as AstNode[]).map((value) => {
      const id = this.tmpid();
      this.emit(`var ${id} = `);
      this.compile(value, frame);
      this.emitLine(';');
      return id;
    });
    this.emitLine('frame = frame.push(true);');
    this.emitLine('try {');
    (node.targets as AstNode[]).forEach((target, i) => this.bindTarget(target, values[i] as string, inner));
    this.scopes++;
    this.compile(node.body as AstNode, inner);
    this.scopes--;
    this.emitLine('} finally { frame = frame.pop(); }');
  }

  compileSet(node: AstNode, frame: CompileFrame): void {
    const target = (node.targets as AstNode[])[0] as AstNode;
    const value = this.tmpid();
    this.emit(`var ${value} = `);
    this.compile((node.value ?? node.body) as AstNode, frame);
    this.emitLine(';');
    if (target.typename === 'LookupVal') {
      this.emit('py.setAttribute(');
      this.compile(target.target as AstNode, frame);
      this.emitLine(`, ${JSON.stringify((target.val as AstNode).value)}, ${value});`);
      return;
    }
    this.assign(target, value, frame);
  }

  private assign(target: AstNode, valueId: string, frame: CompileFrame): void {
    this.unpackTarget(target, valueId, (name, id) => {
      // From here on the name is read from the runtime frame, not a JavaScript variable: a `set`
      // in a branch not taken, or in an earlier loop pass, must leave what Jinja would see.
      frame.set(name, null as unknown as string);
      this.emitLine(`frame.set(${JSON.stringify(name)}, ${id}, true);`);
      this.emitLine(
        `if (frame.topLevel) { context.setVariable(${JSON.stringify(name)}, ${id}); context.addExport(${JSON.stringify(name)}, ${id}); }`,
      );
    });
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
    const [args, varargs, kwargs, caller] = [this.tmpid(), this.tmpid(), this.tmpid(), this.tmpid()];
    const inner = frame ? frame.push(true) : new FrameClass();
    this.emitLine(
      `py.macro(${JSON.stringify(name)}, ${JSON.stringify(all)}, ${usesName(body, 'varargs')}, ${usesName(body, 'kwargs')}, function (${args}, ${varargs}, ${kwargs}, ${caller}) {`,
    );
    // Its own line and column, so an error inside names the macro's line, not the caller's.
    this.emitLine(`var callerFrame = frame, lineno = ${node.lineno}, colno = ${node.colno};`);
    this.emitLine(`frame = ${frame ? 'frame.push(true)' : 'new runtime.Frame()'};`);
    this.emitLine('try {');
    // Every parameter is a local name from the start: a default naming a later one sees it
    // undefined (made only when a default names one, since most macros are called very often).
    const defaultsUse = defaults.some((d) => all.some((param) => usesName(d.value as AstNode, param)));
    const ids = all.map((param) => {
      const id = this.tmpid();
      this.emitLine(defaultsUse ? `var ${id} = py.missingParameter(${JSON.stringify(param)});` : `var ${id};`);
      inner.set(param, id);
      return id;
    });
    all.forEach((param, i) => {
      const id = ids[i] as string;
      const fallback = i >= params.length ? ((defaults[i - params.length] as AstNode).value as AstNode) : undefined;
      this.emit(`${id} = ${args}[${i}] !== py.MISSING ? ${args}[${i}] : `);
      if (fallback) this.compile(fallback, inner);
      else this.emit(`py.missingParameter(${JSON.stringify(param)})`);
      this.emitLine(';');
      this.emitLine(`frame.set(${JSON.stringify(param)}, ${id});`);
    });
    this.emitLine(`frame.set("varargs", ${varargs}); frame.set("kwargs", ${kwargs});`);
    this.emitLine(`if (${caller} !== undefined) frame.set("caller", ${caller});`);
    const saved = this.loops;
    this.loops = 0;
    const buffer = this.pushBuffer();
    this.scopes++;
    this.compile(body, inner);
    this.scopes--;
    this.emitLine(`return ${buffer};`);
    this.popBuffer();
    this.loops = saved;
    this.emitLine(
      `} catch (e) { throw py.inMacro(e, ${JSON.stringify(name)}, ${JSON.stringify(this.templateName ?? '')}, lineno, colno); }`,
    );
    this.emitLine('finally { frame = callerFrame; }');
    this.emit('})');
  }

  compileMacro(node: AstNode, frame: CompileFrame): void {
    const name = (node.name as AstNode).value as string;
    const id = `macro_${this.tmpid()}`;
    this.emit(`var ${id} = `);
    // A macro defined inside a macro, loop or with block sees that scope's names (a closure).
    this.compileMacroFunction(node, this.scopes > 0 ? frame : undefined, name);
    this.emitLine(';');
    frame.set(name, id);
    if (frame.parent) this.emitLine(`frame.set(${JSON.stringify(name)}, ${id});`);
    else {
      // Every macro is exported, `_private` ones too: dbt makes them all callable.
      this.emitLine(`context.addExport(${JSON.stringify(name)});`);
      this.emitLine(`context.setVariable(${JSON.stringify(name)}, ${id});`);
    }
  }

  compileCaller(node: AstNode, frame: CompileFrame): void {
    this.compileMacroFunction(node, frame, 'caller');
  }
}

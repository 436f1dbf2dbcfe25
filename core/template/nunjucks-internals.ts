import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';

/**
 * The one module that reaches into nunjucks' internals: its lexer, parser, AST node classes and
 * code generator, which Strata's Jinja dialect extends (jinja-parser.ts, jinja-compiler.ts), and
 * the Environment's and Template's private state the engine uses. Other modules see a plain API:
 * the classes below with public helpers instead of nunjucks' `_` methods.
 * nunjucks is pinned to one exact version in package.json. Two checks guard an upgrade: loading
 * this module throws, naming what is missing, if an internal read or replaced here is gone
 * ({@link missingInternals}); the engine's start-up self-test (dialect-self-test.ts) renders a
 * template that needs every extension point.
 */

/** The nunjucks version this dialect was written against (package.json pins it exactly). */
export const NUNJUCKS_VERSION = '3.2.4';

/** The nunjucks version installed. */
export const INSTALLED_NUNJUCKS_VERSION = (createRequire(import.meta.url)('nunjucks/package.json') as { version: string }).version;

/** A lexer token. */
export interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

/** An AST node: line and column (0-based), its type name and fields. */
export interface AstNode {
  typename: string;
  lineno: number;
  colno: number;
  children: AstNode[];
  [field: string]: unknown;
  addChild(node: AstNode): void;
}

/** An AST node class. */
export type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => AstNode;
type NodeClassWithExtend = NodeClass & { extend(name: string, props?: { fields: string[] }): NodeClass };

/** nunjucks' node classes the dialect builds (Node and NodeList are also extended). */
const NODE_CLASSES = [
  'Root',
  'Literal',
  'Symbol',
  'Group',
  'Array',
  'Dict',
  'Pair',
  'LookupVal',
  'If',
  'InlineIf',
  'For',
  'Macro',
  'Caller',
  'FunCall',
  'Filter',
  'KeywordArgs',
  'Set',
  'Output',
  'Capture',
  'TemplateData',
  'Or',
  'And',
  'Not',
  'Add',
  'Concat',
  'Sub',
  'Mul',
  'Div',
  'FloorDiv',
  'Mod',
  'Pow',
  'Neg',
  'Pos',
  'Compare',
  'CompareOperand',
] as const;

/** The node classes the dialect uses. */
export type Nodes = Record<(typeof NODE_CLASSES)[number], NodeClass> & { Node: NodeClassWithExtend; NodeList: NodeClassWithExtend };

/** The parser's state and methods the dialect's parser calls or overrides (nunjucks calls those too). */
interface ParserInternals {
  breakOnBlocks: string[] | null;
  dropLeadingWhitespace: boolean;
  nextToken(withWhitespace?: boolean): Token | null;
  peekToken(): Token;
  fail(message: string, lineno?: number, colno?: number): never;
  skip(type: string): boolean;
  skipValue(type: string, value: string): boolean;
  skipSymbol(value: string): boolean;
  expect(type: string): Token;
  advanceAfterBlockEnd(name?: string): Token;
  advanceAfterVariableEnd(): void;
  parseUntilBlocks(...names: string[]): AstNode;
  parseIf(): AstNode;
  parseAsRoot(): AstNode;
}

/** The code generator's state and methods the dialect's compiler calls or overrides. */
interface CompilerInternals {
  buffer: string;
  templateName: string;
  fail(message: string, lineno?: number, colno?: number): never;
  compile(node: AstNode, frame: CompileFrame): void;
  compileLiteral(node: AstNode, frame?: CompileFrame): void;
  getCode(): string;
}

/** The compile-time scope: which template names live in which JavaScript variables. */
export interface CompileFrame {
  parent: CompileFrame | null;
  isolateWrites: boolean;
  variables: Record<string, string | undefined>;
  set(name: string, id: string): void;
  lookup(name: string): string | undefined;
  push(isolateWrites?: boolean): CompileFrame;
  pop(): CompileFrame;
}

/** The tokenizer's state and methods: its string reading is replaced, its raw-text extraction read. */
interface TokenizerInternals {
  _parseString(delimiter: string): string;
  _extractRegex(re: RegExp): RegExpMatchArray | null;
  forward(): void;
  current(): string;
  isFinished(): boolean;
  nextToken(): Token | null;
  /** The tag delimiters: `{{`, `#}`, ... */
  tags: Record<Delimiter, string>;
  in_code: boolean;
  /** Brackets open in the current tag: `}}` inside `{…}` closes a dict, not the tag (as in Jinja). */
  strataDepth?: number;
  str: string;
  index: number;
  lineno: number;
  colno: number;
}

/** The compiler methods behind {@link NunjucksCompiler}'s helpers. */
interface CompilerPrivates {
  _emit(code: string): void;
  _emitLine(code: string): void;
  _tmpid(): string;
  _pushBuffer(): string;
  _popBuffer(): void;
}

type Delimiter = 'VARIABLE_START' | 'VARIABLE_END' | 'COMMENT_START' | 'COMMENT_END';

interface NunjucksInternals {
  lexer: { lex(src: string, opts?: object): unknown } & Record<string, unknown>;
  parser: { Parser: new (tokens: unknown) => ParserInternals };
  compiler: { Compiler: new (name: string, throwOnUndefined: boolean) => CompilerInternals };
  nodes: Nodes;
  runtime: { Frame: new () => CompileFrame };
}

const TOKEN_NAMES = [
  'TOKEN_STRING',
  'TOKEN_DATA',
  'TOKEN_BLOCK_START',
  'TOKEN_BLOCK_END',
  'TOKEN_VARIABLE_START',
  'TOKEN_VARIABLE_END',
  'TOKEN_COMMENT',
  'TOKEN_LEFT_PAREN',
  'TOKEN_RIGHT_PAREN',
  'TOKEN_LEFT_BRACKET',
  'TOKEN_RIGHT_BRACKET',
  'TOKEN_LEFT_CURLY',
  'TOKEN_RIGHT_CURLY',
  'TOKEN_OPERATOR',
  'TOKEN_COMMA',
  'TOKEN_COLON',
  'TOKEN_TILDE',
  'TOKEN_PIPE',
  'TOKEN_INT',
  'TOKEN_FLOAT',
  'TOKEN_BOOLEAN',
  'TOKEN_NONE',
  'TOKEN_SYMBOL',
] as const;

// Every name below is one the dialect reads or replaces; the Records make the lists complete.
const PARSER_READS: Record<keyof ParserInternals, true> = {
  breakOnBlocks: true,
  dropLeadingWhitespace: true,
  nextToken: true,
  peekToken: true,
  fail: true,
  skip: true,
  skipValue: true,
  skipSymbol: true,
  expect: true,
  advanceAfterBlockEnd: true,
  advanceAfterVariableEnd: true,
  parseUntilBlocks: true,
  parseIf: true,
  parseAsRoot: true,
};
const COMPILER_READS: Record<keyof CompilerInternals | keyof CompilerPrivates, true> = {
  buffer: true,
  templateName: true,
  fail: true,
  compile: true,
  compileLiteral: true,
  getCode: true,
  _emit: true,
  _emitLine: true,
  _tmpid: true,
  _pushBuffer: true,
  _popBuffer: true,
};
const TOKENIZER_READS: Record<Exclude<keyof TokenizerInternals, 'strataDepth'>, true> = {
  _parseString: true,
  _extractRegex: true,
  forward: true,
  current: true,
  isFinished: true,
  nextToken: true,
  tags: true,
  in_code: true,
  str: true,
  index: true,
  lineno: true,
  colno: true,
};
const DELIMITERS: readonly Delimiter[] = ['VARIABLE_START', 'VARIABLE_END', 'COMMENT_START', 'COMMENT_END'];
const ENVIRONMENT_READS = ['globals', 'filters', 'tests'] as const;

/** Whether `path` (dotted) leads to something from `root`: a property may be null, not absent. */
function present(root: unknown, path: string): boolean {
  let value = root;
  for (const key of path.split('.')) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || !(key in value)) return false;
    value = (value as Record<string, unknown>)[key];
  }
  return true;
}

/**
 * The internals this module reads or replaces that `lib` (nunjucks) lacks, by path: module
 * members, then members of a tokenizer, parser, compiler and environment it makes.
 */
export function missingInternals(lib: unknown = nunjucks): string[] {
  const moduleReads = [
    'lexer.lex',
    'parser.Parser',
    'compiler.Compiler',
    'runtime.Frame',
    'nodes.Node.extend',
    'nodes.NodeList.extend',
    'nodes.NodeList.prototype.addChild',
    ...NODE_CLASSES.map((n) => `nodes.${n}`),
    ...TOKEN_NAMES.map((t) => `lexer.${t}`),
    'Environment',
    'Template.prototype.getExported',
  ];
  const missing = moduleReads.filter((path) => !present(lib, path));
  if (missing.length) return missing;
  const made = (make: () => unknown) => {
    try {
      return make();
    } catch {
      return undefined;
    }
  };
  const internals = lib as NunjucksInternals & typeof nunjucks;
  const instances: [string, unknown, readonly string[]][] = [
    ['tokenizer', made(() => internals.lexer.lex('')), [...Object.keys(TOKENIZER_READS), ...DELIMITERS.map((d) => `tags.${d}`)]],
    ['parser', made(() => new internals.parser.Parser(internals.lexer.lex(''))), Object.keys(PARSER_READS)],
    ['compiler', made(() => new internals.compiler.Compiler('check', false)), Object.keys(COMPILER_READS)],
    ['environment', made(() => new internals.Environment([])), ENVIRONMENT_READS],
  ];
  return instances.flatMap(([kind, instance, reads]) => reads.filter((path) => !present(instance, path)).map((path) => `${kind}.${path}`));
}

const absent = missingInternals();
if (absent.length)
  throw new Error(
    `Strata's Jinja dialect is built on nunjucks ${NUNJUCKS_VERSION}, but ${INSTALLED_NUNJUCKS_VERSION} is installed and lacks internals it needs (${absent.join(', ')}): pin it back.`,
  );

const internals = nunjucks as unknown as NunjucksInternals;

/** The lexer's token type names (`TOKEN_SYMBOL`, ...). */
export const TOKENS = internals.lexer as unknown as Record<(typeof TOKEN_NAMES)[number], string>;
export const nodes = internals.nodes;
export const FrameClass = internals.runtime.Frame;

/** nunjucks' parser, to extend: its tokenizer's internals behind two helpers. */
export class NunjucksParser extends internals.parser.Parser {
  /** Consumes the raw text up to and including `re`'s match (which must match from here). */
  protected extractRegex(re: RegExp): RegExpMatchArray | null {
    return (this as unknown as { tokens: TokenizerInternals }).tokens._extractRegex(re);
  }

  /** A tag delimiter as the tokenizer has it: `{{`, `#}`, ... */
  protected delimiter(name: Delimiter): string {
    return (this as unknown as { tokens: TokenizerInternals }).tokens.tags[name];
  }
}

/** nunjucks' code generator, to extend: its `_` methods as protected helpers. */
export class NunjucksCompiler extends internals.compiler.Compiler {
  /** Appends code to the function being generated. */
  protected emit(code: string): void {
    (this as unknown as CompilerPrivates)._emit(code);
  }

  /** Appends code and a newline. */
  protected emitLine(code: string): void {
    (this as unknown as CompilerPrivates)._emitLine(code);
  }

  /** A fresh JavaScript variable name. */
  protected tmpid(): string {
    return (this as unknown as CompilerPrivates)._tmpid();
  }

  /** Sends output to a fresh buffer variable (named in the return) until {@link popBuffer}. */
  protected pushBuffer(): string {
    return (this as unknown as CompilerPrivates)._pushBuffer();
  }

  protected popBuffer(): void {
    (this as unknown as CompilerPrivates)._popBuffer();
  }
}

/** Tokenizes template text, with Python's literals (see {@link usePythonLiterals}). */
export function lex(text: string): unknown {
  usePythonLiterals();
  return internals.lexer.lex(text, {});
}

/** Python's number literals: `1_000`, `1e3`, `1.5e-3` (nunjucks knows only `12` and `1.5`). */
const NUMBER = /\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d[\d_]*)?/y;

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

let tokenizerPatched = false;

/**
 * Literals as Python reads them. Numbers: `1_000`, `1e3`. Strings: an unknown escape keeps its
 * backslash, so a regex such as '\d+' means what it says (nunjucks would drop the backslash and
 * match the letter d); `\x41` and `\u0041` escapes.
 */
function usePythonLiterals(): void {
  if (tokenizerPatched) return;
  tokenizerPatched = true;
  const tokenizer = Object.getPrototypeOf(internals.lexer.lex('')) as TokenizerInternals;
  const nextToken = tokenizer.nextToken;
  const OPEN = new Set([TOKENS.TOKEN_LEFT_PAREN, TOKENS.TOKEN_LEFT_BRACKET, TOKENS.TOKEN_LEFT_CURLY]);
  const CLOSE = new Set([TOKENS.TOKEN_RIGHT_PAREN, TOKENS.TOKEN_RIGHT_BRACKET, TOKENS.TOKEN_RIGHT_CURLY]);
  tokenizer.nextToken = function pythonNextToken(this: TokenizerInternals): Token | null {
    const tok = readPlacedToken.call(this);
    if (tok) {
      if (OPEN.has(tok.type)) this.strataDepth = (this.strataDepth ?? 0) + 1;
      else if (CLOSE.has(tok.type)) this.strataDepth = Math.max(0, (this.strataDepth ?? 0) - 1);
      else if (tok.type === TOKENS.TOKEN_BLOCK_START || tok.type === TOKENS.TOKEN_VARIABLE_START) this.strataDepth = 0;
    }
    return tok;
  };
  /**
   * The lexer throws without a position; give its errors one, 1-based as the parser's are: a
   * comment left open is where it opens, anything else where the lexer stopped.
   */
  function readPlacedToken(this: TokenizerInternals): Token | null {
    const { lineno, colno } = this;
    try {
      return readToken.call(this);
    } catch (err) {
      if (err instanceof Error && !('lineno' in err)) {
        const atStart = /^expected end of comment/.test(err.message);
        Object.assign(err, { lineno: (atStart ? lineno : this.lineno) + 1, colno: (atStart ? colno : this.colno) + 1 });
      }
      throw err;
    }
  }
  function readToken(this: TokenizerInternals): Token | null {
    if (this.in_code && (this.strataDepth ?? 0) > 0 && this.current() === '}') {
      const { lineno, colno } = this;
      this.forward();
      return { type: TOKENS.TOKEN_RIGHT_CURLY, value: '}', lineno, colno };
    }
    if (this.in_code && !this.isFinished() && this.current() >= '0' && this.current() <= '9') {
      NUMBER.lastIndex = this.index;
      const match = NUMBER.exec(this.str);
      if (match && /[._eE]/.test(match[0]) && !/_$|_\.|\._|_[eE]/.test(match[0])) {
        const { lineno, colno } = this;
        for (let i = 0; i < match[0].length; i++) this.forward();
        const text = match[0].replace(/_/g, '');
        return { type: /[.eE]/.test(text) ? TOKENS.TOKEN_FLOAT : TOKENS.TOKEN_INT, value: text, lineno, colno };
      }
    }
    return nextToken.call(this);
  }
  tokenizer._parseString = function parseString(this: TokenizerInternals, delimiter: string): string {
    this.forward();
    let out = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      const char = this.current();
      this.forward();
      if (char !== '\\' || this.isFinished()) {
        out += char;
        continue;
      }
      const next = this.current();
      this.forward();
      if (next >= '0' && next <= '7') {
        let octal = next;
        for (let i = 0; i < 2 && !this.isFinished() && this.current() >= '0' && this.current() <= '7'; i++, this.forward())
          octal += this.current();
        out += String.fromCharCode(parseInt(octal, 8));
        continue;
      }
      if (next === 'x' || next === 'u') {
        const width = next === 'x' ? 2 : 4;
        let hex = '';
        for (let i = 0; i < width && !this.isFinished(); i++, this.forward()) hex += this.current();
        out += /^[0-9a-fA-F]+$/.test(hex) && hex.length === width ? String.fromCharCode(parseInt(hex, 16)) : `\\${next}${hex}`;
        continue;
      }
      out += next === '\n' ? '' : (ESCAPES[next] ?? `\\${next}`);
    }
    this.forward();
    return out;
  };
}

// ---- the Environment and Template internals the engine uses

interface EnvironmentInternals {
  globals: Record<string, unknown>;
  filters: Record<string, unknown>;
  tests: Record<string, unknown>;
}
interface TemplateInternals {
  getExported(ctx: object, frame: null, cb: (err: Error | null, exported: Record<string, unknown>) => void): void;
}

/** An environment as the dialect wants it: autoescape off (as dbt has it), nunjucks' own errors kept. */
export function createEnvironment(): nunjucks.Environment {
  return new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false, dev: true });
}

/** The environment's globals, by name (what templates and macros see last). */
export function environmentGlobals(env: nunjucks.Environment): Record<string, unknown> {
  return (env as unknown as EnvironmentInternals).globals;
}

/** A global whose value is read at each use (the dbt context of the node being rendered). */
export function defineLiveGlobal(env: nunjucks.Environment, name: string, get: () => unknown): void {
  Object.defineProperty(environmentGlobals(env), name, { enumerable: true, configurable: true, get });
}

/** Replaces nunjucks' filters and tests with the given ones (Jinja's, not nunjucks'). */
export function replaceFiltersAndTests(env: nunjucks.Environment, filters: Record<string, unknown>, tests: Record<string, unknown>): void {
  const internals = env as unknown as EnvironmentInternals;
  internals.filters = { ...filters };
  internals.tests = { ...tests };
}

/** A Template from the dialect's compiled code (nunjucks' precompiled-template path). */
export function templateFromCode(props: Record<string, unknown>, env: nunjucks.Environment, path: string): nunjucks.Template {
  return new nunjucks.Template({ type: 'code', obj: props } as unknown as string, env, path, true);
}

/** What a template exports when run (its macros and top-level sets), or the error that stopped it. */
export function templateExports(template: nunjucks.Template): { exported?: Record<string, unknown>; error?: Error } {
  let result: { exported?: Record<string, unknown>; error?: Error } = {};
  (template as unknown as TemplateInternals).getExported({}, null, (err, exported) => {
    result = err ? { error: err } : { exported };
  });
  return result;
}

/** A filter or test of the environment by name: its own entries only (`constructor` is none). */
export function ownEntry(env: object, kind: 'filter' | 'test', name: string): unknown {
  const table = kind === 'filter' ? (env as EnvironmentInternals).filters : (env as EnvironmentInternals).tests;
  return Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
}

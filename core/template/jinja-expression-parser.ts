import { NunjucksParser, TOKENS as T, nodes, type AstNode, type NodeClass, type Token } from './nunjucks-internals.js';
import { JinjaNodes } from './jinja-nodes.js';

/**
 * Jinja2's expression grammar on nunjucks' lexer: Jinja's precedence (`or` < `and` < `not` <
 * comparisons incl. `in`/`not in` < `+ -` < `~` < `* / // %` < `**` < unary, with filters and `is`
 * tests binding to the operand), tuples, trailing commas, `*args`/`**kwargs`, expression dict keys,
 * slices. The statements are parsed by the subclass in jinja-parser.ts.
 */

/** How Jinja's messages name the tokens it expected. */
const TOKEN_TEXT: Record<string, string> = {
  [T.TOKEN_COMMA]: ',',
  [T.TOKEN_COLON]: ':',
  [T.TOKEN_LEFT_PAREN]: '(',
  [T.TOKEN_RIGHT_PAREN]: ')',
  [T.TOKEN_LEFT_BRACKET]: '[',
  [T.TOKEN_RIGHT_BRACKET]: ']',
  [T.TOKEN_LEFT_CURLY]: '{',
  [T.TOKEN_RIGHT_CURLY]: '}',
  [T.TOKEN_SYMBOL]: 'name',
  [T.TOKEN_BLOCK_END]: 'end of statement block',
  [T.TOKEN_VARIABLE_END]: 'end of print statement',
};

const COMPARE_OPS = new Set(['==', '!=', '<', '>', '<=', '>=']);
const MULTIPLY_OPS: Record<string, NodeClass> = { '*': nodes.Mul, '/': nodes.Div, '//': nodes.FloorDiv, '%': nodes.Mod };
const NAME_CONSTANTS: Record<string, boolean | null> = { true: true, false: false, True: true, False: false, none: null, None: null };
/** Tokens that may start the argument of a test written without parentheses (`is divisibleby 3`). */
const TEST_ARG_START = new Set([
  T.TOKEN_SYMBOL,
  T.TOKEN_STRING,
  T.TOKEN_INT,
  T.TOKEN_FLOAT,
  T.TOKEN_BOOLEAN,
  T.TOKEN_NONE,
  T.TOKEN_LEFT_PAREN,
  T.TOKEN_LEFT_BRACKET,
  T.TOKEN_LEFT_CURLY,
]);

/** A call's arguments: positional, keyword, and `*`/`**` ones. */
export interface CallArgs {
  args: AstNode[];
  kwargs: AstNode[];
  dynArgs: AstNode | null;
  dynKwargs: AstNode | null;
}

/** nunjucks' parser with Jinja2's expressions (and Jinja's wording for what it expected). */
export class JinjaExpressionParser extends NunjucksParser {
  /** Jinja's wording for a token: `expected token ',', got '}}'`. */
  protected describe(tok: Token | null): string {
    if (!tok) return 'end of template';
    if (tok.type === T.TOKEN_BLOCK_END) return 'end of statement block';
    if (tok.type === T.TOKEN_VARIABLE_END) return 'end of print statement';
    return tok.value;
  }

  override expect(type: string): Token {
    const tok = this.nextToken();
    if (!tok || tok.type !== type)
      return this.fail(`expected token '${TOKEN_TEXT[type] ?? type}', got '${this.describe(tok)}'`, tok?.lineno, tok?.colno);
    return tok;
  }

  override advanceAfterBlockEnd(name?: string): Token {
    const tag = name ?? this.nextToken()?.value;
    const tok = this.nextToken();
    if (!tok || tok.type !== T.TOKEN_BLOCK_END)
      return this.fail(
        `expected token 'end of statement block', got '${this.describe(tok)}'${tag ? ` (in '${tag}')` : ''}`,
        tok?.lineno,
        tok?.colno,
      );
    if (tok.value.charAt(0) === '-') this.dropLeadingWhitespace = true;
    return tok;
  }

  override advanceAfterVariableEnd(): void {
    const tok = this.nextToken();
    if (!tok || tok.type !== T.TOKEN_VARIABLE_END)
      this.fail(`expected token 'end of print statement', got '${this.describe(tok)}'`, tok?.lineno, tok?.colno);
    this.dropLeadingWhitespace = tok.value.charAt(tok.value.length - this.delimiter('VARIABLE_END').length - 1) === '-';
  }

  protected isSymbol(tok: Token | null, value: string): boolean {
    return tok !== null && tok.type === T.TOKEN_SYMBOL && tok.value === value;
  }

  protected isOperator(tok: Token | null, value: string): boolean {
    return tok !== null && tok.type === T.TOKEN_OPERATOR && tok.value === value;
  }

  // ---- expressions

  /** Jinja's parse_tuple: `a, b` without parentheses is a tuple; a lone expression is itself. */
  parseTuple(withCondition = true, endSymbols: string[] = []): AstNode {
    const start = this.peekToken();
    const items: AstNode[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length) this.expect(T.TOKEN_COMMA);
      const next = this.peekToken();
      if (
        !next ||
        next.type === T.TOKEN_BLOCK_END ||
        next.type === T.TOKEN_VARIABLE_END ||
        next.type === T.TOKEN_RIGHT_PAREN ||
        (next.type === T.TOKEN_SYMBOL && endSymbols.includes(next.value))
      )
        break;
      items.push(withCondition ? this.parseExpression() : this.parseOr());
      if (this.peekToken()?.type === T.TOKEN_COMMA) isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (items.length) return items[0] as AstNode;
      return this.fail(`Expected an expression, got '${start?.value ?? 'end of template'}'`, start?.lineno, start?.colno);
    }
    return new JinjaNodes.Tuple(start.lineno, start.colno, items);
  }

  parseExpression(): AstNode {
    return this.parseInlineIf();
  }

  parseInlineIf(): AstNode {
    let node = this.parseOr();
    while (this.skipSymbol('if')) {
      const cond = this.parseOr();
      const otherwise = this.skipSymbol('else') ? this.parseInlineIf() : null;
      const inline = new nodes.InlineIf(node.lineno, node.colno, cond, node, otherwise);
      node = inline;
    }
    return node;
  }

  parseOr(): AstNode {
    let node = this.parseAnd();
    while (this.skipSymbol('or')) node = new nodes.Or(node.lineno, node.colno, node, this.parseAnd());
    return node;
  }

  parseAnd(): AstNode {
    let node = this.parseNot();
    while (this.skipSymbol('and')) node = new nodes.And(node.lineno, node.colno, node, this.parseNot());
    return node;
  }

  parseNot(): AstNode {
    const tok = this.peekToken();
    if (this.skipSymbol('not')) return new nodes.Not(tok.lineno, tok.colno, this.parseNot());
    return this.parseCompare();
  }

  parseCompare(): AstNode {
    const expr = this.parseMath1();
    const ops: AstNode[] = [];
    for (;;) {
      const tok = this.peekToken();
      if (!tok) break;
      if (tok.type === T.TOKEN_OPERATOR && COMPARE_OPS.has(tok.value)) {
        this.nextToken();
        ops.push(new nodes.CompareOperand(tok.lineno, tok.colno, this.parseMath1(), tok.value));
      } else if (this.isSymbol(tok, 'in')) {
        this.nextToken();
        ops.push(new nodes.CompareOperand(tok.lineno, tok.colno, this.parseMath1(), 'in'));
      } else if (this.isSymbol(tok, 'not')) {
        this.nextToken();
        if (!this.skipSymbol('in')) this.fail("expected 'in' after 'not'", tok.lineno, tok.colno);
        ops.push(new nodes.CompareOperand(tok.lineno, tok.colno, this.parseMath1(), 'notin'));
      } else break;
    }
    return ops.length ? new nodes.Compare(expr.lineno, expr.colno, expr, ops) : expr;
  }

  private parseMath1(): AstNode {
    let node = this.parseConcat();
    for (let tok = this.peekToken(); this.isOperator(tok, '+') || this.isOperator(tok, '-'); tok = this.peekToken()) {
      this.nextToken();
      node = new (tok.value === '+' ? nodes.Add : nodes.Sub)(tok.lineno, tok.colno, node, this.parseConcat());
    }
    return node;
  }

  parseConcat(): AstNode {
    let node = this.parseMath2();
    for (let tok = this.peekToken(); tok?.type === T.TOKEN_TILDE; tok = this.peekToken()) {
      this.nextToken();
      node = new nodes.Concat(tok.lineno, tok.colno, node, this.parseMath2());
    }
    return node;
  }

  private parseMath2(): AstNode {
    let node = this.parsePow();
    for (let tok = this.peekToken(); tok?.type === T.TOKEN_OPERATOR && MULTIPLY_OPS[tok.value]; tok = this.peekToken()) {
      this.nextToken();
      node = new (MULTIPLY_OPS[tok.value] as NodeClass)(tok.lineno, tok.colno, node, this.parsePow());
    }
    return node;
  }

  parsePow(): AstNode {
    let node = this.parseUnary();
    for (let tok = this.peekToken(); this.isOperator(tok, '**'); tok = this.peekToken()) {
      this.nextToken();
      node = new nodes.Pow(tok.lineno, tok.colno, node, this.parseUnary());
    }
    return node;
  }

  parseUnary(noFilters = false): AstNode {
    const tok = this.peekToken();
    let node: AstNode;
    if (this.isOperator(tok, '-') || this.isOperator(tok, '+')) {
      this.nextToken();
      node = new (tok.value === '-' ? nodes.Neg : nodes.Pos)(tok.lineno, tok.colno, this.parseUnary(true));
    } else node = this.parsePrimary();
    node = this.parsePostfix(node);
    return noFilters ? node : this.parseFilterExpr(node);
  }

  parsePrimary(): AstNode {
    const tok = this.nextToken();
    if (!tok) return this.fail('unexpected end of template');
    switch (tok.type) {
      case T.TOKEN_STRING: {
        // Adjacent string literals are one string, as in Python.
        let value = tok.value;
        while (this.peekToken()?.type === T.TOKEN_STRING) value += (this.nextToken() as Token).value;
        return new nodes.Literal(tok.lineno, tok.colno, value);
      }
      case T.TOKEN_INT:
        return new nodes.Literal(tok.lineno, tok.colno, parseInt(tok.value, 10));
      case T.TOKEN_FLOAT: {
        const literal = new nodes.Literal(tok.lineno, tok.colno, parseFloat(tok.value));
        literal.isFloat = true;
        return literal;
      }
      case T.TOKEN_BOOLEAN:
      case T.TOKEN_NONE:
        // nunjucks lexes `null` as none; in Jinja it is just a name.
        if (tok.value === 'null') return new nodes.Symbol(tok.lineno, tok.colno, tok.value);
        return new nodes.Literal(tok.lineno, tok.colno, NAME_CONSTANTS[tok.value] ?? null);
      case T.TOKEN_SYMBOL:
        if (Object.prototype.hasOwnProperty.call(NAME_CONSTANTS, tok.value))
          return new nodes.Literal(tok.lineno, tok.colno, NAME_CONSTANTS[tok.value]);
        return new nodes.Symbol(tok.lineno, tok.colno, tok.value);
      case T.TOKEN_LEFT_PAREN:
        return this.parseParenthesized(tok);
      case T.TOKEN_LEFT_BRACKET:
        return this.parseList(tok);
      case T.TOKEN_LEFT_CURLY:
        return this.parseDict(tok);
      default:
        return this.fail(`unexpected '${tok.value}'`, tok.lineno, tok.colno);
    }
  }

  /**
   * Items separated by commas up to the `close` token, which is consumed; a trailing comma is
   * fine, as in Jinja's lists, dicts, tuples and calls. `started`: an item was read already.
   */
  private commaSeparated(close: string, item: () => void, started = false): void {
    while (!this.skip(close)) {
      if (started) {
        this.expect(T.TOKEN_COMMA);
        if (this.skip(close)) break;
      }
      started = true;
      item();
    }
  }

  private parseParenthesized(open: Token): AstNode {
    if (this.skip(T.TOKEN_RIGHT_PAREN)) return new JinjaNodes.Tuple(open.lineno, open.colno, []);
    const first = this.parseExpression();
    if (this.skip(T.TOKEN_RIGHT_PAREN)) return new nodes.Group(open.lineno, open.colno, [first]);
    const tuple = new JinjaNodes.Tuple(open.lineno, open.colno, [first]);
    this.commaSeparated(T.TOKEN_RIGHT_PAREN, () => tuple.addChild(this.parseExpression()), true);
    return tuple;
  }

  private parseList(open: Token): AstNode {
    const list = new nodes.Array(open.lineno, open.colno);
    this.commaSeparated(T.TOKEN_RIGHT_BRACKET, () => list.addChild(this.parseExpression()));
    return list;
  }

  private parseDict(open: Token): AstNode {
    const dict = new nodes.Dict(open.lineno, open.colno);
    this.commaSeparated(T.TOKEN_RIGHT_CURLY, () => {
      const key = this.parseExpression();
      if (!this.skip(T.TOKEN_COLON)) this.fail('expected colon after dict key', key.lineno, key.colno);
      dict.addChild(new nodes.Pair(key.lineno, key.colno, key, this.parseExpression()));
    });
    return dict;
  }

  parsePostfix(node: AstNode): AstNode {
    for (;;) {
      const tok = this.peekToken();
      if (!tok) return node;
      if (this.isOperator(tok, '.')) {
        this.nextToken();
        const name = this.nextToken();
        if (
          !name ||
          (name.type !== T.TOKEN_SYMBOL && name.type !== T.TOKEN_INT && name.type !== T.TOKEN_BOOLEAN && name.type !== T.TOKEN_NONE)
        )
          return this.fail(`expected name as lookup value, got ${name?.value ?? 'end of template'}`, name?.lineno, name?.colno);
        const key =
          name.type === T.TOKEN_INT
            ? new nodes.Literal(name.lineno, name.colno, parseInt(name.value, 10))
            : new nodes.Literal(name.lineno, name.colno, name.value);
        const lookup = new nodes.LookupVal(node.lineno, node.colno, node, key);
        lookup.isAttribute = name.type !== T.TOKEN_INT;
        node = lookup;
      } else if (tok.type === T.TOKEN_LEFT_BRACKET) {
        this.nextToken();
        node = new nodes.LookupVal(node.lineno, node.colno, node, this.parseSubscript(tok));
      } else if (tok.type === T.TOKEN_LEFT_PAREN) {
        node = this.parseCallExpr(node);
      } else return node;
    }
  }

  /** The inside of `[ ]`: an index, a slice, or several (a tuple key). */
  private parseSubscript(open: Token): AstNode {
    const keys: AstNode[] = [];
    while (!this.skip(T.TOKEN_RIGHT_BRACKET)) {
      if (keys.length) this.expect(T.TOKEN_COMMA);
      keys.push(this.parseSubscribed());
    }
    if (keys.length === 1) return keys[0] as AstNode;
    if (!keys.length) return this.fail('expected subscript expression', open.lineno, open.colno);
    return new JinjaNodes.Tuple(open.lineno, open.colno, keys);
  }

  private parseSubscribed(): AstNode {
    const tok = this.peekToken();
    const ends = (t: Token) => t.type === T.TOKEN_RIGHT_BRACKET || t.type === T.TOKEN_COMMA;
    let start: AstNode | null = null;
    if (tok.type !== T.TOKEN_COLON) {
      start = this.parseExpression();
      if (this.peekToken().type !== T.TOKEN_COLON) return start;
    }
    this.expect(T.TOKEN_COLON);
    const stop = ends(this.peekToken()) || this.peekToken().type === T.TOKEN_COLON ? null : this.parseExpression();
    let step: AstNode | null = null;
    if (this.skip(T.TOKEN_COLON) && !ends(this.peekToken())) step = this.parseExpression();
    return new JinjaNodes.Slice(tok.lineno, tok.colno, start, stop, step);
  }

  /** `callee(…)`: Jinja's call arguments, trailing comma allowed. */
  private parseCallExpr(callee: AstNode): AstNode {
    const open = this.peekToken();
    const parsed = this.parseCallArgs();
    const call = new nodes.FunCall(callee.lineno, callee.colno, callee, new nodes.NodeList(open.lineno, open.colno, parsed.args));
    Object.assign(call, { kwargs: parsed.kwargs, dynArgs: parsed.dynArgs, dynKwargs: parsed.dynKwargs });
    return call;
  }

  parseCallArgs(): CallArgs {
    const open = this.expect(T.TOKEN_LEFT_PAREN);
    const result: CallArgs = { args: [], kwargs: [], dynArgs: null, dynKwargs: null };
    this.commaSeparated(T.TOKEN_RIGHT_PAREN, () => {
      const tok = this.peekToken();
      if (!tok) this.fail('unexpected end of template in call', open.lineno, open.colno);
      if (this.isOperator(tok, '**')) {
        this.nextToken();
        result.dynKwargs = this.parseExpression();
      } else if (this.isOperator(tok, '*')) {
        this.nextToken();
        result.dynArgs = this.parseExpression();
      } else {
        const value = this.parseExpression();
        if (this.skipValue(T.TOKEN_OPERATOR, '=')) {
          if (value.typename !== 'Symbol') this.fail("expected a name before '='", value.lineno, value.colno);
          result.kwargs.push(new nodes.Pair(value.lineno, value.colno, value, this.parseExpression()));
        } else {
          if (result.kwargs.length || result.dynKwargs)
            this.fail('positional argument follows keyword argument', value.lineno, value.colno);
          result.args.push(value);
        }
      }
    });
    return result;
  }

  /** Filters (`| name(args)`), `is` tests and calls after an operand. */
  private parseFilterExpr(node: AstNode): AstNode {
    for (;;) {
      const tok = this.peekToken();
      if (tok?.type === T.TOKEN_PIPE) node = this.applyFilters(this.parseFilters(null), node);
      else if (this.isSymbol(tok, 'is')) node = this.parseTest(node);
      else if (tok?.type === T.TOKEN_LEFT_PAREN) node = this.parseCallExpr(node);
      else return node;
    }
  }

  /** `| a | b(x)` (or, with `bare`, `a | b(x)` as `{% filter %}` writes it): each filter's name and arguments. */
  protected parseFilters(_unused: null, bare = false): { name: AstNode; call: CallArgs }[] {
    const filters: { name: AstNode; call: CallArgs }[] = [];
    let needPipe = !bare;
    while (!needPipe || this.skip(T.TOKEN_PIPE)) {
      needPipe = true;
      const first = this.expect(T.TOKEN_SYMBOL);
      let name = first.value;
      while (this.skipValue(T.TOKEN_OPERATOR, '.')) name += `.${this.expect(T.TOKEN_SYMBOL).value}`;
      const call =
        this.peekToken()?.type === T.TOKEN_LEFT_PAREN ? this.parseCallArgs() : { args: [], kwargs: [], dynArgs: null, dynKwargs: null };
      filters.push({ name: new nodes.Symbol(first.lineno, first.colno, name), call });
    }
    return filters;
  }

  protected applyFilters(filters: { name: AstNode; call: CallArgs }[], target: AstNode): AstNode {
    let node = target;
    for (const { name, call } of filters) {
      const filter = new nodes.Filter(name.lineno, name.colno, name, new nodes.NodeList(name.lineno, name.colno, [node, ...call.args]));
      Object.assign(filter, { kwargs: call.kwargs, dynArgs: call.dynArgs, dynKwargs: call.dynKwargs });
      node = filter;
    }
    return node;
  }

  /** `x is [not] name`, `x is name(args)`, `x is name arg`. */
  private parseTest(node: AstNode): AstNode {
    const tok = this.nextToken() as Token;
    const negated = this.skipSymbol('not');
    const nameTok = this.nextToken();
    if (!nameTok || (nameTok.type !== T.TOKEN_SYMBOL && nameTok.type !== T.TOKEN_NONE && nameTok.type !== T.TOKEN_BOOLEAN))
      return this.fail('expected test name', tok.lineno, tok.colno);
    let name = nameTok.value;
    while (this.skipValue(T.TOKEN_OPERATOR, '.')) name += `.${this.expect(T.TOKEN_SYMBOL).value}`;
    let call: CallArgs = { args: [], kwargs: [], dynArgs: null, dynKwargs: null };
    const next = this.peekToken();
    if (next?.type === T.TOKEN_LEFT_PAREN) call = this.parseCallArgs();
    else if (next && TEST_ARG_START.has(next.type) && !['else', 'or', 'and', 'if', 'in', 'not', 'is'].includes(next.value)) {
      call.args.push(this.parsePostfix(this.parsePrimary()));
    }
    const test = new JinjaNodes.Test(tok.lineno, tok.colno, node, name, new nodes.NodeList(tok.lineno, tok.colno, call.args));
    Object.assign(test, { kwargs: call.kwargs, dynArgs: call.dynArgs, dynKwargs: call.dynKwargs });
    return negated ? new nodes.Not(tok.lineno, tok.colno, test) : test;
  }
}

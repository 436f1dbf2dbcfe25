import { TOKENS as T, nodes, type AstNode, type Token } from './nunjucks-internals.js';
import { JinjaExpressionParser } from './jinja-expression-parser.js';
import { JinjaNodes } from './jinja-nodes.js';

/**
 * Jinja2's statements on nunjucks' statement parser: those nunjucks lacks or parses differently
 * (`for … if … recursive` with `else`, `set` of tuples, of namespace attributes and as a filtered
 * block, `with`, `do`, `break`, `continue`, `call(args)`, `filter` chains, `raw` up to the first
 * `endraw`, `block` in place), `{{ … }}` as a tuple, and Jinja's message for an unclosed block.
 * Expressions: jinja-expression-parser.ts.
 */

/** nunjucks' parser with Jinja2's expression grammar and statements. */
export class JinjaParser extends JinjaExpressionParser {
  // ---- statements

  /** The block tags being parsed, innermost last (for the message when one is never closed). */
  private get openTags(): Token[] {
    return ((this as unknown as { strataOpen?: Token[] }).strataOpen ??= []);
  }

  parseStatement(): AstNode | null {
    // `{%+ … %}` only turns off lstrip_blocks, which dbt leaves off: the `+` changes nothing.
    if (this.isOperator(this.peekToken(), '+')) this.nextToken();
    const tok = this.peekToken();
    if (tok.type !== T.TOKEN_SYMBOL) this.fail('tag name expected', tok.lineno, tok.colno);
    if (this.breakOnBlocks?.includes(tok.value)) return null;
    this.openTags.push(tok);
    try {
      return this.parseTag(tok);
    } finally {
      this.openTags.pop();
    }
  }

  private parseTag(tok: Token): AstNode {
    switch (tok.value) {
      case 'raw':
        return this.parseRawBlock(tok);
      case 'if':
        return this.parseIf();
      case 'for':
        return this.parseFor();
      case 'set':
        return this.parseSet();
      case 'macro':
        return this.parseMacro();
      case 'call':
        return this.parseCall();
      case 'filter':
        return this.parseFilterStatement();
      case 'with':
        return this.parseWith();
      case 'materialization': {
        // dbt's custom materializations are not run (Strata's are plans in TypeScript): a package
        // that defines one still loads; a model that names one fails before running, saying so.
        this.nextToken();
        while (this.peekToken() && this.peekToken().type !== T.TOKEN_BLOCK_END) this.nextToken();
        this.advanceAfterBlockEnd('materialization');
        this.body('endmaterialization');
        this.endTag();
        return new nodes.NodeList(tok.lineno, tok.colno);
      }
      case 'block': {
        // Without template inheritance (dbt has none), a block renders where it stands.
        this.nextToken();
        this.expect(T.TOKEN_SYMBOL);
        while (this.skipSymbol('scoped') || this.skipSymbol('required'));
        this.advanceAfterBlockEnd('block');
        const body = this.body('endblock');
        this.nextToken();
        if (this.peekToken().type === T.TOKEN_SYMBOL) this.nextToken();
        this.advanceAfterBlockEnd('endblock');
        return body;
      }
      case 'do': {
        this.nextToken();
        const node = new JinjaNodes.Do(tok.lineno, tok.colno, this.parseTuple());
        this.advanceAfterBlockEnd(tok.value);
        return node;
      }
      case 'break':
      case 'continue':
        this.nextToken();
        this.advanceAfterBlockEnd(tok.value);
        return new (tok.value === 'break' ? JinjaNodes.Break : JinjaNodes.Continue)(tok.lineno, tok.colno);
      default:
        return this.fail(`Encountered unknown tag '${tok.value}'.`, tok.lineno, tok.colno);
    }
  }

  /** `{% raw %}…{% endraw %}`: the text up to the first endraw, as in Jinja (nunjucks nests raw blocks). */
  private parseRawBlock(tok: Token): AstNode {
    this.nextToken();
    this.advanceAfterBlockEnd('raw');
    const match = this.extractRegex(/([\s\S]*?)\{%(-?)\s*endraw\s*(-?)%\}/);
    if (!match) return this.fail('Missing end of raw directive', tok.lineno, tok.colno);
    let text = match[1] as string;
    if (this.dropLeadingWhitespace) text = text.replace(/^\s*/, '');
    if (match[2] === '-') text = text.replace(/\s*$/, '');
    this.dropLeadingWhitespace = match[3] === '-';
    return new nodes.Output(tok.lineno, tok.colno, [new nodes.TemplateData(tok.lineno, tok.colno, text)]);
  }

  /** Jinja's parse_statements: the body up to one of `names`, which is left for the caller. */
  private body(...names: string[]): AstNode {
    return this.parseUntilBlocks(...names);
  }

  /** A body up to one of `names`; the end of the template instead is an error naming the open block. */
  override parseUntilBlocks(...names: string[]): AstNode {
    const opener = this.openTags[this.openTags.length - 1];
    const body = super.parseUntilBlocks(...names);
    if (!this.peekToken()) {
      const wanted = names
        .filter((n) => n !== 'elseif')
        .map((n) => `'${n}'`)
        .join(' or ');
      this.fail(
        `Unexpected end of template. Jinja was looking for the following tags: ${wanted}. The innermost block that needs to be closed is '${opener?.value ?? names[0]?.replace(/^end/, '')}'.`,
        opener?.lineno,
        opener?.colno,
      );
    }
    return body;
  }

  /** The name of the block tag ending a body, consumed with its `%}`. */
  private endTag(): string {
    const tok = this.nextToken();
    if (!tok) this.fail('unexpected end of template');
    this.advanceAfterBlockEnd(tok.value);
    return tok.value;
  }

  parseFor(): AstNode {
    const forTok = this.nextToken() as Token;
    const node = new nodes.For(forTok.lineno, forTok.colno);
    node.name = this.parseAssignTarget(false);
    if (!this.skipSymbol('in')) this.fail('expected "in" in for loop', forTok.lineno, forTok.colno);
    node.arr = this.parseTuple(false, ['recursive', 'if']);
    node.cond = this.skipSymbol('if') ? this.parseExpression() : null;
    node.recursive = this.skipSymbol('recursive');
    this.advanceAfterBlockEnd('for');
    node.body = this.body('endfor', 'else');
    node.else_ = this.endTag() === 'else' ? this.body('endfor') : null;
    if (node.else_) this.endTag();
    return node;
  }

  /** A loop or assignment target: a name, a (parenthesized) tuple of names, or `ns.attr`. */
  private parseAssignTarget(withNamespace: boolean): AstNode {
    const first = this.peekToken();
    if (first.type === T.TOKEN_LEFT_PAREN) {
      this.nextToken();
      const tuple = this.parseTargetList(first, [T.TOKEN_RIGHT_PAREN]);
      this.expect(T.TOKEN_RIGHT_PAREN);
      return tuple;
    }
    const name = this.targetName();
    if (withNamespace && this.isOperator(this.peekToken(), '.')) {
      this.nextToken();
      const attr = this.expect(T.TOKEN_SYMBOL);
      return new nodes.LookupVal(name.lineno, name.colno, name, new nodes.Literal(attr.lineno, attr.colno, attr.value));
    }
    if (this.peekToken().type !== T.TOKEN_COMMA) return name;
    const tuple = new JinjaNodes.Tuple(first.lineno, first.colno, [name]);
    while (this.skip(T.TOKEN_COMMA)) tuple.addChild(this.targetName());
    return tuple;
  }

  private parseTargetList(start: Token, endTypes: string[]): AstNode {
    const tuple = new JinjaNodes.Tuple(start.lineno, start.colno, []);
    while (!endTypes.includes(this.peekToken().type)) {
      if (tuple.children.length) this.expect(T.TOKEN_COMMA);
      if (endTypes.includes(this.peekToken().type)) break;
      const open = this.peekToken();
      if (open.type === T.TOKEN_LEFT_PAREN) {
        this.nextToken();
        tuple.addChild(this.parseTargetList(open, [T.TOKEN_RIGHT_PAREN]));
        this.expect(T.TOKEN_RIGHT_PAREN);
      } else tuple.addChild(this.targetName());
    }
    // `(a)` is the name a; `(a,)` a tuple of one.
    return tuple;
  }

  private targetName(): AstNode {
    const tok = this.nextToken();
    if (!tok || tok.type !== T.TOKEN_SYMBOL)
      return this.fail(`can't assign to ${tok ? `'${tok.value}'` : 'end of template'}`, tok?.lineno, tok?.colno);
    return new nodes.Symbol(tok.lineno, tok.colno, tok.value);
  }

  parseSet(): AstNode {
    const tag = this.nextToken() as Token;
    const target = this.parseAssignTarget(true);
    const node = new nodes.Set(tag.lineno, tag.colno, [target]);
    if (this.skipValue(T.TOKEN_OPERATOR, '=')) {
      node.value = this.parseTuple();
      this.advanceAfterBlockEnd('set');
      return node;
    }
    // `{% set x | upper %}…{% endset %}`: a block set, its text passed through filters.
    const filters = this.peekToken().type === T.TOKEN_PIPE ? this.parseFilters(null) : null;
    this.advanceAfterBlockEnd('set');
    const capture = new nodes.Capture(tag.lineno, tag.colno, this.body('endset'));
    this.endTag();
    node.value = null;
    node.body = filters ? this.applyFilters(filters, capture) : capture;
    return node;
  }

  parseWith(): AstNode {
    const tag = this.nextToken() as Token;
    const targets: AstNode[] = [];
    const values: AstNode[] = [];
    while (this.peekToken().type !== T.TOKEN_BLOCK_END) {
      if (targets.length) this.expect(T.TOKEN_COMMA);
      targets.push(this.parseAssignTarget(false));
      if (!this.skipValue(T.TOKEN_OPERATOR, '=')) this.fail('expected = in with statement');
      values.push(this.parseExpression());
    }
    this.advanceAfterBlockEnd('with');
    const body = this.body('endwith');
    this.endTag();
    return new JinjaNodes.With(tag.lineno, tag.colno, targets, values, body);
  }

  parseMacro(): AstNode {
    const tag = this.nextToken() as Token;
    const name = this.expect(T.TOKEN_SYMBOL);
    const args = this.parseParameters();
    const node = new nodes.Macro(tag.lineno, tag.colno, new nodes.Symbol(name.lineno, name.colno, name.value), args);
    this.advanceAfterBlockEnd('macro');
    node.body = this.body('endmacro');
    this.endTag();
    return node;
  }

  /** A macro's (or caller's) parameters: names, then names with defaults; a trailing comma is fine. */
  private parseParameters(): AstNode {
    const open = this.expect(T.TOKEN_LEFT_PAREN);
    const params = new nodes.NodeList(open.lineno, open.colno);
    const defaults = new nodes.KeywordArgs(open.lineno, open.colno);
    // Unlike a call, a definition takes no trailing comma (Jinja: "expected token 'name'").
    while (!this.skip(T.TOKEN_RIGHT_PAREN)) {
      if (params.children.length || defaults.children.length) this.expect(T.TOKEN_COMMA);
      const name = this.targetName();
      if (this.skipValue(T.TOKEN_OPERATOR, '=')) defaults.addChild(new nodes.Pair(name.lineno, name.colno, name, this.parseExpression()));
      else if (defaults.children.length) this.fail('non-default argument follows default argument', name.lineno, name.colno);
      else params.addChild(name);
    }
    if (defaults.children.length) params.addChild(defaults);
    return params;
  }

  parseCall(): AstNode {
    const tag = this.nextToken() as Token;
    const callerArgs = this.peekToken().type === T.TOKEN_LEFT_PAREN ? this.parseParameters() : new nodes.NodeList(tag.lineno, tag.colno);
    const call = this.parseExpression();
    if (call.typename !== 'FunCall') this.fail('expected call', tag.lineno, tag.colno);
    this.advanceAfterBlockEnd('call');
    const body = this.body('endcall');
    this.endTag();
    const callerName = new nodes.Symbol(tag.lineno, tag.colno, 'caller');
    const caller = new nodes.Caller(tag.lineno, tag.colno, callerName, callerArgs, body);
    (call.kwargs as AstNode[]).push(new nodes.Pair(tag.lineno, tag.colno, callerName, caller));
    return new nodes.Output(tag.lineno, tag.colno, [call]);
  }

  parseFilterStatement(): AstNode {
    const tag = this.nextToken() as Token;
    const filters = this.parseFilters(null, true);
    this.advanceAfterBlockEnd('filter');
    const capture = new nodes.Capture(tag.lineno, tag.colno, this.body('endfilter'));
    this.endTag();
    return new nodes.Output(tag.lineno, tag.colno, [this.applyFilters(filters, capture)]);
  }

  /** `{{ … }}` contents and other places where Jinja allows a tuple without parentheses. */
  parseNodes(): AstNode[] {
    const buf: AstNode[] = [];
    for (let tok = this.nextToken(); tok; tok = this.nextToken()) {
      if (tok.type === T.TOKEN_DATA) {
        let data = tok.value;
        const next = this.peekToken();
        const nextValue = next?.value ?? '';
        if (this.dropLeadingWhitespace) {
          data = data.replace(/^\s*/, '');
          this.dropLeadingWhitespace = false;
        }
        if (
          next &&
          ((next.type === T.TOKEN_BLOCK_START && nextValue.endsWith('-')) ||
            (next.type === T.TOKEN_VARIABLE_START && nextValue.charAt(this.delimiter('VARIABLE_START').length) === '-') ||
            (next.type === T.TOKEN_COMMENT && nextValue.charAt(this.delimiter('COMMENT_START').length) === '-'))
        ) {
          data = data.replace(/\s*$/, '');
        }
        buf.push(new nodes.Output(tok.lineno, tok.colno, [new nodes.TemplateData(tok.lineno, tok.colno, data)]));
      } else if (tok.type === T.TOKEN_BLOCK_START) {
        this.dropLeadingWhitespace = false;
        const statement = this.parseStatement();
        if (!statement) break;
        buf.push(statement);
      } else if (tok.type === T.TOKEN_VARIABLE_START) {
        const expr = this.parseTuple();
        this.dropLeadingWhitespace = false;
        this.advanceAfterVariableEnd();
        buf.push(new nodes.Output(tok.lineno, tok.colno, [expr]));
      } else if (tok.type === T.TOKEN_COMMENT) {
        this.dropLeadingWhitespace = tok.value.charAt(tok.value.length - this.delimiter('COMMENT_END').length - 1) === '-';
      } else {
        this.fail(`Unexpected token at top-level: ${tok.type}`, tok.lineno, tok.colno);
      }
    }
    return buf;
  }
}

/** Parses a template's text into the dialect's AST. */
export function parseJinja(tokens: unknown): AstNode {
  return new JinjaParser(tokens).parseAsRoot();
}

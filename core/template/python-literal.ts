import { parseJinja } from './jinja-parser.js';
import { TOKENS as T, lex, type AstNode, type Token } from './nunjucks-internals.js';
import { PyError, PyTuple, isDict, setDictItem, toFloat, typeName } from './py-values.js';

/**
 * Python's `ast.literal_eval` on Strata's Jinja expression grammar: the text is parsed as a Jinja
 * expression and only Python's literal forms are accepted (numbers, strings, True/False/None,
 * lists, tuples, dicts, a sign on a number). Jinja's own names `true`, `none` and everything that
 * computes (names, calls, operators, filters) are not literals. Returns undefined for text that is
 * not a literal, as literal_eval raises ValueError or SyntaxError; an unhashable dict key raises
 * TypeError, which dbt does not catch either.
 */
export function literalEval(text: string): { value: unknown } | undefined {
  // Python 3.10+ strips leading spaces and tabs (not newlines) before parsing.
  const source = text.replace(/^[ \t]+/, '');
  if (!source.trim() || !tokensArePython(source)) return undefined;
  // After blank lines, an indented first line is Python's IndentationError.
  if (/^[ \t]/.test(source.split('\n').find((line) => line.trim() !== '') ?? '')) return undefined;
  let root: AstNode;
  try {
    root = parseJinja(lex(`{{ ${source}\n}}`));
  } catch {
    return undefined;
  }
  const output = root.children.length === 1 ? root.children[0] : undefined;
  if (output?.typename !== 'Output' || output.children.length !== 1) return undefined;
  try {
    return { value: literal(output.children[0] as AstNode) };
  } catch (err) {
    if (err instanceof NotLiteral) return undefined;
    throw err;
  }
}

class NotLiteral extends Error {}

/** The lexer's view: Jinja's lower-case constants and Python-invalid ints (`01`, `1__0`) are not literals. */
function tokensArePython(source: string): boolean {
  const text = `{{ ${source}\n}}`;
  const lines = text.split('\n');
  const stream = lex(text) as { nextToken(): Token | null };
  try {
    for (let tok = stream.nextToken(); tok; tok = stream.nextToken()) {
      if (tok.type === T.TOKEN_BOOLEAN || tok.type === T.TOKEN_NONE) return false;
      if (tok.type === T.TOKEN_INT && /^0+[1-9]/.test(tok.value)) return false;
      // The token's value has its underscores removed: look at the number as written.
      if ((tok.type === T.TOKEN_INT || tok.type === T.TOKEN_FLOAT) && /^[\d_.]*__/.test(lines[tok.lineno]?.slice(tok.colno) ?? ''))
        return false;
    }
  } catch {
    return false;
  }
  return true;
}

/** `0x1f`, `0o17`, `0b101` (the lexer reads them as names). */
const PREFIXED_INT = /^0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)$/;

function literal(node: AstNode): unknown {
  switch (node.typename) {
    case 'Group':
      return literal(only(node));
    case 'Literal':
      return node.isFloat && typeof node.value === 'number' ? toFloat(node.value) : node.value;
    case 'Symbol':
      return prefixedInt(node);
    case 'Array':
      return node.children.map(literal);
    case 'Tuple':
      return PyTuple.fromItems(node.children.map(literal));
    case 'Dict': {
      const out: Record<string, unknown> = {};
      for (const pair of node.children) {
        if (pair.typename !== 'Pair') throw new NotLiteral();
        const key = literal(pair.key as AstNode);
        checkHashable(key);
        setDictItem(out, key, literal(pair.value as AstNode));
      }
      return out;
    }
    case 'Neg':
    case 'Pos': {
      // Only a sign on a number literal: `-1`, `-(1)`, not `--1` or `-True`.
      let target = node.target as AstNode;
      while (target.typename === 'Group') target = only(target);
      const value =
        target.typename === 'Symbol'
          ? prefixedInt(target)
          : target.typename === 'Literal' && typeof target.value === 'number'
            ? literal(target)
            : undefined;
      if (value === undefined) throw new NotLiteral();
      return node.typename === 'Pos' ? value : toFloatLike(value, -Number(value));
    }
    default:
      throw new NotLiteral();
  }
}

function only(node: AstNode): AstNode {
  if (node.children.length !== 1) throw new NotLiteral();
  return node.children[0] as AstNode;
}

function prefixedInt(node: AstNode): number {
  const text = String(node.value);
  if (!PREFIXED_INT.test(text)) throw new NotLiteral();
  const digits = text.slice(2).replace(/_/g, '');
  return parseInt(digits, { x: 16, o: 8, b: 2 }[text.charAt(1).toLowerCase() as 'x' | 'o' | 'b']);
}

/** A negated number keeps its type: `-1.0` is a float. */
function toFloatLike(original: unknown, value: number): unknown {
  return typeof original === 'number' ? value : toFloat(value);
}

function checkHashable(key: unknown): void {
  if (key instanceof PyTuple) key.forEach(checkHashable);
  else if (Array.isArray(key) || isDict(key)) throw new PyError('TypeError', `unhashable type: '${typeName(key)}'`);
}

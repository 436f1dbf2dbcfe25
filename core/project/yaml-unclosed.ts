import type { CST } from 'yaml';
import { yamlLibrary } from '../template/yaml-library.js';

// The `yaml` library reports a quote or a flow collection left open where it gave up looking for
// the closing character, which is the end of the file; a user needs the line where it opened.

const UNCLOSED_QUOTE = /^Missing closing ["']quote/;
const UNCLOSED_FLOW = /end with a ([\]}])$/;

/** Quoted scalars left open (by the offset where the library stops reading them) and flow collections left open, in document order. */
interface LeftOpen {
  quotes: Map<number, number>;
  flows: { offset: number; open: string }[];
}

/**
 * For a text the `yaml` library refused: a function giving the offset of the quote, `[` or `{`
 * left open that one of its errors is about; undefined for any other error (which keeps the
 * library's own position). The text is tokenized once, when first needed.
 */
export function unclosedOpeners(text: string): (error: { message: string; pos: [number, number] }) => number | undefined {
  let open: LeftOpen | undefined;
  return (error) => {
    const message = error.message.split('\n')[0] ?? '';
    const quote = UNCLOSED_QUOTE.test(message);
    const close = UNCLOSED_FLOW.exec(message)?.[1];
    if (!quote && close === undefined) return undefined;
    open ??= leftOpen(text);
    if (quote) return open.quotes.get(error.pos[0]);
    // Nested collections left open all end where the outermost does: the innermost opened last.
    const bracket = close === ']' ? '[' : '{';
    for (let i = open.flows.length - 1; i >= 0; i--) {
      const flow = open.flows[i] as LeftOpen['flows'][number];
      if (flow.offset < error.pos[0] && flow.open === bracket) return flow.offset;
    }
    return undefined;
  };
}

function leftOpen(text: string): LeftOpen {
  const quotes = new Map<number, number>();
  const flows: LeftOpen['flows'] = [];
  for (const token of tokensOf(text)) {
    if (isUnclosedQuote(token)) quotes.set(token.offset + token.source.length, token.offset);
    else if (token.type === 'flow-collection' && token.end[0]?.source !== (token.start.source === '[' ? ']' : '}'))
      flows.push({ offset: token.offset, open: token.start.source });
  }
  return { quotes, flows };
}

function isUnclosedQuote(token: CST.Token): token is CST.FlowScalar {
  if (token.type !== 'double-quoted-scalar' && token.type !== 'single-quoted-scalar') return false;
  const quote = token.type === 'double-quoted-scalar' ? '"' : "'";
  return token.source.length === 1 || !token.source.endsWith(quote);
}

/** Every token of the text, depth first in document order, without recursion (nesting may be deep). */
function* tokensOf(text: string): Generator<CST.Token> {
  const stack: CST.Token[] = [...new (yamlLibrary().Parser)().parse(text)].reverse();
  for (let token = stack.pop(); token; token = stack.pop()) {
    yield token;
    const children: (CST.Token | undefined)[] = [];
    if (token.type === 'document') children.push(token.value);
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      for (const item of token.items) children.push('key' in item ? (item.key ?? undefined) : undefined, item.value);
    }
    for (let i = children.length - 1; i >= 0; i--) if (children[i]) stack.push(children[i] as CST.Token);
  }
}

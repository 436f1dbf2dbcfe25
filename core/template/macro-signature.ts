/** One parameter of a macro: its name and whether it has a default. */
export interface MacroParameter {
  name: string;
  hasDefault: boolean;
}

/** A macro's parameters and body, as written in its file. */
export interface MacroSignature {
  parameters: MacroParameter[];
  body: string;
}

/**
 * The signature of `{% macro name(...) %}` in a macro file's text (for `test_x`, also dbt's
 * `{% test x(...) %}`), read without compiling the file; undefined when the text has no such block.
 */
export function readMacroSignature(text: string, name: string): MacroSignature | undefined {
  const names = name.startsWith('test_') ? `(?:macro\\s+${name}|test\\s+${name.slice(5)})` : `macro\\s+${name}`;
  const header = new RegExp(`\\{%-?\\s*${names}\\s*\\(`).exec(text);
  if (!header) return undefined;
  const list = argumentList(text, header.index + header[0].length);
  if (!list) return undefined;
  const parameters = list.parts
    .map((part) => {
      const [param, ...fallback] = part.split('=');
      return { name: (param as string).trim(), hasDefault: fallback.length > 0 };
    })
    .filter((p) => p.name !== '');
  const end = /\{%-?\s*end(?:macro|test)\b/.exec(text.slice(list.close));
  return { parameters, body: text.slice(list.close, end ? list.close + end.index : undefined) };
}

/**
 * The comma-separated parts of the parenthesis opened just before `from` (commas inside strings
 * and brackets kept) and the index of its closing `)`; undefined when it is never closed.
 */
function argumentList(text: string, from: number): { parts: string[]; close: number } | undefined {
  const parts: string[] = [];
  let start = from;
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && depth-- === 0) return { parts: [...parts, text.slice(start, i)], close: i };
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return undefined;
}

/** CSV text that cannot be read: what is wrong, and the line it is on. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Calls `visit` with each record of CSV text, as csv-parse read seeds before (its defaults): fields
 * split on `delimiter`, `"` quotes with `""` for a quote inside them, records ending at \n, \r\n or
 * \r, empty lines skipped, a leading byte-order mark dropped. `line` is where the record starts and
 * `start` its offset in `text`. Written by hand, an exception to using libraries, because every
 * load of a project reads each seed's first MiB: csv-parse (which unit-test fixtures still use)
 * took 120-450 ms for that on our 2-core machines, this loop 4-40 ms.
 */
export function forEachCsvRecord(text: string, delimiter: string, visit: (fields: string[], line: number, start: number) => void): void {
  const n = text.length;
  const d0 = delimiter.charCodeAt(0);
  const isDelimiter = (at: number) => text.charCodeAt(at) === d0 && (delimiter.length === 1 || text.startsWith(delimiter, at));
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const first = text.charCodeAt(i);
    if (first === LF || first === CR) {
      i += first === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const start = i;
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        const opened = line;
        let value = '';
        let from = i + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close < 0) throw new CsvSyntaxError(`the quote opened on line ${opened} is never closed.`, opened);
          line += lineBreaks(text, from, close);
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += text.slice(from, close + 1);
            from = close + 2;
            continue;
          }
          value += text.slice(from, close);
          i = close + 1;
          break;
        }
        fields.push(value);
        if (i < n && isDelimiter(i)) {
          i += delimiter.length;
          continue;
        }
        const after = text.charCodeAt(i);
        if (i < n && after !== LF && after !== CR)
          throw new CsvSyntaxError(
            `'${text[i]}' follows a closing quote on line ${line}; a quote inside a quoted value is written twice ("").`,
            line,
          );
        break;
      }
      let j = i;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (c === LF || c === CR || (c === d0 && isDelimiter(j))) break;
        if (c === QUOTE)
          throw new CsvSyntaxError(
            `a quote inside an unquoted value on line ${line}: quote the whole value ("..."), with "" for each quote in it.`,
            line,
          );
      }
      fields.push(text.slice(i, j));
      i = j;
      if (i < n && isDelimiter(i)) {
        i += delimiter.length;
        continue;
      }
      break;
    }
    if (i < n) {
      i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
    }
    visit(fields, startLine, start);
  }
}

/** Line breaks (\n, \r\n or \r) in text[from, to). */
function lineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

/** The fields pg's DatabaseError carries besides its message (the server's ErrorResponse). */
interface PgErrorFields {
  message: string;
  /** 1-based character offset into the statement, as a string. */
  position?: string;
  detail?: string;
  hint?: string;
  /** Where the error arose inside a function or an internal query (e.g. a view's definition). */
  internalPosition?: string;
  internalQuery?: string;
}

/** The widest excerpt of a statement line shown; longer lines are cut around the position. */
const WINDOW = 160;

/**
 * Adds to a Postgres error's message what psql shows: the statement line the server points at as
 * `LINE n: …` with a caret under the offending spot, then DETAIL and HINT. The error object is
 * kept (callers read its `code`); only its message grows.
 */
export function explainQueryError(err: unknown, sql: string): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & PgErrorFields;
  const lines = [e.message];
  const excerpt = e.position
    ? pointAt(sql, Number(e.position))
    : e.internalPosition && e.internalQuery
      ? pointAt(e.internalQuery, Number(e.internalPosition), 'QUERY')
      : undefined;
  if (excerpt) lines.push(...excerpt);
  if (e.detail) lines.push(`DETAIL:  ${e.detail}`);
  if (e.hint) lines.push(`HINT:  ${e.hint}`);
  if (lines.length > 1) e.message = lines.join('\n');
  return e;
}

/** `LINE 3: select * form x` and a caret line under character `position` (1-based) of `text`. */
export function pointAt(text: string, position: number, label = 'LINE'): string[] | undefined {
  if (!Number.isInteger(position) || position < 1 || position > text.length + 1) return undefined;
  const before = text.slice(0, position - 1);
  const lineNo = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  let line = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
  let column = position - 1 - lineStart;
  if (line.length > WINDOW) {
    const start = Math.max(0, Math.min(column - WINDOW / 2, line.length - WINDOW));
    const cut = `${start > 0 ? '…' : ''}${line.slice(start, start + WINDOW)}${start + WINDOW < line.length ? '…' : ''}`;
    column = column - start + (start > 0 ? 1 : 0);
    line = cut;
  }
  // Tabs keep their width on the caret line, so the caret stays under the spot.
  const pad = line.slice(0, column).replace(/[^\t]/g, ' ');
  const prefix = label === 'LINE' ? `LINE ${lineNo}: ` : `${label}: `;
  return [`${prefix}${line}`, `${' '.repeat(prefix.length)}${pad}^`];
}

import type { ProgressRow } from './log-events.js';

/** dbt's default printer width. */
export const DEFAULT_PRINTER_WIDTH = 80;

/**
 * Lays out a progress row in at most `width` characters, dots between the text and the bracketed
 * status; a text too long for the row is cut in its middle with an ellipsis, so a row never wraps (`truncate`:
 * for a terminal; logs read by programs keep the whole text).
 */
export function layoutRow(row: ProgressRow, width: number, paint: (status: string) => string = (s) => s, truncate = true): string {
  const time = row.executionTime !== undefined ? ` in ${row.executionTime.toFixed(2)}s` : '';
  const tail = `[${row.status}${time}]`;
  const head = `${row.index} of ${row.total} `;
  // At least three dots and the spaces around them; what is left is for the text.
  const room = Math.max(1, width - head.length - tail.length - 5);
  const text = truncate && row.text.length > room ? shorten(row.text, room) : row.text;
  const dots = '.'.repeat(Math.max(3, width - head.length - text.length - tail.length - 2));
  return `${head}${text} ${dots} [${paint(row.status)}${time}]`;
}

/** `text` in `room` characters: its start (the verb) and its end (the relation's name) kept, the middle left out. */
function shorten(text: string, room: number): string {
  if (room < 2) return text.slice(0, room);
  const start = Math.floor((room - 1) * 0.4);
  return `${text.slice(0, start)}…${text.slice(text.length - (room - 1 - start))}`;
}

import type { ProgressRow } from './log-events.js';

/** dbt's default printer width. */
export const DEFAULT_PRINTER_WIDTH = 80;

/**
 * Lays out a progress row in at most `width` characters, dots between the text and the bracketed
 * status; a text too long for the row is cut with an ellipsis, so a row never wraps (`truncate`:
 * for a terminal; logs read by programs keep the whole text).
 */
export function layoutRow(row: ProgressRow, width: number, paint: (status: string) => string = (s) => s, truncate = true): string {
  const time = row.executionTime !== undefined ? ` in ${row.executionTime.toFixed(2)}s` : '';
  const tail = `[${row.status}${time}]`;
  const head = `${row.index} of ${row.total} `;
  // At least three dots and the spaces around them; what is left is for the text.
  const room = Math.max(1, width - head.length - tail.length - 5);
  const text = truncate && row.text.length > room ? `${row.text.slice(0, Math.max(0, room - 1))}…` : row.text;
  const dots = '.'.repeat(Math.max(3, width - head.length - text.length - tail.length - 2));
  return `${head}${text} ${dots} [${paint(row.status)}${time}]`;
}

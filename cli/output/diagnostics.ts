import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import type { Terminal } from './terminal.js';

/**
 * Prints diagnostics as `file:line:column: error[code]: message`, followed by the source line and
 * a caret when the file can be read. `baseDir` resolves project-relative paths.
 */
export function printDiagnostics(term: Terminal, diagnostics: readonly Diagnostic[], baseDir: string): void {
  for (const d of diagnostics) {
    const where = d.at ? `${d.at.file}:${d.at.line}:${d.at.column}: ` : '';
    const write = d.severity === 'error' ? term.err : term.out;
    write(`${where}${d.severity === 'error' ? 'error' : 'warning'}[${d.code}]: ${clipMessage(d.message)}`);
    const excerpt = d.at ? sourceExcerpt(isAbsolute(d.at.file) ? d.at.file : join(baseDir, d.at.file), d.at.line, d.at.column) : undefined;
    if (excerpt) for (const line of excerpt) write(line);
  }
}

// A diagnostic about a 5 MB line, or whose message quotes one, must not print it: the source line
// is shown as a window around the column and a message is cut in its middle (its end often holds a
// suggestion), each with … where text was left out.
const FRAME_WIDTH = 200;
const MESSAGE_HEAD = 700;
const MESSAGE_TAIL = 300;

function sourceExcerpt(file: string, line: number, column: number): string[] | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').split('\n')[line - 1];
  if (text === undefined) return undefined;
  const { shown, caret } = lineWindow(text, column);
  const gutter = String(line);
  return [`  ${gutter} | ${shown}`, `  ${' '.repeat(gutter.length)} | ${' '.repeat(caret)}^`];
}

/** At most {@link FRAME_WIDTH} characters of the line around the 1-based column, and where the caret goes in them. */
export function lineWindow(text: string, column: number): { shown: string; caret: number } {
  const at = Math.max(0, column - 1);
  if (text.length <= FRAME_WIDTH) return { shown: text, caret: at };
  const start = Math.max(0, Math.min(at - FRAME_WIDTH / 2, text.length - FRAME_WIDTH));
  const end = start + FRAME_WIDTH;
  const before = start > 0 ? '…' : '';
  return { shown: `${before}${text.slice(start, end)}${end < text.length ? '…' : ''}`, caret: at - start + before.length };
}

/** The message, with its middle left out when it is too long to read. */
export function clipMessage(message: string): string {
  if (message.length <= MESSAGE_HEAD + MESSAGE_TAIL) return message;
  return `${message.slice(0, MESSAGE_HEAD)}…${message.slice(-MESSAGE_TAIL)}`;
}

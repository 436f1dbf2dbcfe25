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
    write(`${where}${d.severity === 'error' ? 'error' : 'warning'}[${d.code}]: ${d.message}`);
    const excerpt = d.at ? sourceExcerpt(isAbsolute(d.at.file) ? d.at.file : join(baseDir, d.at.file), d.at.line, d.at.column) : undefined;
    if (excerpt) for (const line of excerpt) write(line);
  }
}

function sourceExcerpt(file: string, line: number, column: number): string[] | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').split('\n')[line - 1];
  if (text === undefined) return undefined;
  const gutter = String(line);
  return [`  ${gutter} | ${text}`, `  ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, column - 1))}^`];
}

import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { TemplateCallError } from './call-args.js';
import type { FastRenderError } from './fast-template.js';
import { PyError } from './py-values.js';

// Template errors as diagnostics: the file, line and column, the message, and the macros passed through.

interface NunjucksError extends Error {
  lineno?: number;
  colno?: number;
  cause?: unknown;
}
export interface MacroStackError extends Error {
  macroStack?: string[];
}

/** Turns a nunjucks error into a diagnostic at the template's line and column. */
export function toDiagnostic(err: unknown, file: string, fallback: 'template-syntax' | 'template-render'): Diagnostic {
  if (!(err instanceof Error)) throw err;
  const e = err as NunjucksError;
  const cause = e.cause instanceof TemplateCallError ? e.cause : undefined;
  // nunjucks prefixes "(path) [Line n, Column m]\n  "; keep only the message itself.
  const raw = cause
    ? cause.message
    : jinjaMessage(e.message.replace(/^\([^)]*\)(?: \[Line \d+, Column \d+\])?\s*/, '').replace(/^Error: /, ''));
  const message =
    (cause ? raw : `${fallback === 'template-syntax' ? 'Template syntax error' : 'Template error'}: ${raw.trim()}`) + macroStack(e);
  // The parser reports 1-based positions; render-time errors carry 0-based ones.
  const base = fallback === 'template-render' ? 1 : 0;
  const line = typeof e.lineno === 'number' ? e.lineno + base : 1;
  const column = typeof e.colno === 'number' ? e.colno + base : 1;
  return diagnostic(cause ? cause.code : fallback, message, { file, line, column });
}

/**
 * JavaScript's own messages, which reach a template only through a bug or a host function that
 * did not expect a template's value, in Jinja's words: a user should never read "Cannot read
 * properties of undefined".
 */
const JS_MESSAGES: [RegExp, string][] = [
  [/^TypeError: Cannot read properties of (?:undefined|null) \(reading '([^']*)'\)/, "UndefinedError: 'None' has no attribute '$1'"],
  [/^TypeError: Cannot convert undefined or null to object/, "TypeError: 'NoneType' object is not iterable"],
  [/^TypeError: (\S+) is not a function/, "TypeError: '$1' is not callable"],
  [/^TypeError: (\S+) is not iterable/, "TypeError: '$1' is not iterable"],
  [/^RangeError: Maximum call stack size exceeded/, 'RecursionError: maximum recursion depth exceeded'],
  [/^RangeError: Invalid (?:string|array) length/, 'MemoryError: the result is too large'],
];

export function jinjaMessage(message: string): string {
  for (const [pattern, replacement] of JS_MESSAGES) if (pattern.test(message)) return message.replace(pattern, replacement);
  return message;
}

/** " (in macro outer (macros/a.sql) → inner (macros/b.sql))": the macros an error passed through, outermost first. */
function macroStack(err: Error): string {
  const stack = ((err as NunjucksError).cause as MacroStackError | undefined)?.macroStack ?? (err as MacroStackError).macroStack;
  return stack?.length ? ` (in macro ${[...stack].reverse().join(' → ')})` : '';
}

/** A fast-path render error as a diagnostic at the expression that raised it. */
export function fastDiagnostic(err: FastRenderError, file: string, text: string): Diagnostic {
  const before = text.slice(0, err.offset);
  const at = { file, line: before.split('\n').length, column: err.offset - before.lastIndexOf('\n') };
  const cause = err.cause;
  if (cause instanceof TemplateCallError) return diagnostic(cause.code, cause.message + macroStack(err), at);
  const shown =
    cause instanceof PyError
      ? `${cause.kind}: ${cause.message}`
      : jinjaMessage(cause instanceof Error ? `${cause.name}: ${cause.message}` : err.message).replace(/^Error: /, '');
  return diagnostic('template-render', `Template error: ${shown}${macroStack(err)}`, at);
}

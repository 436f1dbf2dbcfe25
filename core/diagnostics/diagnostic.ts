import { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from './codes.js';

/** A place in a project file; line and column are 1-based. */
export interface SourceLocation {
  /** Path of the file, as given to the loader (absolute, or relative to the working directory). */
  file: string;
  /** 1-based line number. */
  line: number;
  /** 1-based column number. */
  column: number;
}

/** A problem found in user input, reported instead of thrown so that all problems show at once. */
export interface Diagnostic {
  /** Stable kebab-case code. */
  code: DiagnosticCode;
  /** Whether the problem stops the command. */
  severity: Severity;
  /** One or two sentences for the user, naming the thing that is wrong and how to fix it. */
  message: string;
  /** Where the problem is, when it has a place in a file. */
  at?: SourceLocation;
}

/** Builds a diagnostic with the code's default severity. */
export function diagnostic(code: DiagnosticCode, message: string, at?: SourceLocation): Diagnostic {
  return at ? { code, severity: DIAGNOSTIC_CODES[code], message, at } : { code, severity: DIAGNOSTIC_CODES[code], message };
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * Thrown by library entry points when user input is wrong. Carries every diagnostic found,
 * so callers print them all rather than the first.
 */
export class StrataUserError extends Error {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('\n'));
    this.name = 'StrataUserError';
    this.diagnostics = diagnostics;
  }
}

/** Throws a {@link StrataUserError} when the list holds an error; returns the warnings otherwise. */
export function throwIfErrors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  if (hasErrors(diagnostics)) throw new StrataUserError(diagnostics);
  return diagnostics.filter((d) => d.severity !== 'error');
}

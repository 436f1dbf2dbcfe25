import { diagnostic, type Diagnostic } from './diagnostic.js';
import type { DiagnosticCode } from './codes.js';

/**
 * Thrown when the world around the project stops a command: a database that does not answer or
 * refuses the login, a database file another process holds, a run lock not granted in time.
 * Neither a bug nor a mistake in the project's files, so the CLI prints the one sentence (what
 * to check) without a stack trace, and exits 2 as dbt does for errors that stop an invocation.
 */
export class StrataEnvironmentError extends Error {
  readonly diagnostic: Diagnostic;

  constructor(code: DiagnosticCode, message: string) {
    super(message);
    this.name = 'StrataEnvironmentError';
    this.diagnostic = diagnostic(code, message);
  }
}

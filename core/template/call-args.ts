/** Keyword arguments as nunjucks passes them: a trailing object flagged `__keywords`. */
export type Keywords = Record<string, unknown>;

/** Splits nunjucks call arguments into positional values and keyword arguments. */
export function splitArgs(args: readonly unknown[]): { positional: unknown[]; keywords: Keywords } {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords === true) {
    const { __keywords: _flag, ...keywords } = last as Keywords;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: [...args], keywords: {} };
}

/** A template-level error with a Strata diagnostic code; the engine adds file and line. */
export class TemplateCallError extends Error {
  readonly code:
    | 'unknown-ref'
    | 'unknown-source'
    | 'missing-var'
    | 'missing-env-var'
    | 'invalid-config'
    | 'template-render'
    | 'disabled-ref'
    | 'invalid-unit-test'
    | 'unknown-macro'
    | 'database-error';

  constructor(code: TemplateCallError['code'], message: string) {
    super(message);
    this.name = 'TemplateCallError';
    this.code = code;
  }
}

/** A macro file: `{% macro %}` blocks callable from every template. */
export interface MacroSource {
  /** Path used in error messages. */
  file: string;
  /** File text. */
  text: string;
  /** Shipped with Strata: a project macro of the same name replaces it instead of clashing. */
  builtin?: boolean;
  /** Installed package that defines it (absent: the root project). */
  package?: string;
}

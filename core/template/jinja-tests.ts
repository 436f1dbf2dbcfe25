/**
 * Jinja2's built-in tests with Python semantics, on template values (see py-values.ts): what
 * `{{ value is name(args) }}` calls.
 */

/** A test: the value, then the test's arguments. */
export type Test = (value: unknown, ...args: unknown[]) => boolean;

export const JINJA_TESTS: Record<string, Test> = {
  none: (v) => v === null,
};

import { splitArgs } from './call-args.js';

/**
 * Jinja2's built-in filters with Python semantics, on template values (see py-values.ts):
 * what `{{ value | name(args) }}` calls. Keyword arguments arrive as nunjucks passes them (a
 * trailing object flagged `__keywords`; see call-args.ts).
 */

/** A filter: the value, then the filter's arguments. */
export type Filter = (value: unknown, ...args: unknown[]) => unknown;

export const JINJA_FILTERS: Record<string, Filter> = {
  unique: (v) => [...new Set(v as unknown[])],
  attr: (v, name) => (v as Record<string, unknown>)[String(name)],
  items: (v) => Object.entries(v as object),
  tojson: (v, ...rest) => JSON.stringify(v, null, splitArgs(rest).keywords.indent as number | undefined),
};

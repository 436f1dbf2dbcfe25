import type { SourceLocation } from '../diagnostics/diagnostic.js';

/** One selection atom, e.g. `2+tag:nightly+`, `@orders`, `staging.*`. */
export interface SelectorAtom {
  /** Selection method: `fqn`, `tag`, `path`, `resource_type`, `package`, `source`, `config.<key>`. */
  method: string;
  /** Value after the colon (or the whole atom for the default method). */
  value: string;
  /** Include ancestors, to this depth (Infinity for a bare `+`). */
  parents?: number;
  /** Include descendants, to this depth. */
  children?: number;
  /** `@`: descendants and all their ancestors. */
  childrenWithParents?: boolean;
  /** The atom as written, for messages. */
  text: string;
  /** Where it is written, when in a file (selectors.yml). */
  at?: SourceLocation;
}

const ATOM = /^(@)?(?:(\d*)\+)?([^+]+?)(?:\+(\d*))?$/;

/** Parses one space-separated term: atoms joined by commas (intersection). */
export function parseTerm(term: string): SelectorAtom[] | string {
  const atoms: SelectorAtom[] = [];
  for (const text of term.split(',')) {
    const match = ATOM.exec(text);
    if (!match || text.length === 0) return `Cannot read selector '${text}'.`;
    const [, at, parentDepth, body, childDepth] = match as unknown as [
      string,
      string | undefined,
      string | undefined,
      string,
      string | undefined,
    ];
    const colon = body.indexOf(':');
    const explicit = /^[A-Za-z_][\w.]*:/.test(body);
    const atom: SelectorAtom = {
      method: explicit ? body.slice(0, colon) : defaultMethod(body),
      value: explicit ? body.slice(colon + 1) : body,
      text,
    };
    if (parentDepth !== undefined) atom.parents = parentDepth === '' ? Infinity : Number(parentDepth);
    if (childDepth !== undefined) atom.children = childDepth === '' ? Infinity : Number(childDepth);
    if (at) atom.childrenWithParents = true;
    atoms.push(atom);
  }
  return atoms;
}

/** dbt's rule: a value with a slash or a file extension is a path, anything else an fqn. */
function defaultMethod(value: string): string {
  return value.includes('/') || /\.(sql|csv|py|yml)$/.test(value) ? 'path' : 'fqn';
}

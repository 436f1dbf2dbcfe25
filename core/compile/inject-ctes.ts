/** A named CTE to put in front of a query. */
export interface Cte {
  /** CTE name, already quoted for the dialect. */
  name: string;
  /** The CTE's select statement. */
  sql: string;
}

const LEADING_COMMENTS = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
const WITH = /^with(\s+recursive)?\b/i;

/**
 * Puts CTEs in front of a query. When the query already starts with `with`, the CTEs join its
 * list (a second `with` would be invalid SQL); leading comments stay where they are.
 */
export function injectCtes(sql: string, ctes: readonly Cte[]): string {
  if (ctes.length === 0) return sql;
  const prefix = LEADING_COMMENTS.exec(sql)?.[0] ?? '';
  const body = sql.slice(prefix.length);
  const list = ctes.map((c) => `${c.name} as (\n${c.sql.trim()}\n)`).join(',\n');
  const existing = WITH.exec(body);
  if (existing) return `${prefix}${existing[0]} ${list},\n${body.slice(existing[0].length).trimStart()}`;
  return `${prefix}with ${list}\n${body}`;
}

/**
 * A model's select, ready to follow `as`: trailing semicolons dropped and a final newline added,
 * so a trailing `-- comment` cannot swallow what the dialect appends.
 */
export function selectBody(sql: string): string {
  return `${sql
    .trim()
    .replace(/;+\s*$/, '')
    .trimEnd()}\n`;
}

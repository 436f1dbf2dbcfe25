/** dbt's `_HAS_RENDER_CHARS_PAT`: text without these is never a template. */
const RENDER_CHARS = /\{[{%#]|[#}%]\}/;

/** Whether a string would be rendered at all (has Jinja delimiters), as dbt decides before rendering a value. */
export function hasRenderChars(text: string): boolean {
  return RENDER_CHARS.test(text);
}

import { Marked, type Tokens } from 'marked';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

// Descriptions are user text: raw HTML in them is shown as text, and links may only go to
// http(s), mailto or in-page anchors, so a description can never run script in the docs site.
const markdown = new Marked({
  gfm: true,
  renderer: {
    html: (token: Tokens.HTML | Tokens.Tag) => escapeHtml(token.text),
    link(token: Tokens.Link) {
      const safe = /^(https?:|mailto:|#)/i.test(token.href.trim());
      const text = this.parser.parseInline(token.tokens);
      return safe ? `<a href="${escapeHtml(token.href)}" rel="noopener noreferrer">${text}</a>` : text;
    },
    image: (token: Tokens.Image) => escapeHtml(token.text),
  },
});

/** Markdown to HTML that is safe to insert into the docs site. */
export function renderMarkdown(text: string): string {
  if (!text.trim()) return '';
  return markdown.parse(text, { async: false });
}

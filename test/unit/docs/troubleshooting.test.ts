import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Every line of Strata's source (core, cli, adapters), where the messages are written. */
function sourceText(): string {
  return ['core', 'cli', 'adapters']
    .flatMap((dir) =>
      readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8')),
    )
    .join('\n')
    .replace(/\\'/g, "'");
}

/** The messages the page quotes: lines of its plain code blocks and the code in its tables' first column. */
function quotedMessages(markdown: string): string[] {
  const blockLines: string[] = [];
  let fence: string | undefined; // the language of the open block ('' for a plain one)
  for (const line of markdown.split('\n')) {
    const opening = /^```(\w*)$/.exec(line);
    if (fence === undefined && opening) fence = opening[1];
    else if (fence !== undefined && line === '```') fence = undefined;
    else if (fence === '') blockLines.push(line);
  }
  const tableCells = markdown
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---') && !line.startsWith('| Message'))
    .flatMap((line) => [...(line.split(' | ')[0] as string).matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
  return [...blockLines, ...tableCells]
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== '...')
    .filter((line) => !/^\d+ \||^\||^\d+ of \d+ /.test(line)); // source excerpts, carets and progress rows
}

/**
 * Whether `text` is made of pieces of the source: a message is put together from several strings
 * (`${what}. Let it finish`), so it is cut where one ends. Each piece is at least 8 characters, or
 * punctuation, so a reworded message does not pass on words found elsewhere in the code.
 */
function madeOfSource(text: string, source: string): boolean {
  // longest[i]: the end of the longest piece of the source starting at i (never less than longest[i - 1]).
  const longest: number[] = [];
  for (let i = 0, end = 0; i < text.length; i++) {
    end = Math.max(end, i);
    while (end < text.length && source.includes(text.slice(i, end + 1))) end++;
    longest.push(end);
  }
  // fits[i]: text from i on splits into such pieces.
  const fits: boolean[] = [];
  fits[text.length] = true;
  for (let i = text.length - 1; i >= 0; i--) {
    fits[i] = false;
    for (let j = i + 1; j <= (longest[i] as number) && !fits[i]; j++)
      fits[i] = (j - i >= 8 || /^[\s\p{P}]{1,3}$/u.test(text.slice(i, j))) && fits[j] === true;
  }
  return fits[0] === true;
}

/** The words the database says itself, which the page quotes after Strata's own. */
const DATABASE_WORDS = [': permission denied for database '];

describe('docs/troubleshooting.md', () => {
  it("quotes Strata's messages as the code writes them (placeholders in <angle brackets>)", () => {
    const source = sourceText();
    const messages = quotedMessages(readFileSync(join(ROOT, 'docs/troubleshooting.md'), 'utf8'));
    expect(messages.length).toBeGreaterThan(15);
    const missing: string[] = [];
    for (const message of messages) {
      const text = message.replace(/^(?:\S+:\d+:\d+: )?error\[[a-z-]+\]: /, '');
      for (const fragment of text.split(/<[^<>]+>/)) {
        const words = DATABASE_WORDS.reduce((f, db) => f.replace(db, ''), fragment).trim();
        if (words.length >= 8 && !madeOfSource(words, source)) missing.push(`${JSON.stringify(words)} (from: ${message})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('tells a reworded message from a real one', () => {
    const source = 'const what = `Another run (${holder}) is writing`;\nthrow fail(`${what}. Let it finish, or raise --lock-timeout.`);';
    expect(madeOfSource('Another run (', source)).toBe(true);
    expect(madeOfSource(') is writing. Let it finish, or raise --lock-timeout.', source)).toBe(true);
    expect(madeOfSource(') is writing. Let it end, or raise --lock-timeout.', source)).toBe(false);
  });
});

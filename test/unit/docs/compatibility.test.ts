import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

interface Row {
  feature: string;
  works: string;
  example: string;
  test: string;
}

/** The feature tables of docs/compatibility.md (cells split on unescaped pipes). */
function rows(): Row[] {
  const text = readFileSync(resolve(ROOT, 'docs/compatibility.md'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Feature') && !line.startsWith('| ---'))
    .map((line) => {
      const cells = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replaceAll('\\|', '|'));
      const [feature = '', works = '', example = '', test = ''] = cells;
      return { feature, works, example: example.replace(/^`|`$/g, ''), test };
    });
}

describe('docs/compatibility.md', () => {
  const table = rows();

  it('lists features in tables of feature, works (yes, partly, no), example and test', () => {
    expect(table.length).toBeGreaterThan(40);
    for (const row of table) expect(['yes', 'partly', 'no'], row.feature).toContain(row.works);
  });

  it('claims only what a test shows: each working feature names a test file that contains its example verbatim', () => {
    for (const row of table.filter((r) => r.works !== 'no')) {
      expect(row.example, row.feature).not.toBe('');
      const file = resolve(ROOT, row.test);
      expect(existsSync(file), `${row.feature}: ${row.test} does not exist`).toBe(true);
      expect(readFileSync(file, 'utf8').includes(row.example), `${row.feature}: '${row.example}' is not in ${row.test}`).toBe(true);
    }
  });

  it('names no test for features that do not work', () => {
    for (const row of table.filter((r) => r.works === 'no')) expect(row.test, row.feature).toBe('');
  });
});

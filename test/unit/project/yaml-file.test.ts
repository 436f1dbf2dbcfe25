import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseYaml, validateYaml } from '../../../core/project/yaml-file.js';

const repo = resolve(import.meta.dirname, '../../..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.') || name === 'dist') return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** What the `yaml` library (which also gives positions) makes of a text: the reference. */
const reference = (text: string) => parseDocument(text, { uniqueKeys: true }).toJS() as unknown;

// Values are read with js-yaml (fast) and positions with `yaml` (slow, only for diagnostics):
// the two must agree on every value, or a diagnostic would point at something else than was read.
describe('parseYaml', () => {
  const files = [...yamlFiles(join(repo, 'examples')), ...yamlFiles(join(repo, 'test'))];

  it("finds the repository's YAML files", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [f.slice(repo.length + 1), f]))('reads %s as the yaml library does', (_, file) => {
    const text = readFileSync(file, 'utf8');
    expect(parseYaml(file, text).yaml?.value).toEqual(reference(text));
  });

  it.each([
    [
      'YAML 1.2 scalars',
      'a: yes\nb: no\nc: on\nd: 0o17\ne: 0x1F\nf: .inf\ng: -.Inf\nh: ~\ni: Null\nj: TRUE\nk: 1e3\nl: 2024-01-01\nm: 012\nn: "2"\n',
    ],
    ['anchors and aliases', 'base: &b {materialized: view, tags: [a]}\nmodels:\n  - name: x\n    config: *b\n'],
    ['a merge key stays a key (yaml 1.2 has none)', 'base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n'],
    ['block scalars', 'd: |\n  line one\n  line two\ne: >-\n  folded\n  text\n'],
    ['an empty file', ''],
    ['only comments', '# nothing here\n'],
    ['quoted keys and unicode', '"a b": 1\n\'c\': "ü \\u00e9"\n'],
    ['tagged strings', 'a: !!str 1\nb: !!int "2"\n'],
  ])('%s', (_, text) => {
    expect(parseYaml('x.yml', text).yaml?.value).toEqual(reference(text));
  });

  it.each([
    ['a duplicate key', 'a: 1\na: 2\n', 2],
    ['a bad indentation', 'models:\n  - name: a\n   description: b\n', 3],
    // Left open: the line where it opens, not the end of the file where the library noticed.
    ['an unclosed flow mapping', 'a: {b: 1\n', 1],
    ['an unclosed flow sequence in a block', 'a:\n  b: [1, 2\nc: 3\n', 2],
    ['an unclosed double quote', 'a: 1\nb: "x\nc: 2\nd: 3\n', 2],
    ['an unclosed single quote', "a:\n  b: 'x\n  c: 2\n", 2],
  ])('reports %s with its line', (_, text, line) => {
    const parsed = parseYaml('x.yml', text);
    expect(parsed.yaml).toBeUndefined();
    expect(parsed.diagnostics[0]?.code).toBe('yaml-syntax');
    expect(parsed.diagnostics[0]?.at?.line).toBe(line);
  });

  it('reports flow mappings nested deeply and left open once, not once for each', () => {
    const parsed = parseYaml('x.yml', `a:\n  b: ${'{c: '.repeat(200)}1\n`);
    expect(parsed.diagnostics).toHaveLength(1);
    expect(parsed.diagnostics[0]?.at?.line).toBe(2);
  });

  it('locates keys in a file whose value came from the fast reader', () => {
    const parsed = parseYaml('x.yml', 'models:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique]\n');
    expect(parsed.yaml?.locate(['models', 0, 'columns', 0], 'tests')).toMatchObject({ file: 'x.yml', line: 5, column: 9 });
  });
});

describe('validateYaml', () => {
  const schema = z.strictObject({ materialized: z.string(), tags: z.array(z.string()).optional() }).partial();
  const at = (value: unknown) => ({ file: 'm.sql', value, locate: () => ({ file: 'm.sql', line: 3, column: 1 }) });

  it('gives each caller its own copy of a value validated before', () => {
    const first = validateYaml(at({ materialized: 'table', tags: ['a'] }), schema, { materialized: 'table', tags: ['a'] }, [], 'config()');
    first.data?.tags?.push('changed by the first caller');
    const second = validateYaml(at({ materialized: 'table', tags: ['a'] }), schema, { materialized: 'table', tags: ['a'] }, [], 'config()');
    expect(second).toEqual({ data: { materialized: 'table', tags: ['a'] }, diagnostics: [] });
  });

  it('reports an invalid value every time, at its own place', () => {
    for (let i = 0; i < 2; i++) {
      const checked = validateYaml(at({ materialised: 'table' }), schema, { materialised: 'table' }, [], 'config()');
      expect(checked.data).toBeUndefined();
      expect(checked.diagnostics.map((d) => [d.code, d.message, d.at?.line])).toEqual([
        ['unknown-key', "Unknown key 'materialised' in config(). Did you mean 'materialized'?", 3],
      ]);
    }
  });

  it('validates values JSON cannot tell apart (undefined, class instances) every time', () => {
    class Relation {
      toString() {
        return 'x';
      }
    }
    expect(
      validateYaml(at({ materialized: new Relation() }), schema, { materialized: new Relation() }, [], 'config()').diagnostics,
    ).toHaveLength(1);
    expect(validateYaml(at({ materialized: undefined }), schema, { materialized: undefined }, [], 'config()').diagnostics).toEqual([]);
  });
});

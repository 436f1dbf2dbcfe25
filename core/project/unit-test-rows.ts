import { CsvError, parse } from 'csv-parse/sync';
import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { findFiles, type FoundFile } from './files.js';
import type { ProjectNode, UnitTestRows } from './types.js';
import { readProjectText } from './read-text.js';

/** A `given:` or `expect:` entry's rows as written: inline `rows`, or a `fixture` file's name. */
export interface RowsSpec {
  rows?: unknown;
  format?: 'dict' | 'csv' | 'sql';
  fixture?: string;
}

/** Where `fixture:` files are looked for: every `<test-path>/fixtures/` folder, recursively, as in dbt. */
export interface FixtureFolders {
  /** Project root. */
  root: string;
  /** The project's `test-paths`. */
  testPaths: readonly string[];
}

/** Fixture files by file name (`orders.csv`), listed on first use. */
export type FixtureFiles = () => ReadonlyMap<string, readonly FoundFile[]>;

/** A lazy listing of the project's fixture files (most projects have none, and never look). */
export function fixtureFiles({ root, testPaths }: FixtureFolders): FixtureFiles {
  let found: Map<string, FoundFile[]> | undefined;
  return () => {
    if (found) return found;
    found = new Map();
    for (const file of findFiles(
      root,
      testPaths.map((t) => `${t}/fixtures`),
      ['.csv', '.sql'],
    )) {
      const name = file.fromFolder.split('/').pop() as string;
      found.set(name, [...(found.get(name) ?? []), file]);
    }
    return found;
  };
}

/**
 * A unit test's rows: dict rows as written; CSV (inline or a fixture file) read into rows of text,
 * empty fields NULL, as dbt stores them; SQL text as written or read from the fixture file.
 */
export function unitTestRows(
  spec: RowsSpec,
  test: string,
  at: SourceLocation,
  fixtures: FixtureFiles,
  folders: readonly string[],
  diagnostics: Diagnostic[],
): UnitTestRows {
  const format = spec.format ?? 'dict';
  const problem = (message: string, where: SourceLocation = at) =>
    diagnostics.push(diagnostic('invalid-unit-test', `Unit test '${test}': ${message}`, where));
  if (spec.fixture !== undefined) {
    const empty: UnitTestRows = { format, rows: format === 'sql' ? '' : [], fixture: spec.fixture };
    if (spec.rows !== undefined) problem(`give either 'rows' or 'fixture', not both.`);
    if (format === 'dict') {
      problem(`fixture '${spec.fixture}' needs 'format: csv' or 'format: sql' (a fixture file holds CSV or SQL).`);
      return empty;
    }
    const file = fixtureFile(spec.fixture, format, fixtures, folders, problem);
    if (!file) return empty;
    const text = readProjectText(file.absolute, file.fromRoot, diagnostics);
    return {
      ...empty,
      rows: format === 'csv' ? csvRows(text, (message, line) => problem(message, { file: file.fromRoot, line, column: 1 })) : text,
    };
  }
  const rows = spec.rows ?? (format === 'dict' ? [] : '');
  if (format === 'dict') {
    if (!Array.isArray(rows)) problem('rows in dict format must be a list of mappings.');
    return { format, rows: Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [] };
  }
  if (typeof rows !== 'string') {
    problem(`rows in ${format} format must be text.`);
    return { format, rows: format === 'csv' ? [] : '' };
  }
  return { format, rows: format === 'csv' ? csvRows(rows, (message) => problem(message)) : rows };
}

/** `<name>.csv` or `<name>.sql` under a fixtures folder; missing or ambiguous names are errors. */
function fixtureFile(
  name: string,
  format: 'csv' | 'sql',
  fixtures: FixtureFiles,
  folders: readonly string[],
  problem: (message: string) => void,
): FoundFile | undefined {
  const fileName = `${name}.${format}`;
  const found = fixtures().get(fileName) ?? [];
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    problem(`fixture '${name}' is ambiguous: ${found.map((f) => f.fromRoot).join(' and ')}. Rename one.`);
    return undefined;
  }
  const other = fixtures().get(`${name}.${format === 'csv' ? 'sql' : 'csv'}`)?.[0];
  const hint = other
    ? ` (${other.fromRoot} exists: use format: ${format === 'csv' ? 'sql' : 'csv'})`
    : didYouMean(
        name,
        [...fixtures().keys()].filter((f) => f.endsWith(`.${format}`)).map((f) => f.slice(0, -format.length - 1)),
      );
  problem(`fixture file '${fileName}' not found in ${folders.map((f) => `${f}/fixtures/`).join(', ')}.${hint}`);
  return undefined;
}

/**
 * A seed's rows, for a `given:` input that refers to a seed without `rows` or `fixture` (dbt reads
 * the seed's CSV file then): text by header name, empty fields NULL, read with the seed's delimiter.
 * The file is read here, only for such a test: a seed node does not carry its rows.
 */
export function seedRows(seed: ProjectNode, test: string, diagnostics: Diagnostic[]): UnitTestRows {
  // Checked for UTF-8 when the seed was loaded.
  const rows = csvRows(
    readProjectText(seed.absolutePath, seed.originalFilePath, []),
    (message, line) =>
      diagnostics.push(
        diagnostic('invalid-unit-test', `Unit test '${test}': seed ${seed.name}: ${message}`, {
          file: seed.originalFilePath,
          line,
          column: 1,
        }),
      ),
    seed.config.delimiter,
  );
  return { format: 'csv', rows };
}

/** CSV text as rows of text by header name, empty fields NULL; malformed CSV is reported with its line. */
function csvRows(text: string, malformed: (message: string, line: number) => void, delimiter = ','): Record<string, string | null>[] {
  try {
    const parsed = parse(text.trim(), { bom: true, columns: true, skip_empty_lines: true, delimiter }) as Record<string, string>[];
    return parsed.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === '' ? null : v])));
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    malformed(`malformed CSV: ${err.message}`, (err as CsvError & { lines?: number }).lines ?? 1);
    return [];
  }
}

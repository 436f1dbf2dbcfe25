import { hash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachCsvRecord } from '../../../core/project/csv-records.js';
import { readSeedColumns } from '../../../core/project/seed-columns.js';
import { readSeedSample, SEED_SAMPLE_BYTES } from '../../../core/project/seed-file.js';
import type { Diagnostic } from '../../../core/diagnostics/diagnostic.js';
import { writeProject } from '../../helpers/temp-project.js';

const sha256 = (text: string) => hash('sha256', text, 'hex');

function sample(contents: string | Buffer) {
  const dir = writeProject({ 'seeds/s.csv': '' });
  const file = join(dir, 'seeds/s.csv');
  writeFileSync(file, contents);
  const diagnostics: Diagnostic[] = [];
  return { ...readSeedSample(file, 'seeds/s.csv', diagnostics), diagnostics };
}

function records(text: string, delimiter = ','): [string[], number][] {
  const out: [string[], number][] = [];
  forEachCsvRecord(text, delimiter, (fields, line) => out.push([fields, line]));
  return out;
}

describe('seed files', () => {
  it("checksum a seed up to 1 MiB as dbt does: sha256 of the text with Python's strip() (which keeps a BOM)", () => {
    expect(sample('id\n1\n\n').checksum).toEqual({ name: 'sha256', checksum: sha256('id\n1') });
    expect(sample('\ufeffid\n1\n').checksum).toEqual({ name: 'sha256', checksum: sha256('\ufeffid\n1') });
    const small = sample('  id,name\r\n1,a\r\n');
    expect(small).toMatchObject({ whole: true, text: '  id,name\r\n1,a\r\n', checksum: { checksum: sha256('id,name\r\n1,a') } });
  });

  it('read a seed over 1 MiB only up to the first record end past 1 MiB, and checksum it by its path', () => {
    const row = '12345,"a value, with a comma",2024-01-01\n';
    const rows = Math.ceil(SEED_SAMPLE_BYTES / row.length) + 1000;
    // A quoted line break straddles the 1 MiB mark: the sample must not end inside it.
    const before = Math.floor(SEED_SAMPLE_BYTES / row.length) - 1;
    const quoted = `99,"${'x'.repeat(row.length)}\n${'y'.repeat(row.length)}",2024-01-02\n`;
    const text = `id,label,day\n${row.repeat(before)}${quoted}${row.repeat(rows - before)}`;
    const read = sample(text);
    expect(read.whole).toBe(false);
    expect(read.checksum).toEqual({ name: 'path', checksum: 'seeds/s.csv' });
    // The mark falls inside the quoted value, before its line break: the sample ends with that record.
    expect(text.indexOf(quoted)).toBeLessThan(SEED_SAMPLE_BYTES);
    expect(text.indexOf(quoted) + quoted.indexOf('\n')).toBeGreaterThan(SEED_SAMPLE_BYTES);
    expect(text.startsWith(read.text) && read.text.endsWith(quoted)).toBe(true);
    const columns = readSeedColumns('seeds/s.csv', read.text);
    expect(columns.diagnostics).toEqual([]);
    expect(columns.columns.map((c) => c.inferred)).toEqual(['integer', 'text', 'date']);
    expect(columns.rows).toBeGreaterThan(before);
  });

  it('report bytes that are not UTF-8 in the sample, at their line', () => {
    const read = sample(Buffer.from('id,name\n1,caf\xe9\n', 'latin1'));
    expect(read.diagnostics.map((d) => [d.code, d.at?.line])).toEqual([['file-not-utf8', 2]]);
  });

  it('split records as csv-parse did: quotes, doubled quotes, line ends of every kind, empty lines, a BOM', () => {
    expect(records('\ufeffa,b\r\n1,"x, ""y"""\r\n\r\n2,"multi\r\nline"\r3,\n')).toEqual([
      [['a', 'b'], 1],
      [['1', 'x, "y"'], 2],
      [['2', 'multi\r\nline'], 4],
      [['3', ''], 6],
    ]);
    expect(records('a;;b\n1;;2', ';;')).toEqual([
      [['a', 'b'], 1],
      [['1', '2'], 2],
    ]);
    expect(records('a\n""\n')).toEqual([
      [['a'], 1],
      [[''], 2],
    ]);
  });

  it('name the line of a quote left open, a stray quote and a ragged row', () => {
    const problem = (text: string) => readSeedColumns('s.csv', text).diagnostics.map((d) => [d.message, d.at?.line]);
    expect(problem('id,name\n1,"a\n2,b\n')).toEqual([['Malformed CSV: the quote opened on line 2 is never closed.', 2]]);
    expect(problem('id,name\n1,a"b\n')).toEqual([
      ['Malformed CSV: a quote inside an unquoted value on line 2: quote the whole value ("..."), with "" for each quote in it.', 2],
    ]);
    expect(problem('id,name\n1,"a"b\n')).toEqual([
      [`Malformed CSV: 'b' follows a closing quote on line 2; a quote inside a quoted value is written twice ("").`, 2],
    ]);
    expect(problem('id,name\n1,"a\nb"\n2,b,c\n')).toEqual([['Malformed CSV: line 4 has 3 fields, the header 2.', 4]]);
    expect(problem('')).toEqual([['The seed is empty: it needs at least a header row naming its columns.', 1]]);
  });
});

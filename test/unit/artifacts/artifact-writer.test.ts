import { readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFileWriter, type FileBatch } from '../../../core/artifacts/artifact-writer.js';
import { writeProject } from '../../helpers/temp-project.js';

describe('startFileWriter', () => {
  it('writes many files in several folders (two threads), then only what changed or was touched', async () => {
    const root = writeProject({});
    const ledger = join(root, 'compiled/.ledger.json');
    // 2,500 files (enough for the second thread) in folders of different sizes.
    const files: FileBatch = Array.from({ length: 2_500 }, (_, i) => [
      join(root, 'compiled', `folder_${i % 7 === 0 ? 'small' : i % 2}`, `f${i}.sql`),
      `select ${i}`,
    ]);
    expect(await startFileWriter().write(files, ledger)).toBe(2_500);
    expect(files.every(([file, text]) => readFileSync(file, 'utf8') === text)).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(ledger, 'utf8')) as object)).toHaveLength(2_500);

    expect(await startFileWriter().write(files, ledger)).toBe(0);

    const changed: FileBatch = files.map(([file, text], i) => [file, i === 3 ? 'select changed' : text]);
    const touched = (files[10] as [string, string])[0];
    utimesSync(touched, new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(await startFileWriter().write(changed, ledger)).toBe(2);
    expect(readFileSync((files[3] as [string, string])[0], 'utf8')).toBe('select changed');
    expect(readFileSync(touched, 'utf8')).toBe('select 10');
  });

  it('writes texts as they are, empty ones and ones with a NUL character too', async () => {
    const root = writeProject({});
    const files: FileBatch = [
      [join(root, 'x/empty.sql'), ''],
      [join(root, 'x/nul.sql'), 'select 1\u0000 -- odd'],
      [join(root, 'x/plain.sql'), 'select 2'],
    ];
    expect(await startFileWriter().write(files)).toBe(3);
    expect(files.map(([file]) => readFileSync(file, 'utf8'))).toEqual(['', 'select 1\u0000 -- odd', 'select 2']);
    expect(
      await startFileWriter().write([
        [join(root, 'x/e2.sql'), ''],
        [join(root, 'x/p2.sql'), 'select 3'],
      ]),
    ).toBe(2);
    expect(readFileSync(join(root, 'x/e2.sql'), 'utf8')).toBe('');
    expect(await startFileWriter().write([])).toBe(0);
  });

  it('writes a few files with one thread, and stops cleanly when cancelled', async () => {
    const root = writeProject({});
    expect(await startFileWriter().write([[join(root, 'a/b.sql'), 'select 1']])).toBe(1);
    expect(readFileSync(join(root, 'a/b.sql'), 'utf8')).toBe('select 1');
    startFileWriter().cancel();
  });
});

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

describe('compiled SQL files', () => {
  it('are rewritten when the SQL changes or the file was touched, and left alone otherwise', async () => {
    const files: Record<string, string> = { 'dbt_project.yml': projectYml('p') };
    // Enough models for the background writer.
    for (let i = 0; i < 250; i++) files[`models/m${i}.sql`] = i === 0 ? 'select 1 as x' : `select * from {{ ref('m${i - 1}') }}`;
    const dir = writeProject(files);
    const compile = async () => expect((await cli(['compile', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
    const path = (i: number) => join(dir, `target/compiled/p/models/m${i}.sql`);
    await compile();
    // A file left alone cannot be told by its mtime on coarse file systems, so m0's compiled file
    // gets a mark the writer's ledger vouches for (same text hash; its size and mtime as now): a
    // writer that skips it keeps the mark, one that rewrites it loses it.
    const ledgerFile = join(dir, 'target/compiled/.strata-written.json');
    const ledger = JSON.parse(readFileSync(ledgerFile, 'utf8')) as Record<string, [string, number, number]>;
    writeFileSync(path(0), '-- kept\n');
    const marked = statSync(path(0));
    ledger[path(0)] = [(ledger[path(0)] as [string, number, number])[0], marked.size, marked.mtimeMs];
    writeFileSync(ledgerFile, JSON.stringify(ledger));
    writeFiles(dir, { 'models/m1.sql': "select * from {{ ref('m0') }} where x > 0" });
    writeFileSync(path(2), 'edited by hand');
    await compile();
    expect(readFileSync(path(0), 'utf8')).toBe('-- kept\n');
    expect(readFileSync(path(1), 'utf8')).toBe('select * from "strata"."main"."m0" where x > 0\n');
    expect(readFileSync(path(2), 'utf8')).toBe('select * from "strata"."main"."m1"\n');
  });
});

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
    const before = [statSync(path(0)).mtimeMs, statSync(path(1)).mtimeMs, statSync(path(2)).mtimeMs];
    await new Promise((r) => setTimeout(r, 20));
    writeFiles(dir, { 'models/m1.sql': "select * from {{ ref('m0') }} where x > 0" });
    writeFileSync(path(2), 'edited by hand');
    await compile();
    expect(statSync(path(0)).mtimeMs).toBe(before[0]);
    expect(readFileSync(path(1), 'utf8')).toBe('select * from "strata"."main"."m0" where x > 0\n');
    expect(readFileSync(path(2), 'utf8')).toBe('select * from "strata"."main"."m1"\n');
  });
});

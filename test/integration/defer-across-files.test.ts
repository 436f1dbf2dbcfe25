import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

const env = { HOME: EMPTY_HOME };

/** Rows of `sql` on a DuckDB file, every value as text. */
async function query(file: string, sql: string): Promise<Record<string, string>[]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS();
    connection.closeSync();
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])));
  } finally {
    instance.closeSync();
  }
}

const tablesOf = async (file: string) =>
  (await query(file, "select table_name from duckdb_tables() where schema_name = 'main' order by 1")).map((r) => r.table_name);

const FILES = {
  'dbt_project.yml': projectYml('shop'),
  'seeds/raw_orders.csv': 'id,amount\n1,10\n2,20\n',
  'models/orders.sql': "{{ config(materialized='table') }}select id, amount from {{ ref('raw_orders') }}",
  'models/revenue.sql': "{{ config(materialized='table') }}select sum(amount) as total from {{ ref('orders') }}",
};

/** Production in prod.duckdb, development in dev.duckdb: two outputs of one profile. */
const TWO_FILES =
  'shop:\n  target: dev\n  outputs:\n    prod:\n      type: duckdb\n      path: prod.duckdb\n    dev:\n      type: duckdb\n      path: dev.duckdb\n';

/** Builds production and keeps its artifacts, as a deploy job does; then changes revenue. */
async function deployAndChange(dir: string): Promise<string> {
  const prod = await cli(['build', '--target', 'prod', '--project-dir', dir], env);
  expect(prod.code, prod.out).toBe(0);
  const state = join(mkdtempSync(join(tmpdir(), 'strata-prod-state-')), 'artifacts');
  cpSync(join(dir, 'target'), state, { recursive: true });
  writeFiles(dir, { 'models/revenue.sql': "{{ config(materialized='table') }}select sum(amount) * 100 as total from {{ ref('orders') }}" });
  return state;
}

describe('--defer across DuckDB files', () => {
  it("reads the unmodified parent from production's file, found by the profile's prod output", async () => {
    const dir = writeProject({ ...FILES, 'profiles.yml': TWO_FILES });
    const state = await deployAndChange(dir);
    const run = await cli(['build', '--select', 'state:modified', '--defer', '--state', state, '--project-dir', dir], env);
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toContain('PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');
    expect(await query(join(dir, 'dev.duckdb'), 'select total from main.revenue')).toEqual([{ total: '3000' }]);
    // Only the modified model was built in dev; production is untouched.
    expect(await tablesOf(join(dir, 'dev.duckdb'))).toEqual(['revenue']);
    expect(await query(join(dir, 'prod.duckdb'), 'select total from main.revenue')).toEqual([{ total: '30' }]);
    const compiled = await cli(['compile', '--select', 'revenue', '--defer', '--state', state, '--project-dir', dir], env);
    expect(compiled.out).toContain('"prod"."main"."orders"');
  });

  it("reads production through the dev target's attach: entry", async () => {
    const dir = writeProject(FILES);
    writeFiles(dir, { 'profiles.yml': TWO_FILES });
    const state = await deployAndChange(dir);
    // A dev-only profiles folder: no prod output to find the file by, only the attachment.
    const devProfiles = mkdtempSync(join(tmpdir(), 'strata-dev-profiles-'));
    writeFiles(devProfiles, {
      'profiles.yml': `shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      attach:\n        - path: prod.duckdb\n          read_only: true\n`,
    });
    const run = await cli(
      ['build', '--select', 'state:modified', '--defer', '--state', state, '--project-dir', dir, '--profiles-dir', devProfiles],
      env,
    );
    expect(run.code, run.out + run.err).toBe(0);
    expect(await query(join(dir, 'dev.duckdb'), 'select total from main.revenue')).toEqual([{ total: '3000' }]);
    expect(await tablesOf(join(dir, 'dev.duckdb'))).toEqual(['revenue']);
  });

  it('names the missing catalog and how to attach it when no output or attachment has it', async () => {
    const dir = writeProject({ ...FILES, 'profiles.yml': TWO_FILES });
    const state = await deployAndChange(dir);
    const devProfiles = mkdtempSync(join(tmpdir(), 'strata-dev-profiles-'));
    writeFiles(devProfiles, { 'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n' });
    const run = await cli(
      ['build', '--select', 'state:modified', '--defer', '--state', state, '--project-dir', dir, '--profiles-dir', devProfiles],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      "error[defer-catalog-missing]: --defer reads relations from the database 'prod' (named by the --state manifest), which this target has not attached, and no other output of the profile builds a DuckDB file named prod. Attach the production file read-only in this target's profile:",
    );
    expect(run.err).toContain('    - path: /path/to/prod.duckdb\n      alias: prod\n      read_only: true');
    expect(run.err).not.toMatch(/\n\s+at /);
  });
});

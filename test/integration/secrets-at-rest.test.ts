import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStateFiles } from '../../core/compile/compile-state.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { postgresOutput, TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

/**
 * Env vars that profiles.yml reads (a password, a DBT_ENV_SECRET_ variable) must not reach any
 * file Strata writes, nor what it prints: the caches keep digests of env values, not the values.
 */
const FILES = {
  'dbt_project.yml': projectYml('p'),
  'seeds/people.csv': 'id,name\n1,Ann\n2,Bob\n',
  'models/staged.sql': "select id, name from {{ ref('people') }}",
  'models/counted.sql':
    "{{ config(materialized='table') }}select count(*) as n, '{{ target.name }}' as t, '{{ env_var('REGION', 'eu') }}' as region from {{ ref('staged') }}",
  'models/grown.sql': "{{ config(materialized='incremental', unique_key='id') }}select id, name from {{ ref('staged') }}",
  'models/props.yml':
    'version: 2\nmodels:\n  - name: staged\n    description: People.\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
  'snapshots/people_snap.sql':
    "{% snapshot people_snap %}{{ config(unique_key='id', strategy='check', check_cols='all', target_schema=target.schema) }}select * from {{ ref('people') }}{% endsnapshot %}",
};

/** Every file under `dir` (paths included) that holds `needle`, as text or bytes. */
function filesHolding(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const bytes = Buffer.from(needle);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = join(entry.parentPath, entry.name);
    if (relative(dir, file).includes(needle)) hits.push(relative(dir, file));
    else if (entry.isFile() && readFileSync(file).includes(bytes)) hits.push(relative(dir, file));
  }
  return hits;
}

for (const target of TEST_TARGETS) {
  describe(`no secret at rest on ${target.name}`, () => {
    it('keeps env values read by profiles.yml out of target/, the project and the output', async () => {
      const secret = `s3cr3t${randomBytes(8).toString('hex')}`;
      const hidden = `h1dden${randomBytes(8).toString('hex')}`;
      // Postgres trusts the test client, so the password is sent nowhere; DuckDB takes the
      // values as settings it keeps in memory.
      const output =
        target.name === 'postgres'
          ? `${postgresOutput(target.output().schema).replace(/^ {6}password:.*\n/m, '')}      password: "{{ env_var('PG_PASSWORD') }}"\n      application_name: "{{ env_var('DBT_ENV_SECRET_APP') }}"\n`
          : `${target.output().yaml}      settings:\n        custom_user_agent: "{{ env_var('DBT_ENV_SECRET_APP') }}"\n        memory_limit: "{{ env_var('PG_PASSWORD') and '1GB' }}"\n`;
      const dir = writeProject({ ...FILES, 'profiles.yml': `p:\n  target: dev\n  outputs:\n    dev:\n${output}` });
      const env = { HOME: EMPTY_HOME, PG_PASSWORD: secret, DBT_ENV_SECRET_APP: hidden };
      const printed: string[] = [];
      const run = async (args: string[], runEnv: NodeJS.ProcessEnv = env) => {
        const result = await cli([...args, '--project-dir', dir], runEnv);
        printed.push(result.out, result.err);
        expect(result.code, result.err || result.out).toBe(0);
      };
      await run(['compile']);
      await run(['compile']);
      await run(['build']);
      await run(['build', '--full-refresh']);
      await run(['docs', 'generate']);
      await run(['ls']);
      await run(['debug']);

      for (const value of [secret, hidden]) {
        expect(filesHolding(dir, value)).toEqual([]);
        expect(printed.join('\n')).not.toContain(value);
      }
      // The caches remember digests, salted and keyed by name.
      const state = JSON.parse(readFileSync(compileStateFiles(dir).state, 'utf8')) as { env: Record<string, string | null> };
      expect(state.env.PG_PASSWORD).toMatch(/^[\w+/=]{40,}$/);
      expect(state.env.DBT_ENV_SECRET_APP).toMatch(/^[\w+/=]{40,}$/);
      expect(state.env.REGION).toBeNull();
      const cache = readFileSync(join(dir, 'target/partial_parse.json'), 'utf8');
      expect(cache).toContain('"REGION":null');
      expect(existsSync(join(dir, 'target/index.html')) || existsSync(join(dir, 'target/docs/index.html'))).toBe(true);
    });

    it('still tells a changed env value from an unchanged one', async () => {
      const dir = writeProject({ ...FILES, 'dbt_project.yml': projectYml('p') });
      const { yaml, schema } = target.output();
      writeFiles(dir, {
        'profiles.yml': `p:\n  target: dev\n  outputs:\n    dev:\n${yaml.replace(/schema: \S+/, `schema: "{{ env_var('SCHEMA_NAME', '${schema}') }}"`)}`,
      });
      const minuteAgo = new Date(Date.now() - 60_000);
      for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
        if (entry.isFile()) utimesSync(join(entry.parentPath, entry.name), minuteAgo, minuteAgo);
      const recordedAt = () => (JSON.parse(readFileSync(compileStateFiles(dir).state, 'utf8')) as { recordedAt: number }).recordedAt;
      /** Compiles; true when it was a re-compile (the state of the last full compile stayed). */
      const compile = async (env: NodeJS.ProcessEnv) => {
        const before = existsSync(compileStateFiles(dir).state) ? recordedAt() : undefined;
        const result = await cli(['compile', '--project-dir', dir], { HOME: EMPTY_HOME, ...env });
        expect(result.code, result.err).toBe(0);
        return recordedAt() === before;
      };
      const same = { REGION: 'us', SCHEMA_NAME: schema };
      expect(await compile(same)).toBe(false);
      expect(await compile(same)).toBe(true);
      expect(await compile({ ...same, REGION: 'eu' })).toBe(false);
      expect(await compile({ ...same, REGION: 'eu' })).toBe(true);
      expect(await compile({ REGION: 'eu' })).toBe(false);
      expect(await compile({ REGION: 'eu' })).toBe(true);
      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
        nodes: Record<string, { compiled_code: string }>;
      };
      expect(manifest.nodes['model.p.counted']?.compiled_code).toContain("'eu' as region");
    });
  });
}

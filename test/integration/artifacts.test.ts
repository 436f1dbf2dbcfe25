import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

const catalogSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-catalog-v1.json'), 'utf8')) as object;

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

describe('secrets', () => {
  const secret = 's3cr3t-value-7731';

  it('may be used in profiles.yml, never in models, and never reach artifacts or output', async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'profiles.yml':
        'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      settings:\n        custom_user_agent: "{{ env_var(\'STRATA_ENV_SECRET_AGENT\') }}"\n',
      'models/a.sql': 'select 1 as x',
    });
    const env = { HOME: EMPTY_HOME, STRATA_ENV_SECRET_AGENT: secret, DBT_ENV_CUSTOM_ENV_TEAM: 'finance' };
    const run = await cli(['run', '--project-dir', dir], env);
    expect(run.code).toBe(0);
    const debug = await cli(['debug', '--project-dir', dir], env);
    expect(debug.code).toBe(0);
    expect(debug.out).toContain('custom_user_agent');
    expect(debug.out).not.toContain(secret);
    const leaked = allFiles(join(dir, 'target')).filter(
      (f) => !f.endsWith('.duckdb') && !f.endsWith('.wal') && readFileSync(f, 'utf8').includes(secret),
    );
    expect(leaked).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { metadata: { env: Record<string, string> } };
    expect(manifest.metadata.env).toEqual({ TEAM: 'finance' });
  });

  it('refuses a secret env var in a model, naming the file and line', async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/a.sql': "select 1 as x\n-- {{ env_var('DBT_ENV_SECRET_TOKEN') }}",
    });
    const { code, err } = await cli(['compile', '--project-dir', dir], { HOME: EMPTY_HOME, DBT_ENV_SECRET_TOKEN: secret });
    expect(code).toBe(1);
    expect(err).toContain('models/a.sql:2:');
    expect(err).toContain("Secret environment variable 'DBT_ENV_SECRET_TOKEN' can only be used in profiles.yml");
    expect(err).not.toContain(secret);
  });
});

for (const target of TEST_TARGETS) {
  describe(`catalog on ${target.name}`, () => {
    it('describes built relations and sources with their database types', async () => {
      const dir = writeProject({
        'dbt_project.yml': projectYml('p'),
        'seeds/s.csv': 'id,name\n1,a\n',
        'models/t.sql': "{{ config(materialized='table') }}select id, name, 1.5 as price from {{ ref('s') }}",
        'models/v.sql': "select * from {{ ref('t') }}",
      });
      await target.writeProfile(dir, 'p');
      expect((await cli(['build', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
      expect((await cli(['docs', 'generate', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
      const catalog = JSON.parse(readFileSync(join(dir, 'target/catalog.json'), 'utf8')) as {
        nodes: Record<string, { metadata: { type: string }; columns: Record<string, { type: string; index: number }> }>;
      };
      const validate = new Ajv2020({ strict: false }).compile(catalogSchema);
      expect(validate(catalog), JSON.stringify(validate.errors)).toBe(true);
      expect(Object.keys(catalog.nodes).sort()).toEqual(['model.p.t', 'model.p.v', 'seed.p.s']);
      expect(catalog.nodes['model.p.v']?.metadata.type).toBe('VIEW');
      expect(Object.keys(catalog.nodes['model.p.t']?.columns ?? {})).toEqual(['id', 'name', 'price']);
      expect(catalog.nodes['seed.p.s']?.columns.id?.type.toLowerCase()).toBe('integer');
    });
  });
}

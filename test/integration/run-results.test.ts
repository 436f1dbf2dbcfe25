import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-run-results-v6.json'), 'utf8')) as object;

describe('run_results.json', () => {
  it("validates against dbt's v6 schema and records every outcome", async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/ok.sql': 'select 1 as x',
      'models/bad.sql': 'select * from nowhere',
      'models/after_bad.sql': "select * from {{ ref('bad') }}",
    });
    const { code } = await cli(['run', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(code).toBe(1);
    const artifact = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as {
      results: { unique_id: string; status: string; compiled_code: string | null; relation_name: string | null }[];
      args: { which: string };
    };
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(artifact), JSON.stringify(validate.errors)).toBe(true);
    const byId = Object.fromEntries(artifact.results.map((r) => [r.unique_id, r]));
    expect(byId['model.p.ok']).toMatchObject({ status: 'success', compiled_code: 'select 1 as x', relation_name: '"strata"."main"."ok"' });
    expect(byId['model.p.bad']?.status).toBe('error');
    expect(byId['model.p.after_bad']?.status).toBe('skipped');
    expect(artifact.args.which).toBe('run');
  });
});

import { describe, expect, it } from 'vitest';
import { attachSql } from '../../../adapters/duckdb/duckdb-attach.js';
import { parseDuckDbProfile } from '../../../adapters/duckdb/duckdb-profile.js';
import { createSecretSql, parseSecrets } from '../../../adapters/duckdb/duckdb-secrets.js';

describe('DuckDB profile keys', () => {
  it('resolves attach paths against the project, defaults the alias to the file stem, keeps URLs', () => {
    const parsed = parseDuckDbProfile(
      {
        type: 'duckdb',
        path: 'dev.duckdb',
        attach: [
          { path: 'data/other.duckdb' },
          { path: 's3://yep/even/this/works.duckdb', read_only: true },
          { path: 'legacy.db', type: 'sqlite', alias: 'old', options: { busy_timeout: 500 } },
        ],
        extensions: ['json', { name: 'spatial', repo: 'community' }],
      },
      '/work/shop',
    );
    if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.config.attach.map(attachSql)).toEqual([
      `attach if not exists '/work/shop/data/other.duckdb' as "other"`,
      `attach if not exists 's3://yep/even/this/works.duckdb' as "works" (read_only)`,
      `attach if not exists '/work/shop/legacy.db' as "old" (type sqlite, busy_timeout 500)`,
    ]);
    expect(parsed.config.extensions).toEqual([{ name: 'json' }, { name: 'spatial', repo: 'community' }]);
    expect(parsed.target.database).toBe('dev');
  });

  it('refuses two attachments with one alias', () => {
    const parsed = parseDuckDbProfile({ type: 'duckdb', attach: [{ path: 'a/x.duckdb' }, { path: 'b/x.duckdb' }] }, '/p');
    expect('problems' in parsed && parsed.problems.map((p) => p.message)).toEqual([
      "'attach[1]': the alias 'x' is used twice; give one entry another 'alias'.",
    ]);
  });

  it('writes temporary secrets with quoted values, scopes and header maps', () => {
    const parsed = parseSecrets([
      { type: 's3', key_id: "AK'IA", secret: 'x', use_ssl: false, scope: ['s3://a', 's3://b'] },
      { type: 'http', name: 'api', extra_http_headers: { 'X-Team': 'data' } },
    ]);
    if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
    expect(parsed.secrets.map(createSecretSql)).toEqual([
      `create or replace temporary secret "_dbt_secret_1" (type s3, scope ['s3://a', 's3://b'], key_id 'AK''IA', secret 'x', use_ssl false)`,
      `create or replace temporary secret "api" (type http, extra_http_headers map {'X-Team': 'data'})`,
    ]);
  });

  it('turns use_credential_provider: aws into a credential_chain S3 secret, as dbt-duckdb does', () => {
    const parsed = parseDuckDbProfile({ type: 'duckdb', use_credential_provider: 'aws' }, '/p');
    if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.config.secrets.map(createSecretSql)).toEqual([
      `create or replace temporary secret "_dbt_secret_aws" (type s3, provider credential_chain)`,
    ]);
  });
});

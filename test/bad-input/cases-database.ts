import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { PG_URL, uniqueSchema } from '../helpers/targets.js';
import { MODEL, postgresProfile, type BadInputCase } from './case.js';

const server = new URL(PG_URL);
/** The test server's host and port, for cases that reach it with a wrong user or database. */
const HOST = `host: ${server.hostname}\nport: ${server.port || 5432}\n`;
const USER = `user: ${decodeURIComponent(server.username) || 'postgres'}\n${server.password ? `password: "${decodeURIComponent(server.password)}"\n` : ''}`;
const DBNAME = `dbname: ${server.pathname.slice(1) || 'postgres'}\n`;

const a = { 'models/a.sql': MODEL };
/** The database cannot be reached or refuses the login: dbt's "unhandled" errors, exit 2 (docs/concepts.md). */
const CONNECTION = 'connection-failed';
const pg = (fields: string, schema = 'strata_bad_input') => ({
  ...a,
  'profiles.yml': postgresProfile(`${fields}schema: ${schema}\nthreads: 1\nconnect_timeout: 5\n`),
});
/** A DuckDB profile with its file at `path`. */
export const duckdbAt = (path: string) => `p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${path}\n`;
const contract = (sql: string, columns: string) => ({
  'models/a.sql': sql,
  'models/schema.yml': `version: 2\nmodels:\n  - name: a\n    config:\n      materialized: table\n      contract: {enforced: true}\n    columns:\n${columns}`,
});
const unitTest = (body: string) => ({
  'models/b.sql': MODEL,
  'models/a.sql': "select x from {{ ref('b') }}\n",
  'models/unit.yml': `version: 2\nunit_tests:\n  - name: doubles\n${body}`,
});
const snapshot = (config: string) => ({
  ...a,
  'snapshots/s.yml': `snapshots:\n  - name: s\n    relation: ref('a')\n    config:\n${config}`,
});

/** Databases that cannot be reached or are misconfigured, contracts, unit tests and snapshots. */
export const DATABASE_CASES: BadInputCase[] = [
  {
    name: 'postgres: nothing listens on the port',
    files: pg('host: 127.0.0.1\nport: 1\nuser: postgres\ndbname: test\n'),
    argv: ['run'],
    exit: 2,
    code: CONNECTION,
    message: '127.0.0.1:1',
  },
  {
    name: 'postgres: a host that does not resolve',
    files: pg('host: no-such-host.invalid\nport: 5432\nuser: postgres\ndbname: test\n'),
    argv: ['run'],
    exit: 2,
    code: CONNECTION,
    message: 'no-such-host.invalid',
  },
  {
    name: 'postgres: a user the server does not know',
    files: pg(`${HOST}user: no_such_user\n${DBNAME}`),
    argv: ['run'],
    exit: 2,
    code: CONNECTION,
    message: 'no_such_user',
    postgres: true,
  },
  {
    name: 'postgres: a database that does not exist',
    files: pg(`${HOST}${USER}dbname: no_such_db\n`),
    argv: ['run'],
    exit: 2,
    code: CONNECTION,
    message: 'no_such_db',
    postgres: true,
  },
  {
    name: 'postgres: the connection is refused during seed as well as run',
    files: { ...pg('host: 127.0.0.1\nport: 1\nuser: postgres\ndbname: test\n'), 'seeds/s.csv': 'id\n1\n' },
    argv: ['seed'],
    exit: 2,
    code: CONNECTION,
    message: '127.0.0.1:1',
  },
  {
    name: 'a profile type that no adapter provides',
    files: { ...a, 'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev:\n      type: oracle\n      schema: s\n' },
    argv: ['run'],
    exit: 1,
    code: 'unsupported-adapter',
    at: 'profiles.yml:5',
    message: 'oracle',
  },
  {
    name: 'duckdb: a path inside a file (not a folder)',
    files: { ...a, not_a_folder: 'x', 'profiles.yml': duckdbAt('not_a_folder/test.duckdb') },
    argv: ['run'],
    exit: 2,
    code: 'database-file-unusable',
    message: 'not_a_folder',
  },
  {
    name: 'duckdb: a path in a folder where nothing can be created (/sys)',
    files: { ...a, 'profiles.yml': duckdbAt('/sys/strata/test.duckdb') },
    argv: ['run'],
    exit: 2,
    code: 'database-file-unusable',
    message: '/sys/strata',
  },
  {
    name: 'duckdb: a path in a folder that does not exist yet is created',
    files: { ...a, 'profiles.yml': duckdbAt('data/warehouse/test.duckdb') },
    argv: ['run'],
    exit: 0,
    check: (dir) => expect(existsSync(join(dir, 'data/warehouse/test.duckdb'))).toBe(true),
  },
  {
    name: 'duckdb: a path that is a folder',
    files: { ...a, 'db/keep': '', 'profiles.yml': duckdbAt('db') },
    argv: ['run'],
    exit: 2,
    code: 'database-file-unusable',
    message: 'db',
  },
  {
    name: 'duckdb: a file that is not a DuckDB database',
    files: { ...a, 'test.duckdb': 'this is not a database\n'.repeat(100) },
    argv: ['run'],
    exit: 2,
    code: 'database-file-unusable',
    message: 'test.duckdb',
  },
  {
    name: 'postgres: a model name longer than 63 characters',
    files: { ...pg(`${HOST}${USER}${DBNAME}`, uniqueSchema()), 'models/a.sql': null, [`models/${'m'.repeat(70)}.sql`]: MODEL },
    argv: ['run'],
    exit: 1,
    code: 'invalid-config|identifier-too-long|[a-z-]*identifier[a-z-]*',
    message: '63',
    postgres: true,
  },
  {
    name: 'contract: the model returns a column the contract does not list',
    files: contract("select 1 as id, 'x' as name\n", '      - name: id\n        data_type: integer\n'),
    argv: ['run'],
    exit: 1,
    code: 'contract-mismatch',
    message: 'name',
  },
  {
    name: 'contract: a column of another type',
    files: contract("select 'x' as id\n", '      - name: id\n        data_type: integer\n'),
    argv: ['run'],
    exit: 1,
    code: 'contract-mismatch',
    message: 'id',
  },
  {
    name: 'contract: a listed column the model does not return',
    files: contract('select 1 as id\n', '      - name: id\n        data_type: integer\n      - name: amount\n        data_type: integer\n'),
    argv: ['run'],
    exit: 1,
    code: 'contract-mismatch',
    message: 'amount',
  },
  {
    name: 'contract: a column without data_type',
    files: contract('select 1 as id\n', '      - name: id\n'),
    argv: ['run'],
    exit: 1,
    code: 'invalid-config|contract-mismatch',
    at: 'models/schema.yml:3',
    message: 'data_type',
  },
  {
    name: 'contract: on an ephemeral model',
    files: {
      ...contract('select 1 as id\n', '      - name: id\n        data_type: integer\n'),
      'models/a.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as id\n",
    },
    argv: ['run'],
    exit: 1,
    code: 'invalid-config|contract-mismatch',
    message: 'ephemeral',
  },
  {
    name: 'unit test: a given input that is not a ref or source',
    files: unitTest("    model: a\n    given:\n      - input: ref('nope')\n        rows: [{x: 1}]\n    expect:\n      rows: [{x: 1}]\n"),
    argv: ['test'],
    exit: 1,
    code: 'invalid-unit-test|unknown-ref',
    at: 'models/unit.yml:6',
    message: 'nope',
  },
  {
    name: 'unit test: a model that does not exist',
    files: unitTest("    model: nope\n    given:\n      - input: ref('b')\n        rows: [{x: 1}]\n    expect:\n      rows: [{x: 1}]\n"),
    argv: ['test'],
    exit: 1,
    code: 'invalid-unit-test',
    at: 'models/unit.yml:3',
    message: 'nope',
  },
  {
    name: 'unit test: no expect',
    files: unitTest("    model: a\n    given:\n      - input: ref('b')\n        rows: [{x: 1}]\n"),
    argv: ['test'],
    exit: 1,
    code: 'invalid-unit-test|yaml-schema',
    at: 'models/unit.yml:3',
    message: 'expect',
  },
  {
    name: 'unit test: rows with a column the input does not have',
    files: unitTest("    model: a\n    given:\n      - input: ref('b')\n        rows: [{y: 1}]\n    expect:\n      rows: [{x: 1}]\n"),
    argv: ['test'],
    exit: 1,
    message: /["']y["']/,
  },
  {
    name: 'snapshot: no unique_key',
    files: snapshot('      strategy: check\n      check_cols: all\n'),
    argv: ['snapshot'],
    exit: 1,
    code: 'invalid-config',
    at: 'snapshots/s.yml:2',
    message: 'unique_key',
  },
  {
    name: 'snapshot: no strategy',
    files: snapshot('      unique_key: x\n'),
    argv: ['snapshot'],
    exit: 1,
    code: 'invalid-config',
    at: 'snapshots/s.yml:2',
    message: 'strategy',
  },
  {
    name: 'snapshot: a strategy that does not exist',
    files: snapshot('      unique_key: x\n      strategy: latest\n'),
    argv: ['snapshot'],
    exit: 1,
    code: 'invalid-config|yaml-schema',
    at: 'snapshots/s.yml:6',
    message: 'latest',
  },
  {
    name: 'snapshot: timestamp without updated_at',
    files: snapshot('      unique_key: x\n      strategy: timestamp\n'),
    argv: ['snapshot'],
    exit: 1,
    code: 'invalid-config',
    at: 'snapshots/s.yml:2',
    message: 'updated_at',
  },
  {
    name: 'snapshot: check without check_cols',
    files: snapshot('      unique_key: x\n      strategy: check\n'),
    argv: ['snapshot'],
    exit: 1,
    code: 'invalid-config',
    at: 'snapshots/s.yml:2',
    message: 'check_cols',
  },
  {
    name: 'snapshot: a legacy block without unique_key',
    files: {
      ...a,
      'snapshots/s.sql':
        "{% snapshot s %}\n{{ config(strategy='check', check_cols='all') }}\nselect * from {{ ref('a') }}\n{% endsnapshot %}\n",
    },
    argv: ['snapshot'],
    exit: 1,
    code: 'invalid-config',
    at: 'snapshots/s.sql:1',
    message: 'unique_key',
  },
];

import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { queryDuckDbFile } from '../helpers/targets.js';
import { MODEL, type BadInputCase } from './case.js';

/** The codes an encoding error may carry. */
const ENCODING = 'file-not-utf8|invalid-seed';
const seedTypes = (types: string) => `version: 2\nseeds:\n  - name: s\n    config:\n      column_types: {${types}}\n`;
const rows = (dir: string, sql: string) => queryDuckDbFile(join(dir, 'test.duckdb'), sql);
const nestedIfs = (n: number, closed: number) => `${'{% if true %}\n'.repeat(n)}select 1 as x\n${'{% endif %}\n'.repeat(closed)}`;

/** Broken CSVs, bad encodings, huge lines, deep nesting and link loops. */
export const FILE_CASES: BadInputCase[] = [
  {
    name: 'seed: a row with more fields than the header',
    files: { 'seeds/s.csv': 'id,name\n1,a\n2,b,extra\n' },
    argv: ['seed'],
    exit: 1,
    code: 'invalid-seed',
    at: 'seeds/s.csv:3',
  },
  {
    name: 'seed: a row with fewer fields than the header',
    files: { 'seeds/s.csv': 'id,name,city\n1,a,x\n2,b\n' },
    argv: ['seed'],
    exit: 1,
    code: 'invalid-seed',
    at: 'seeds/s.csv:3',
  },
  {
    name: 'seed: a quote left open',
    files: { 'seeds/s.csv': 'id,name\n1,"a\n2,b\n' },
    argv: ['seed'],
    exit: 1,
    code: 'invalid-seed',
    at: 'seeds/s.csv:2',
    message: /quote/i,
  },
  {
    name: 'seed: an empty file',
    files: { 'seeds/s.csv': '' },
    argv: ['seed'],
    exit: 1,
    code: 'invalid-seed',
    at: 'seeds/s.csv:1',
    message: /empty/i,
  },
  {
    name: 'seed: a header and no rows makes an empty table',
    files: { 'seeds/s.csv': 'id,name\n' },
    argv: ['seed'],
    exit: 0,
    check: async (dir) => expect(await rows(dir, 'select count(*) as n from main.s')).toEqual([{ n: '0' }]),
  },
  {
    name: 'seed: a byte-order mark does not become part of the first column name',
    files: { 'seeds/s.csv': '\ufeffid,name\n1,a\n' },
    argv: ['seed'],
    exit: 0,
    check: async (dir) => expect(await rows(dir, 'select id, name from main.s')).toEqual([{ id: '1', name: 'a' }]),
  },
  {
    name: 'seed: a value that does not cast to its declared column type',
    files: { 'seeds/s.csv': 'id,n\n1,10\n2,ten\n', 'seeds/s.yml': seedTypes('n: integer') },
    argv: ['seed'],
    exit: 1,
    code: 'invalid-seed',
    at: 'seeds/s.csv:3',
    message: 'ten',
  },
  {
    name: 'seed: a declared column type the database does not know',
    files: { 'seeds/s.csv': 'id,n\n1,10\n', 'seeds/s.yml': seedTypes('n: integr') },
    argv: ['seed'],
    exit: 1,
    message: 'integr',
  },
  {
    name: 'seed: Latin-1 bytes',
    files: { 'seeds/s.csv': Buffer.from('id,name\n1,caf\xe9\n', 'latin1') },
    argv: ['seed'],
    exit: 1,
    code: ENCODING,
    at: 'seeds/s.csv:2',
    message: /UTF-8/i,
  },
  {
    name: 'model: Latin-1 bytes in a comment',
    files: { 'models/a.sql': Buffer.from('select 1 as x\n-- caf\xe9\n', 'latin1') },
    argv: ['compile'],
    exit: 1,
    code: ENCODING,
    at: 'models/a.sql:2',
    message: /UTF-8/i,
  },
  {
    name: 'properties: Latin-1 bytes in a description',
    files: {
      'models/a.sql': MODEL,
      'models/schema.yml': Buffer.from('version: 2\nmodels:\n  - name: a\n    description: caf\xe9\n', 'latin1'),
    },
    argv: ['compile'],
    exit: 1,
    code: ENCODING,
    at: 'models/schema.yml:4',
    message: /UTF-8/i,
  },
  {
    name: 'project file: Latin-1 bytes',
    files: { 'dbt_project.yml': Buffer.from('name: p\nprofile: p\n# caf\xe9\n', 'latin1'), 'models/a.sql': MODEL },
    argv: ['compile'],
    exit: 1,
    code: ENCODING,
    at: 'dbt_project.yml:3',
    message: /UTF-8/i,
  },
  {
    name: 'model: a UTF-16 file',
    files: { 'models/a.sql': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('select 1 as x\n', 'utf16le')]) },
    argv: ['compile'],
    exit: 1,
    code: ENCODING,
    at: 'models/a.sql:1',
    message: /UTF-8/i,
  },
  {
    name: 'model: binary bytes in a .sql file',
    files: { 'models/blob.sql': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x80]) },
    argv: ['compile'],
    exit: 1,
    code: ENCODING,
    at: 'models/blob.sql:1',
    message: /UTF-8/i,
  },
  {
    name: 'a binary file that is not a model (models/logo.png) is ignored',
    files: { 'models/a.sql': MODEL, 'models/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]) },
    argv: ['run'],
    exit: 0,
  },
  {
    name: 'a UTF-8 byte-order mark at the start of a model is not sent to the database',
    files: { 'models/a.sql': '\ufeffselect 1 as x\n' },
    argv: ['run'],
    exit: 0,
  },
  {
    name: 'a model of one 5 MB line compiles',
    files: { 'models/a.sql': `select 1 as x -- ${'a'.repeat(5 * 1024 * 1024)}\n` },
    argv: ['compile'],
    exit: 0,
  },
  {
    name: 'an error at the end of a 5 MB line is reported without printing the line',
    files: { 'models/a.sql': `select 1 as x ${' '.repeat(5 * 1024 * 1024)}{{ ref('nope') }}\n` },
    argv: ['compile'],
    exit: 1,
    code: 'unknown-ref',
    at: 'models/a.sql:1',
    message: 'nope',
  },
  {
    name: '500 nested {% if %} blocks compile',
    files: { 'models/a.sql': nestedIfs(500, 500) },
    argv: ['compile'],
    exit: 0,
  },
  {
    name: '500 nested {% if %} blocks, the outermost left open',
    files: { 'models/a.sql': nestedIfs(500, 499) },
    argv: ['compile'],
    exit: 1,
    code: 'template-syntax',
    at: 'models/a.sql:1',
    message: 'endif',
  },
  {
    name: '1,000 nested parentheses in SQL compile',
    files: { 'models/a.sql': `select ${'('.repeat(1000)}1${')'.repeat(1000)} as x\n` },
    argv: ['compile'],
    exit: 0,
  },
  {
    name: '1,000 nested parentheses in a Jinja expression',
    files: { 'models/a.sql': `select {{ ${'('.repeat(1000)}1${')'.repeat(1000)} }} as x\n` },
    argv: ['compile'],
    exit: 1,
    code: 'template-syntax',
    at: 'models/a.sql:1',
    message: /nest|deep|call stack/i,
  },
  {
    name: 'a macro that calls itself without end',
    files: {
      'macros/m.sql': '{% macro forever(n) %}\n{{ forever(n + 1) }}\n{% endmacro %}\n',
      'models/a.sql': 'select {{ forever(0) }} as x\n',
    },
    argv: ['compile'],
    exit: 1,
    code: 'template-render',
    at: 'models/a.sql:1',
    message: /recursion.*macros\/m\.sql:2/,
  },
  {
    name: 'a link from a model folder to its parent (a loop) is not followed twice',
    files: { 'models/a.sql': MODEL },
    setup: (dir) => symlinkSync('..', join(dir, 'models/loop')),
    argv: ['run'],
    exit: 0,
  },
  {
    name: 'a link that points at itself',
    files: { 'models/a.sql': MODEL },
    setup: (dir) => symlinkSync('self', join(dir, 'models/self')),
    argv: ['run'],
    exit: 0,
  },
  {
    name: 'two folders linked to each other',
    files: { 'models/a.sql': MODEL, 'models/x/b.sql': MODEL, 'models/y/c.sql': MODEL },
    setup: (dir) => {
      symlinkSync('../y', join(dir, 'models/x/to_y'));
      symlinkSync('../x', join(dir, 'models/y/to_x'));
    },
    argv: ['run'],
    exit: 0,
  },
];

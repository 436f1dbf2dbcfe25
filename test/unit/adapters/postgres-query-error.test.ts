import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainQueryError, pointAt } from '../../../adapters/postgres/query-error.js';
import { PG_URL, TEST_TARGETS } from '../../helpers/targets.js';

describe('pointing at a statement', () => {
  it('shows the line and puts the caret under the character', () => {
    expect(pointAt('select 1\nfrom\tx form y', 17)).toEqual(['LINE 2: from\tx form y', `${' '.repeat(8)}    \t  ^`]);
    expect(pointAt('select 1', 99)).toBeUndefined();
  });

  it('shows a window of a very long line, the caret still under the spot', () => {
    const sql = `select ${'a, '.repeat(500)}oops from t`;
    const [line, caret] = pointAt(sql, sql.indexOf('oops') + 1) as [string, string];
    expect(line.length).toBeLessThan(200);
    expect(line.slice(caret.indexOf('^')).startsWith('oops')).toBe(true);
  });
});

describe.runIf(TEST_TARGETS.some((t) => t.name === 'postgres'))('Postgres errors, as the server reports them', () => {
  const client = new pg.Client({ connectionString: PG_URL });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  const failing = async (sql: string) => {
    const err = await client.query(sql).then(
      () => undefined,
      (e: unknown) => e,
    );
    return (explainQueryError(err, sql) as Error).message;
  };

  it('gain LINE n with a caret, DETAIL and HINT', async () => {
    const message = await failing(`select 1 as a,\n  '{"a": 1'::json as b`);
    expect(message).toMatch(
      /^invalid input syntax for type json\nLINE 2: {3}'\{"a": 1'::json as b\n {10}\^\nDETAIL: {2}The input string ended unexpectedly\./,
    );
    const hinted = await failing('select no_such_function(1)');
    expect(hinted).toMatch(
      /^function no_such_function\(integer\) does not exist\nLINE 1: select no_such_function\(1\)\n {15}\^\nHINT: {2}No function matches/,
    );
  });

  it('keep the error itself, so its code can still be read', async () => {
    const err = await client
      .query('select * from no_such_table_here')
      .catch((e: unknown) => explainQueryError(e, 'select * from no_such_table_here'));
    expect((err as { code?: string }).code).toBe('42P01');
  });
});

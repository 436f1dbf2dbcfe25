import { describe, expect, it } from 'vitest';
import { previewJson, previewTable } from '../../../cli/output/preview-table.js';

describe("strata show's table and JSON", () => {
  it('aligns as agate does: text left, numbers, dates and booleans right; NULL empty', () => {
    const lines = previewTable({
      columns: ['name', 'n', 'amount', 'day', 'ok'],
      columnTypes: ['VARCHAR', 'BIGINT', 'DECIMAL(10,2)', 'DATE', 'BOOLEAN'],
      rows: [
        { name: 'a', n: 10n, amount: 1234.5, day: new Date(Date.UTC(2024, 0, 31)), ok: true },
        { name: 'bcd', n: null, amount: 2, day: null, ok: false },
      ],
    });
    expect(lines).toEqual([
      '| name |  n |   amount |        day |    ok |',
      '| ---- | -- | -------- | ---------- | ----- |',
      '| a    | 10 | 1,234.50 | 2024-01-31 |  True |',
      '| bcd  |    |     2.00 |            | False |',
    ]);
  });

  it("reads Postgres' text numerics and local-midnight dates the same way", () => {
    const preview = {
      columns: ['id', 'price', 'day'],
      columnTypes: ['bigint', 'numeric', 'date'],
      rows: [{ id: '9007199254740993', price: '12.50', day: new Date(2024, 1, 29) }],
    };
    expect(previewJson(preview)).toEqual([{ id: 9007199254740992, price: 12.5, day: '2024-02-29' }]);
    expect(previewJson({ ...preview, rows: [{ id: 9007199254740993n, price: null, day: null }] })).toEqual([
      { id: '9007199254740993', price: null, day: null },
    ]);
  });

  it('cuts wide tables to six columns and long cells to 20 characters', () => {
    const columns = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const [header, rule, row] = previewTable({
      columns,
      columnTypes: columns.map(() => 'VARCHAR'),
      rows: [Object.fromEntries(columns.map((c) => [c, c === 'a' ? 'x'.repeat(30) : c]))],
    });
    expect(header).toBe(`| a${' '.repeat(19)} | b | c | d | e | f | ... |`);
    expect(rule).toBe(`| ${'-'.repeat(20)} | - | - | - | - | - | --- |`);
    expect(row).toBe(`| ${'x'.repeat(17)}... | b | c | d | e | f | ... |`);
  });
});

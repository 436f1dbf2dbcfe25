import { describe, expect, it } from 'vitest';
import { layoutRow } from '../../../cli/output/progress-row.js';

describe('progress rows', () => {
  const row = { index: 3, total: 12, text: 'OK created sql table model main.orders', status: 'OK', executionTime: 0.0412 };

  it('fill the width exactly, with dots between the text and the status', () => {
    expect(layoutRow(row, 70)).toBe(`3 of 12 OK created sql table model main.orders ${'.'.repeat(9)} [OK in 0.04s]`);
    expect(layoutRow(row, 70)).toHaveLength(70);
    expect(layoutRow({ ...row, text: 'START sql table model main.orders', status: 'RUN', executionTime: undefined }, 51)).toBe(
      '3 of 12 START sql table model main.orders ... [RUN]',
    );
  });

  it('cut a text too long for the width in its middle, keeping the verb and the name', () => {
    const long = { ...row, text: `OK created sql table model main.${'x'.repeat(60)}_orders` };
    const cut = layoutRow(long, 70);
    expect(cut).toHaveLength(70);
    expect(cut).toMatch(/^3 of 12 OK created s\S* ?\S*…x*_orders \.{3} \[OK in 0\.04s\]$/);
    for (const width of [40, 55, 80, 100]) expect(layoutRow(long, width).length).toBeLessThanOrEqual(width);
  });

  it('keep the whole text when asked not to cut (log files and JSON)', () => {
    const long = { ...row, text: `OK created sql table model main.${'x'.repeat(60)}` };
    expect(layoutRow(long, 70, undefined, false)).toContain(long.text);
  });

  it('paint only the status', () => {
    expect(layoutRow(row, 70, (s) => `<${s}>`)).toMatch(/ \[<OK> in 0\.04s\]$/);
  });
});

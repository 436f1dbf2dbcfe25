import { describe, expect, it } from 'vitest';
import { clipMessage, lineWindow } from '../../../cli/output/diagnostics.js';

describe('lineWindow', () => {
  it('shows a short line whole, the caret at the column', () => {
    expect(lineWindow('select 1', 8)).toEqual({ shown: 'select 1', caret: 7 });
  });

  it('shows 200 characters of a long line around the column, with … where it was cut', () => {
    const text = `${'a'.repeat(1000)}X${'b'.repeat(1000)}`;
    const { shown, caret } = lineWindow(text, 1001);
    expect(shown.length).toBeLessThanOrEqual(202);
    expect(shown.startsWith('…') && shown.endsWith('…')).toBe(true);
    expect(shown[caret]).toBe('X');
  });

  it('cuts only the side that is long', () => {
    const text = `X${'b'.repeat(1000)}`;
    expect(lineWindow(text, 1)).toMatchObject({ caret: 0 });
    expect(lineWindow(text, 1).shown.startsWith('X')).toBe(true);
    const end = lineWindow(`${'a'.repeat(1000)}X`, 1001);
    expect(end.shown.endsWith('X')).toBe(true);
    expect(end.shown[end.caret]).toBe('X');
  });
});

describe('clipMessage', () => {
  it('keeps a message of ordinary length', () => {
    expect(clipMessage('Unknown selector method.')).toBe('Unknown selector method.');
  });

  it('cuts the middle of a long one, keeping its end', () => {
    const clipped = clipMessage(`start ${'x'.repeat(100_000)} Did you mean 'tag'?`);
    expect(clipped.length).toBeLessThan(1_100);
    expect(clipped).toMatch(/^start /);
    expect(clipped).toMatch(/Did you mean 'tag'\?$/);
  });
});

import { describe, expect, it } from 'vitest';
import { BUILTIN_MACROS } from '../../../core/template/builtin-macros.js';
import { CROSS_DB_MACROS, NAMING_MACROS } from '../../../core/template/cross-db-macros.js';
import { definedMacroNames, TemplateEngine } from '../../../core/template/engine.js';

// Built-in macro files are compiled on first use, under the names read from their text: those
// names must be exactly the macros the compiled file exports.
describe.each([...BUILTIN_MACROS, CROSS_DB_MACROS, NAMING_MACROS].map((f) => [f.file, f] as const))('built-in macros of %s', (_, file) => {
  it('are found by name as nunjucks exports them', () => {
    const copy = `copy_of_${file.file.replace(/\W/g, '_')}.sql`;
    const engine = new TemplateEngine([{ file: copy, text: file.text }]);
    expect(engine.diagnostics).toEqual([]);
    const exported = [...engine.macros].filter(([, f]) => f === copy).map(([name]) => name);
    expect(definedMacroNames(file.text).sort()).toEqual(exported.sort());
    expect(exported.length).toBeGreaterThan(0);
  });
});

describe('lazily compiled built-in macros', () => {
  it('render when first called, and calls between them work', () => {
    const engine = new TemplateEngine([]);
    const rendered = engine.renderString("{{ dbt.concat(['a', 'b']) }} {{ test_not_null('t', 'c') | trim }}", 'x.sql', {
      target: { type: 'duckdb' },
    });
    expect(rendered.diagnostic).toBeUndefined();
    expect(rendered.output?.replace(/\s+/g, ' ')).toBe('a || b select c from t where c is null');
  });
});

import { describe, expect, it } from 'vitest';
import { TemplateEngine } from '../../core/template/engine.js';
import { renderNative } from '../../core/template/native-render.js';
import { repr, typeName } from '../../core/template/py-values.js';
import { renderWithJinja2, type JinjaCase, type JinjaResult } from './oracle.js';

// dbt's native rendering of YAML values (dbt_common's NativeSandboxEnvironment, quoted_native_concat
// and marker filters) against Strata's renderNative, value for value: the output compared is the
// value's Python type and repr ("bool:True"), or that both failed.

const engine = new TemplateEngine([]);

function strata(testCase: JinjaCase): JinjaResult {
  const result = renderNative(engine, testCase.template, 'models/native.yml', {}, structuredClone(testCase.context ?? {}));
  if (result.diagnostic) return { error: result.diagnostic.message };
  return { output: `${typeName(result.value)}:${repr(result.value)}` };
}

const CONTEXT = {
  yes: true,
  no: false,
  n: 42,
  f: 1.5,
  items: [1, 2],
  names: ['a', 'b'],
  d: { a: 1, b: [true, null] },
  s: 'text',
  one: '1',
  t: 'True',
  low: 'true',
  none_: null,
};

/** [id, template, context?]: every case also renders with CONTEXT's names unless it gives its own. */
const CASES: [string, string, Record<string, unknown>?][] = [
  // One expression with a runtime value: the value as it is.
  ['bool true', '{{ yes }}'],
  ['bool false', '{{ no }}'],
  ['int', '{{ n }}'],
  ['float', '{{ f }}'],
  ['list', '{{ items }}'],
  ['dict', '{{ d }}'],
  ['string stays a string', '{{ s }}'],
  ['numeric string is not evaluated', '{{ one }}'],
  ['None', '{{ none_ }}'],
  ['undefined name', '{{ missing }}'],
  ['attribute', '{{ d.b }}'],
  ['item', '{{ items[1] }}'],
  ['arithmetic on a name', '{{ n + 1 }}'],
  ['division on a name', '{{ n / 2 }}'],
  ['comparison on a name', '{{ n > 1 }}'],
  ['conditional on a name', "{{ 'table' if yes else 'view' }}"],
  ['conditional picks a list', '{{ items if yes else [] }}'],
  ['bare tuple', '{{ n, 1 }}'],
  ['list of names', '{{ [n, s] }}'],
  ['filter on a name', '{{ names | join(",") }}'],
  ['length filter', '{{ items | length }}'],
  ['call', '{{ range(3) | list }}'],
  ['context filter is not folded', "{{ [1, 2] | map('string') | list }}"],
  ['select is not folded', '{{ [0, 1, 2] | select | list }}'],
  ['test on a name', '{{ n is number }}'],
  ['not on a name', '{{ not yes }}'],
  ['and on names', '{{ yes and n }}'],
  ['default of an undefined', "{{ missing | default('x') }}"],
  ['default keeps a list', '{{ missing | default([1]) }}'],
  // Constant expressions are folded into text while compiling, as Jinja does.
  ['folded int', '{{ 1 }}'],
  ['folded true', '{{ true }}'],
  ['folded True', '{{ True }}'],
  ['folded none', '{{ none }}'],
  ['folded string', "{{ 'a' }}"],
  ['folded list', '{{ [1, 2] }}'],
  ['folded list of strings', "{{ ['a', 'b'] }}"],
  ['folded dict', "{{ {'a': 1} }}"],
  ['folded tuple', '{{ (1, 2) }}'],
  ['folded sum', '{{ 1 + 2 }}'],
  ['folded division', '{{ 4 / 2 }}'],
  ['folded concat', "{{ 'a' ~ 'b' }}"],
  ['folded filter', "{{ 'abc' | upper }}"],
  ['folded sort', '{{ [3, 1] | sort }}'],
  ['folded comparison', '{{ 1 < 2 }}'],
  ['folded item', '{{ [1, 2][0] }}'],
  ['folded slice', "{{ 'abc'[1:] }}"],
  ['folded negative', '{{ -1 }}'],
  ['folded test', "{{ 'x' is string }}"],
  ['folded conditional', "{{ 'a' if true else 'b' }}"],
  ['literal condition skips a name', "{{ 'a' if true else n }}"],
  ['false and a name folds', '{{ false and n }}'],
  ['true or a name folds', '{{ true or n }}'],
  ['true and a name does not fold', '{{ true and n }}'],
  ['conditional without else', '{{ 1 if no }}'],
  // Several nodes are text; no nodes are the empty string.
  ['text and expression', 'a{{ n }}'],
  ['two expressions', '{{ n }}{{ n }}'],
  ['expression then space', '{{ yes }} '],
  ['space then expression', ' {{ yes }}'],
  ['whitespace control makes one node', '  {{- yes -}}  '],
  ['comment does not count', '{# note #}{{ items }}'],
  ['trailing newline is dropped', '{{ items }}\n'],
  ['plain text', 'view'],
  ['plain number text', '42'],
  ['empty', ''],
  ['only a comment', '{# nothing #}'],
  ['if block renders text', '{% if yes %}{{ n }}{% endif %}'],
  ['folded and runtime', '{{ 1 }}{{ n }}'],
  ['if block outputs one value', '{% if yes %}{{ items }}{% else %}x{% endif %}'],
  ['if block outputs text', '{% if no %}{{ items }}{% else %}x{% endif %}'],
  ['if block with folded output', '{% if yes %}{{ 1 }}{% endif %}'],
  ['if block with whitespace', '{% if yes %}\n{{ n }}\n{% endif %}'],
  ['loop of one outputs its value', '{% for x in items[:1] %}{{ x }}{% endfor %}'],
  ['loop of two outputs text', '{% for x in items %}{{ x }}{% endfor %}'],
  ['empty loop outputs nothing', '{% for x in [] %}{{ x }}{% endfor %}'],
  ['set then expression', '{% set x = [n] %}{{ x }}'],
  ['marker inside if', "{% if yes %}{{ '5' | as_number }}{% endif %}"],
  // dbt's marker filters.
  ['as_bool of True', '{{ yes | as_bool }}'],
  ['as_bool of False', '{{ no | as_bool }}'],
  ['as_bool of the text True', '{{ t | as_bool }}'],
  ['as_bool of the text true fails', '{{ low | as_bool }}'],
  ['as_bool of a number fails', '{{ n | as_bool }}'],
  ['as_bool of a literal', "{{ 'False' | as_bool }}"],
  ['as_number of a string', "{{ '1' | as_number }}"],
  ['as_number of a float string', "{{ '1.5' | as_number }}"],
  ['as_number of an int', '{{ n | as_number }}'],
  ['as_number of True fails', "{{ 'True' | as_number }}"],
  ['as_number of text fails', "{{ 'abc' | as_number }}"],
  ['as_number with underscores', "{{ '1_000' | as_number }}"],
  ['as_number negative', "{{ '-5' | as_number }}"],
  ['as_number exponent', "{{ '1e3' | as_number }}"],
  ['as_number hex', "{{ '0x1F' | as_number }}"],
  ['as_number binary', "{{ '0b101' | as_number }}"],
  ['as_number leading spaces', "{{ '  7' | as_number }}"],
  ['as_number trailing spaces', "{{ '7  ' | as_number }}"],
  ['as_number leading zero is not a literal', "{{ '07' | as_number }}"],
  ['as_native list', "{{ '[1, 2]' | as_native }}"],
  ['as_native of a list value', '{{ names | as_native }}'],
  ['as_native dict with a tuple', '{{ \'{"a": [1, (2, 3)]}\' | as_native }}'],
  ['as_native tuple', "{{ '(1,)' | as_native }}"],
  ['as_native empty tuple', "{{ '()' | as_native }}"],
  ['as_native bare tuple', "{{ '1, 2' | as_native }}"],
  ['as_native parenthesized', "{{ '(1)' | as_native }}"],
  ['as_native trailing commas', "{{ '[1, 2,]' | as_native }}"],
  ['as_native None', "{{ 'None' | as_native }}"],
  ['as_native none is text', "{{ 'none' | as_native }}"],
  ['as_native true is text', "{{ 'true' | as_native }}"],
  ['as_native name is text', "{{ 'abc' | as_native }}"],
  ['as_native float', "{{ '1.0' | as_native }}"],
  ['as_native negative float', "{{ '-2.5' | as_native }}"],
  ['as_native double negative is text', "{{ '--1' | as_native }}"],
  ['as_native negative bool is text', "{{ '-True' | as_native }}"],
  ['as_native sum is text', "{{ '1 + 2' | as_native }}"],
  ['as_native string literal', '{{ "\'a\'" | as_native }}'],
  ['as_native adjacent strings', "{{ \"'a' 'b'\" | as_native }}"],
  ['as_native escapes', '{{ s2 | as_native }}', { s2: "'a\\nb\\x41'" }],
  ['as_native unhashable key fails', "{{ '{[1]: 2}' | as_native }}"],
  ['as_native empty text', "{{ '' | as_native }}"],
  ['as_native nested', '{{ \'[[1], {"k": None}]\' | as_native }}'],
  ['as_native dict key equality', '{{ \'{1: "a", True: "b"}\' | as_native }}'],
  ['as_native leading newline', '{{ s2 | as_native }}', { s2: '\n[1]' }],
  ['as_native indented after a newline is text', '{{ s2 | as_native }}', { s2: '\n  [1]' }],
  ['as_native multi-line tuple', '{{ s2 | as_native }}', { s2: '(1,\n 2)' }],
  ['as_native double underscore is text', "{{ '1__0' | as_native }}"],
  ['as_native underscore after zero is text', "{{ '0_1' | as_native }}"],
  ['as_native zeros', "{{ '00' | as_native }}"],
  ['as_native hex with underscore', "{{ '0x_1f' | as_native }}"],
  ['as_native negative zero', "{{ '-0.0' | as_native }}"],
  ['as_native unary plus', "{{ '+3' | as_native }}"],
  ['as_text of a number', '{{ n | as_text }}'],
  ['as_text of a list', '{{ items | as_text }}'],
  ['as_text of a literal', '{{ 1 | as_text }}'],
  ['as_text then as_bool', '{{ yes | as_text | as_bool }}'],
  ['marker among text is text', "a{{ 'True' | as_bool }}"],
  ['marker in parentheses', '{{ (yes | as_bool) }}'],
];

describe("native rendering of YAML values, against dbt's (Python's Jinja2 native environment)", () => {
  const cases: JinjaCase[] = CASES.map(([id, template, context]) => ({ id, template, context: context ?? CONTEXT, native: true }));
  const expected = renderWithJinja2(cases);

  it('has at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  for (const testCase of cases) {
    it(testCase.id, () => {
      const python = expected.get(testCase.id);
      const ours = strata(testCase);
      const outcome = (r: JinjaResult | undefined) => (r?.error !== undefined ? 'error' : r?.output);
      expect(outcome(ours), `${testCase.template}\nPython: ${JSON.stringify(python)}\nStrata: ${JSON.stringify(ours)}`).toBe(
        outcome(python),
      );
      if (python?.error?.includes('Could not convert')) expect(ours.error).toContain(python.error.replace(/^JinjaRenderingError: /, ''));
    });
  }
});

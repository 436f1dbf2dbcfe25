import { describe, expect, it } from 'vitest';
import { TemplateEngine } from '../../../core/template/engine.js';

// Template errors as a dbt user reads them: Jinja's message, the file, line and column where it
// happened (the call site in the model, and the macro's own line), never JavaScript's words.

const MACROS =
  '{% macro outer(x) %}\n  {{ inner(x) }}\n{% endmacro %}\n{% macro inner(x) %}\nselect\n  {{ x.missing.attr }}\n{% endmacro %}\n{% macro bad(x) %}{{ x + 1 }}{% endmacro %}';
const JAVASCRIPT =
  /Cannot read properties|is not a function|compilePair|parse[A-Z]\w*:|TOKEN_|variable-end|block-end|left-paren|undefined or null|\bnull\b|Unable to call/;

function diagnose(template: string, fastPath = true) {
  const engine = new TemplateEngine([{ file: 'macros/helpers.sql', text: MACROS }], { fastPath });
  const compiled = engine.compile(template, 'models/m.sql');
  const diagnostic = compiled.template
    ? engine.render(compiled.template, { target: { type: 'duckdb' }, execute: true }).diagnostic
    : compiled.diagnostic;
  if (!diagnostic) throw new Error(`expected an error from ${template}`);
  return { code: diagnostic.code, at: `${diagnostic.at?.line}:${diagnostic.at?.column}`, message: diagnostic.message };
}

describe('template errors', () => {
  it.each([
    ['select\n  {{ foo.bar.baz }}', 'template-render', '2:6', "UndefinedError: 'foo' is undefined"],
    ['a\n{% for x in 3 %}{% endfor %}', 'template-render', '2:4', "TypeError: 'int' object is not iterable"],
    ['a\n\n   {{ 1 / 0 }}', 'template-render', '3:9', 'ZeroDivisionError: division by zero'],
    ["a\n {{ 'x' | nofilter }}", 'template-render', '2:11', "No filter named 'nofilter'"],
    ['a\n  {{ x is notatest }}', 'template-render', '2:8', "No test named 'notatest'"],
    ['a\n {{ none.x.y }}', 'template-render', '2:5', "UndefinedError: 'None' has no attribute 'x'"],
    ['a\n {% set x = 1 %}{{ x() }}', 'template-render', '2:20', "TypeError: 'int' object is not callable"],
    ["a\n {{ 'abc'.format(1).nope() }}", 'template-render', '2:5', "UndefinedError: 'str object' has no attribute 'nope'"],
    [
      "line1\n{{ bad('a') }}",
      'template-render',
      '2:4',
      'TypeError: can only concatenate str (not "int") to str (in macro bad (macros/helpers.sql:8))',
    ],
    [
      'select 1\nfrom {{ outer(nothing) }}',
      'template-render',
      '2:9',
      "UndefinedError: 'nothing' is undefined (in macro outer (macros/helpers.sql:2) → inner (macros/helpers.sql:6))",
    ],
    ['a\n  {{ 1 +  }}', 'template-syntax', '2:11', "unexpected '}}'"],
    [
      'a\n{% if x %}',
      'template-syntax',
      '2:4',
      "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.",
    ],
    ['a\n{% endfor %}', 'template-syntax', '2:4', "Encountered unknown tag 'endfor'."],
    ["a\n{{ {'a': 1 }}", 'template-syntax', '2:13', "expected token 'end of print statement', got '}'"],
    ['a\n{% set x = [1, 2 %}', 'template-syntax', '2:18', "expected token ',', got 'end of statement block'"],
    ['a\n{% for x in [1] %}{% break %}{% endfor %}{% continue %}', 'template-syntax', '2:45', "'continue' outside of a loop"],
    ['a\n{% macro m(a, b,) %}{% endmacro %}', 'template-syntax', '2:17', "can't assign to ')'"],
    ['{% raw %}never closed', 'template-syntax', '1:4', 'Missing end of raw directive'],
    ['select 1\n  {# a note\nmore', 'template-syntax', '2:3', 'expected end of comment, got end of file'],
  ])('%s', (template, code, at, message) => {
    for (const fastPath of [true, false]) {
      const found = diagnose(template, fastPath);
      expect(found).toMatchObject({ code, at });
      expect(found.message).toContain(message);
      expect(found.message).not.toMatch(JAVASCRIPT);
    }
  });
});

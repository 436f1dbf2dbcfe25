import { describe, expect, it } from 'vitest';
import { TemplateEngine } from '../../../core/template/engine.js';

const engine = new TemplateEngine([{ file: 'macros/m.sql', text: '{% macro twice(x) %}{{ return(x * 2) }}{% endmacro %}' }]);

/** Renders a template with a minimal scope; the output, or the diagnostic's message. */
function render(template: string): string {
  const compiled = engine.compile(template, 'models/x.sql');
  if (!compiled.template) return `syntax: ${compiled.diagnostic.message}`;
  const result = engine.render(compiled.template, { target: { type: 'duckdb' } });
  return result.output ?? `error: ${result.diagnostic?.message ?? ''}`;
}

describe('Jinja on nunjucks', () => {
  it.each([
    ["{{ '  a b  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ '  a'.lstrip() }}|{{ 'a  '.rstrip() }}", 'a b|a|a|a'],
    [
      "{{ 'a.b.c'.split('.') | join('-') }}|{{ 'a b  c'.split() | length }}|{{ 'a.b.c'.split('.', 1) | last }}|{{ 'a.b.c'.rsplit('.', 1) | first }}",
      'a-b-c|3|b.c|a.b',
    ],
    ["{{ 'aaa'.replace('a', 'b') }}|{{ 'aaa'.replace('a', 'b', 2) }}", 'bbb|bba'],
    [
      "{{ 'abc'.startswith('ab') }}|{{ 'abc'.endswith(('x', 'c')) }}|{{ 'hello world'.title() }}|{{ 'hELLO'.capitalize() }}",
      'True|True|Hello World|Hello',
    ],
    ["{{ '{}-{}'.format(1, 2) }}|{{ '{0}{0}'.format('z') }}|{{ '{a}'.format(a=3) }}|{{ ','.join(['x', 'y']) }}", '1-2|zz|3|x,y'],
    [
      "{{ 'banana'.count('an') }}|{{ 'banana'.find('n') }}|{{ '42'.isdigit() }}|{{ '7'.zfill(3) }}|{{ 'a=b'.partition('=') | last }}",
      '2|2|True|007|b',
    ],
    [
      '{% set l = [3, 1, 2] %}{% do l.sort() %}{% do l.extend([4]) %}{% do l.reverse() %}{{ l | join }}|{{ l.pop() }}|{{ l.index(4) }}|{{ l.count(2) }}',
      '4321|1|0|1',
    ],
    [
      "{% set d = {'a': 1} %}{% do d.update({'b': 2}) %}{{ d.keys() | join }}|{{ d.get('c', 9) }}|{{ d.setdefault('c', 3) }}|{{ d.pop('a') }}|{{ d | length }}",
      'ab|9|3|1|2',
    ],
    ['{{ [1, 2, 3][1:] | join }}|{{ None is none }}|{{ True and not False }}', '23|True|True'],
    [
      "{{ 1 is integer }}|{{ 1.5 is float }}|{{ [1] is sequence }}|{{ 2 in [1, 2] }}|{{ true is boolean }}|{{ 'x' is mapping }}",
      'True|True|True|True|True|False',
    ],
    [
      "{{ [{'n': 'a'}, {'n': 'b'}] | map(attribute='n') | join }}|{{ ['a', 'b'] | map('upper') | join }}|{{ [1, 1, 2] | unique | join }}|{{ [3, 1] | min }}{{ [3, 1] | max }}",
      'ab|AB|12|13',
    ],
    ['{{ twice(4) + 1 }}|{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}', '9|3'],
    [
      "{{ modules.datetime.datetime.strptime('2024-03-01 10:20', '%Y-%m-%d %H:%M').isoformat() }}|{{ modules.datetime.datetime.fromisoformat('2024-01-31').add(days=1).strftime('%d %b %Y') }}",
      '2024-03-01T10:20:00|01 Feb 2024',
    ],
    [
      '{{ modules.datetime.date(2024, 1, 1).weekday() }}|{{ modules.datetime.timedelta(days=2).days }}|{{ modules.datetime.date.today().year > 2000 }}',
      '0|2|True',
    ],
    [
      "{{ modules.re.findall('[0-9]+', 'a1b22c333') | join(',') }}|{{ modules.re.search('(?i)B+', 'abbc').group(0) }}|{{ modules.re.fullmatch('[a-z]+', 'abc') is not none }}|{{ modules.re.compile('x').sub('y', 'axa') }}",
      '1,22,333|bb|True|aya',
    ],
    [
      "{{ modules.re.match('\\d+', '42abc').group(0) }}|{{ 'a\\tb' }}|{{ 'it\\'s' }}|{{ 'back\\\\slash' }}|{{ '\\w' | length }}",
      "42|a\tb|it's|back\\slash|2",
    ],
    [
      "{{ modules.re.match('(?P<year>[0-9]{4})', '2024-01').groupdict().year }}|{{ modules.re.split(',', 'a,b') | length }}|{{ modules.re.sub('(a)(b)', '\\\\2\\\\1', 'ab') }}",
      '2024|2|ba',
    ],
  ])('%s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it('turns a Jinja namespace assignment into a statement nunjucks understands, on the same line', () => {
    expect(render('a\n{% set ns = namespace(x=1) %}{% set ns.x = ns.x + 1 %}{{ ns.x }}\n{{ undefined_macro_call() }}')).toMatch(
      /^error: .*undefined_macro_call/,
    );
  });

  it('runs loop filters as Jinja does: only kept items count for loop.index and loop.last', () => {
    expect(render('{% for x in [1, 2, 3] if x > 1 %}{{ loop.index }}{{ x }}{{ "," if not loop.last }}{% endfor %}')).toBe('12,23');
    expect(render('{% for x in ([1] if true else [2]) %}{{ x }}{% endfor %}')).toBe('1');
  });

  it('loads a macro file that defines a custom materialization (not run, but its package still loads)', () => {
    const withMaterialization = new TemplateEngine([
      {
        file: 'macros/mat.sql',
        text: "{% materialization my_mat, adapter='postgres' %}\n{% call statement('main') -%}{{ sql }}{%- endcall %}\n{{ return({'relations': [this]}) }}\n{% endmaterialization %}\n{% macro helper() %}ok{% endmacro %}",
      },
    ]);
    expect(withMaterialization.diagnostics).toEqual([]);
    expect(withMaterialization.renderString('{{ helper() }}', 'models/x.sql', { target: { type: 'duckdb' } }).output).toBe('ok');
  });

  it('hands JavaScript functions plain values, inside lists and dicts too', () => {
    const seen: unknown[] = [];
    const compiled = engine.compile("{{ capture({'share': 0.0, 'gone': missing, 'name': 'a' | e, 'list': [1.0]}, 2.0) }}", 'models/x.sql');
    engine.render(compiled.template!, { target: { type: 'duckdb' } }, { capture: (...args: unknown[]) => seen.push(...args) });
    expect(seen).toEqual([{ share: 0, gone: undefined, name: 'a', list: [1] }, 2]);
    expect(typeof (seen[0] as { share: unknown }).share).toBe('number');
    expect(typeof (seen[0] as { name: unknown }).name).toBe('string');
  });
});

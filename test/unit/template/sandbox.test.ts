import { describe, expect, it } from 'vitest';
import { TemplateEngine } from '../../../core/template/engine.js';

// Templates come from packages and projects Strata does not control: no name, attribute, key,
// filter or format field may reach JavaScript's internals (Function constructors, prototypes).

function render(template: string, fastPath: boolean): string {
  const engine = new TemplateEngine([], { fastPath });
  const compiled = engine.compile(template, 'models/x.sql');
  const result = compiled.template ? engine.render(compiled.template, { target: { type: 'duckdb' } }) : { diagnostic: compiled.diagnostic };
  return result.output ?? `error: ${result.diagnostic?.message ?? ''}`;
}

describe('templates cannot reach JavaScript internals', () => {
  it.each([
    [
      "{{ constructor.getOwnPropertyDescriptor(constructor.getPrototypeOf(constructor), 'constructor')['value']('return process.version')() }}",
      /^error: .*'constructor' is undefined/,
    ],
    ["{{ ''.constructor.constructor('return 1')() }}", /^error: .*has no attribute 'constructor'/],
    ["{% do __proto__.update({'polluted': 1}) %}", /^error: .*'__proto__' is undefined/],
    ["{% set d = {} %}{% do d.update({'__proto__': {'polluted': 1}}) %}{{ d.polluted }}|{{ d | length }}", /^\|1$/],
    ["{{ {'__proto__': 1} }}", /^\{'__proto__': 1\}$/],
    ["{{ 'a' | constructor }}|{{ 1 is toString }}", /^error: .*No filter named 'constructor'/],
    ["{{ '{0.constructor}'.format(1) }}", /^error: .*AttributeError: 'int' object has no attribute 'constructor'/],
    ["{{ '%(toString)s' % {} }}", /^error: KeyError|^error: .*KeyError/],
  ])('%s', (template, expected) => {
    for (const fastPath of [true, false]) expect(render(template, fastPath)).toMatch(expected);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

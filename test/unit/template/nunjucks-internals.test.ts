import nunjucks from 'nunjucks';
import { afterEach, describe, expect, it } from 'vitest';
import { compileJinja } from '../../../core/template/compile-jinja.js';
import { SELF_TEST_SOURCE, checkDialect } from '../../../core/template/dialect-self-test.js';
import { JinjaCompiler } from '../../../core/template/jinja-compiler.js';
import { JinjaParser } from '../../../core/template/jinja-parser.js';
import { NunjucksCompiler, NunjucksParser, missingInternals } from '../../../core/template/nunjucks-internals.js';

/** Methods of `dialect` (up to `base`) that replace a method of nunjucks' class under `base`. */
function overrides(dialect: { prototype: object }, base: { prototype: object }): [object, string][] {
  const nunjucksProto = Object.getPrototypeOf(base.prototype) as object;
  const found: [object, string][] = [];
  for (let proto = dialect.prototype; proto !== base.prototype; proto = Object.getPrototypeOf(proto) as object) {
    for (const name of Object.getOwnPropertyNames(proto)) if (name !== 'constructor' && name in nunjucksProto) found.push([proto, name]);
  }
  return found;
}

/** Overrides no template reaches: a TemplateData node only ever sits in an Output, which the dialect's compileOutput writes itself. */
const UNREACHED = new Set(['compileTemplateData']);

const restore: (() => void)[] = [];
afterEach(() => {
  for (const undo of restore.splice(0)) undo();
});

/** Counts the calls of `proto[name]` until the test ends. */
function count(proto: object, name: string, calls: Set<string>): void {
  const table = proto as Record<string, (...args: unknown[]) => unknown>;
  const original = table[name] as (...args: unknown[]) => unknown;
  table[name] = function counted(this: unknown, ...args: unknown[]) {
    calls.add(name);
    return original.apply(this, args);
  };
  restore.push(() => (table[name] = original));
}

describe('nunjucks internals', () => {
  it('are all there in the installed nunjucks', () => {
    expect(missingInternals()).toEqual([]);
  });

  it('are named when missing, from the module or from what it makes', () => {
    expect(missingInternals({ ...nunjucks, parser: {} })).toEqual(['parser.Parser']);
    const lexer = { ...(nunjucks as unknown as { lexer: object }).lexer, lex: () => ({ tags: {} }) };
    expect(missingInternals({ ...nunjucks, lexer })).toContain('tokenizer._parseString');
    expect(missingInternals({ ...nunjucks, lexer })).toContain('tokenizer.tags.VARIABLE_START');
  });

  it('that the dialect overrides are each reached by the start-up self-test template', () => {
    const calls = new Set<string>();
    const replaced = [...overrides(JinjaParser, NunjucksParser), ...overrides(JinjaCompiler, NunjucksCompiler)];
    expect(replaced.length).toBeGreaterThan(30);
    for (const [proto, name] of replaced) count(proto, name, calls);
    compileJinja(SELF_TEST_SOURCE, 'self-test');
    expect(replaced.map(([, name]) => name).filter((name) => !calls.has(name) && !UNREACHED.has(name))).toEqual([]);
  });

  it('pass the start-up self-test', () => {
    expect(() => checkDialect()).not.toThrow();
  });
});

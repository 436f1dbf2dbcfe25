import { createRequire } from 'node:module';
import { compileJinja } from './compile-jinja.js';
import { NUNJUCKS_VERSION, createEnvironment, templateFromCode } from './nunjucks-internals.js';
import { Namespace, enterRender } from './py-runtime.js';
import { splitArgs } from './call-args.js';

/**
 * The dialect's start-up check: one template that needs every nunjucks internal the dialect
 * extends (lexer literals and brace balance, the parser's statements and expressions, the code
 * generator's buffers and frames, the Template's precompiled-code path) must render exactly as
 * Python's Jinja2 renders it. A nunjucks upgrade that moves an internal fails here, at once.
 */

export const SELF_TEST_SOURCE = [
  "{% set ns = namespace(n=0) %}{% for x in [3, 1, 2,] if x > 1 %}{% set ns.n = ns.n + x %}{% if loop.last %}{% break %}{% endif %}{% endfor %}",
  "{{ ns.n }}|{{ {'a': {'b': 1e1}} }}|{{ 7 // 2 }} {{ 7 / 2 }} {{ 4 / 2 }}|{{ [1] + [2] == [1, 2] }}|{{ none }}",
  "{% macro m(a, b=a) %}{{ a }}{{ b }}{{ kwargs }}{% endmacro %}|{{ m(*[1], **{'c': 2}) }}|{{ 'x\\d' ~ '{}'.format(1_000) }}",
].join('');
export const SELF_TEST_EXPECTED = "5|{'a': {'b': 10.0}}|3 3.5 2.0|True|None|11{'c': 2}|x\\d1000";

let checked = false;

/** Throws (a bug, not a user error) if the installed nunjucks does not carry the dialect. */
export function checkDialect(): void {
  if (checked) return;
  const version = (createRequire(import.meta.url)('nunjucks/package.json') as { version: string }).version;
  if (version !== NUNJUCKS_VERSION) throw new Error(`Strata's Jinja dialect is built on nunjucks ${NUNJUCKS_VERSION}, but ${version} is installed: pin it back.`);
  const env = createEnvironment();
  env.addGlobal('namespace', (...args: unknown[]) => new Namespace(splitArgs(args).keywords));
  const template = templateFromCode(compileJinja(SELF_TEST_SOURCE, 'self-test'), env, 'self-test');
  const previous = enterRender({ variables: {}, lenient: false });
  let output: string;
  try {
    output = template.render({});
  } finally {
    enterRender(previous);
  }
  if (output !== SELF_TEST_EXPECTED) throw new Error(`Strata's Jinja dialect failed its self-test on nunjucks ${version}: rendered ${JSON.stringify(output)}, expected ${JSON.stringify(SELF_TEST_EXPECTED)}.`);
  checked = true;
}

import { compileJinja } from './compile-jinja.js';
import { JINJA_FILTERS } from './jinja-filters.js';
import { JINJA_TESTS } from './jinja-tests.js';
import {
  INSTALLED_NUNJUCKS_VERSION,
  NUNJUCKS_VERSION,
  createEnvironment,
  defineLiveGlobal,
  replaceFiltersAndTests,
  templateExports,
  templateFromCode,
} from './nunjucks-internals.js';
import { Namespace, enterRender } from './py-runtime.js';
import { splitArgs } from './call-args.js';

/**
 * The dialect's start-up check. nunjucks-internals.ts already refused to load if an internal it
 * reads is gone; this proves the internals still behave: one template that needs every nunjucks
 * internal the dialect extends (lexer literals, brace balance and delimiters, every parser and
 * code-generator method the dialect overrides, buffers and frames, raw text, the Template's
 * precompiled-code path and exports, the environment's globals, filters and tests) must render
 * exactly as Python's Jinja2 renders it. A nunjucks upgrade that changes an internal fails here.
 * test/unit/template/nunjucks-internals.test.ts checks the template reaches every override.
 */

export const SELF_TEST_SOURCE = [
  '{% set ns = namespace(n=0) %}{% for x in [3, 1, 2,] if x > 1 %}{% set ns.n = ns.n + x %}{% if loop.last %}{% break %}{% endif %}{% endfor %}',
  "{{ ns.n }}|{{ {'a': {'b': 1e1}} }}|{{ 7 // 2 }} {{ 7 / 2 }} {{ 4 / 2 }}|{{ [1] + [2] == [1, 2] }}|{{ none }}",
  "{% macro m(a, b=a) %}{{ a }}{{ b }}{{ kwargs }}{% endmacro %}|{{ m(*[1], **{'c': 2}) }}|{{ 'x\\d' ~ '{}'.format(1_000) }}",
  "{% set c %}{{ ('a' ~ 'b') if 3 is odd else 'z' }}{% endset %}{% macro w() %}[{{ caller() }}]{% endmacro %}|{% call w() %}{{ c | upper }}{% endcall %}",
  "|{% filter upper %}{% raw %}{{ x }}{% endraw %}{% endfilter %}|{%- if true -%} y {#- c -#} {%- endif %}| a {{- 'b' }}",
].join('');
export const SELF_TEST_EXPECTED = "5|{'a': {'b': 10.0}}|3 3.5 2.0|True|None|11{'c': 2}|x\\d1000|[AB]|{{ X }}|y| ab";

let checked = false;

/** Throws (a bug, not a user error) if the installed nunjucks does not carry the dialect. */
export function checkDialect(): void {
  if (checked) return;
  const version = INSTALLED_NUNJUCKS_VERSION;
  if (version !== NUNJUCKS_VERSION)
    throw new Error(`Strata's Jinja dialect is built on nunjucks ${NUNJUCKS_VERSION}, but ${version} is installed: pin it back.`);
  const fail = (what: string) => new Error(`Strata's Jinja dialect failed its self-test on nunjucks ${version}: ${what}.`);
  const env = createEnvironment();
  const namespace = (...args: unknown[]) => new Namespace(splitArgs(args).keywords);
  defineLiveGlobal(env, 'namespace', () => namespace);
  replaceFiltersAndTests(env, { upper: JINJA_FILTERS.upper }, { odd: JINJA_TESTS.odd });
  const template = templateFromCode(compileJinja(SELF_TEST_SOURCE, 'self-test'), env, 'self-test');
  const previous = enterRender({ variables: {}, lenient: false });
  let output: string;
  let exported: string[];
  try {
    output = template.render({});
    const exports = templateExports(template);
    if (exports.error) throw fail(`its exports failed: ${exports.error.message}`);
    exported = Object.keys(exports.exported ?? {}).sort();
  } finally {
    enterRender(previous);
  }
  if (output !== SELF_TEST_EXPECTED) throw fail(`rendered ${JSON.stringify(output)}, expected ${JSON.stringify(SELF_TEST_EXPECTED)}`);
  if (!exported.includes('m') || !exported.includes('w')) throw fail(`it exports ${JSON.stringify(exported)}, not the macros m and w`);
  checked = true;
}

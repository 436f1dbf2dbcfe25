import { didYouMean } from '../diagnostics/suggest.js';
import type { TemplateEngine } from '../template/engine.js';
import type { MacroSignature } from '../template/macro-signature.js';

/** A generic test as declared: its name, package and the arguments besides `model`. */
export interface DeclaredTest {
  testName: string;
  namespace?: string;
  kwargs: Record<string, unknown>;
  /** Declared on a column, so `column_name` is given too. */
  onColumn: boolean;
}

/**
 * What is wrong with the macro a generic test calls, if anything: there is no such test, or it is
 * not given an argument that has no default. dbt finds both only when the test is rendered or its
 * SQL runs (an argument left out renders as nothing); said here, they point at the test's entry.
 * A parameter the macro checks with `is defined` is optional by design.
 */
export function testMacroProblem(engine: TemplateEngine, test: DeclaredTest): string | undefined {
  const macro = `test_${test.testName}`;
  const shown = test.namespace ? `${test.namespace}.${test.testName}` : test.testName;
  const signature = engine.macroSignature(macro, test.namespace);
  if (!signature) {
    if (!test.namespace && engine.macros.has(macro)) return undefined;
    const known = [...engine.macros.keys()].filter((n) => n.startsWith('test_')).map((n) => n.slice(5));
    return `there is no generic test '${shown}' (a {% test ${test.testName}(...) %} block${test.namespace ? ` in package '${test.namespace}'` : ''}).${didYouMean(test.testName, known)}`;
  }
  const given = new Set(['model', ...(test.onColumn ? ['column_name'] : []), ...Object.keys(test.kwargs)]);
  const missing = requiredParameters(signature)
    .filter((name) => !given.has(name))
    .map((name) => `'${name}'`);
  if (missing.length === 0) return undefined;
  const hint = missing.includes("'column_name'") && !test.onColumn ? ' Declare it under a column, or give column_name.' : '';
  return `test '${shown}' needs the argument${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which its macro has no default for (${macro}(${signature.parameters.map((p) => p.name).join(', ')})).${hint}`;
}

const required = new WeakMap<MacroSignature, string[]>();

/** Parameters without a default that the body does not test with `is defined` (worked out once per macro). */
function requiredParameters(signature: MacroSignature): string[] {
  let names = required.get(signature);
  if (!names) {
    names = signature.parameters
      .filter((p) => !p.hasDefault && !new RegExp(`\\b${p.name}\\s+is\\s+(not\\s+)?(un)?defined\\b`).test(signature.body))
      .map((p) => p.name);
    required.set(signature, names);
  }
  return names;
}

import { TemplateEngine } from '../../core/template/engine.js';
import type { JinjaCase, JinjaResult } from './oracle.js';

const SCOPE = { target: { type: 'duckdb' } };
const shared = new Map<boolean, TemplateEngine>();

/**
 * Renders a case with Strata's engine, as a model would be rendered (macros from a macro file).
 * `fastPath: false` sends every template through the full dialect, so a test can show that the
 * fast path for simple templates renders exactly what the full engine does.
 */
export function renderWithStrata(testCase: JinjaCase, options: { fastPath?: boolean } = {}): JinjaResult {
  const fastPath = options.fastPath ?? true;
  let engine = shared.get(fastPath);
  if (testCase.macros !== undefined) engine = new TemplateEngine([{ file: 'macros/case.sql', text: testCase.macros }], { fastPath });
  else if (!engine) shared.set(fastPath, (engine = new TemplateEngine([], { fastPath })));
  const problem = engine.diagnostics[0];
  if (problem) return { error: `${problem.code}: ${problem.message}` };
  const compiled = engine.compile(testCase.template, `models/${testCase.id}.sql`);
  if (!compiled.template) return { error: `${compiled.diagnostic.code}: ${compiled.diagnostic.message}` };
  // A copy: a template may change its context's lists and dicts, and each case renders twice.
  const result = engine.render(compiled.template, SCOPE, structuredClone(testCase.context ?? {}));
  if (result.diagnostic) return { error: `${result.diagnostic.code}: ${result.diagnostic.message}` };
  return { output: result.output ?? '' };
}

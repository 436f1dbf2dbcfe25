import { TemplateEngine } from '../../core/template/engine.js';
import type { JinjaCase, JinjaResult } from './oracle.js';

const SCOPE = { target: { type: 'duckdb' } };
let shared: TemplateEngine | undefined;

/** Renders a case with Strata's engine, as a model would be rendered (macros from a macro file). */
export function renderWithStrata(testCase: JinjaCase): JinjaResult {
  const engine = testCase.macros !== undefined ? new TemplateEngine([{ file: 'macros/case.sql', text: testCase.macros }]) : (shared ??= new TemplateEngine([]));
  const problem = engine.diagnostics[0];
  if (problem) return { error: `${problem.code}: ${problem.message}` };
  const compiled = engine.compile(testCase.template, `models/${testCase.id}.sql`);
  if (!compiled.template) return { error: `${compiled.diagnostic.code}: ${compiled.diagnostic.message}` };
  const result = engine.render(compiled.template, SCOPE, testCase.context ?? {});
  if (result.diagnostic) return { error: `${result.diagnostic.code}: ${result.diagnostic.message}` };
  return { output: result.output ?? '' };
}

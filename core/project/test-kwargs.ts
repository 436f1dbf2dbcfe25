import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { RenderScope, TemplateEngine } from '../template/engine.js';
import { renderNative } from '../template/native-render.js';
import { hasRenderChars } from '../template/render-chars.js';
import type { ProjectNode } from './types.js';

/**
 * A generic test's arguments, rendered as dbt's `add_rendered_test_kwargs` does: natively, in the
 * test's own context, when it is parsed (to find refs) and when it compiles. An argument written
 * as a bare call (`to: ref('customers')`, `values: var('types')`) is one expression.
 *
 * Arguments without Jinja are written into the test's call as literals (or, for a bare call, as
 * the expression); an argument with Jinja is read from {@link TEST_KWARGS}, a variable of the
 * test's render holding the rendered arguments.
 */

/** The render variable holding a generic test's rendered arguments. */
export const TEST_KWARGS = '__strata_test_kwargs';

/** dbt's `looks_like_func`: a string that is a call of one of these is an expression. */
const LOOKS_LIKE_CALL = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/;

/** Whether a string argument is a bare call, written into the test as an expression. */
export function looksLikeCall(text: string): boolean {
  return LOOKS_LIKE_CALL.test(text.replace(/\n$/, ''));
}

/** Whether an argument holds Jinja anywhere (in a list or mapping too). */
export function needsRendering(value: unknown): boolean {
  if (typeof value === 'string') return hasRenderChars(value);
  if (Array.isArray(value)) return value.some(needsRendering);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return Object.values(value).some(needsRendering);
  return false;
}

/** Whether an argument is read from {@link TEST_KWARGS}: one with Jinja, except `column_name`, which dbt keeps as text. */
export function renderedKwarg(name: string, value: unknown): boolean {
  return name !== 'column_name' && needsRendering(value);
}

/** Renders the arguments that hold Jinja; the first problem stops it. */
export function renderTestKwargs(
  engine: TemplateEngine,
  kwargs: Record<string, unknown>,
  file: string,
  scope: RenderScope,
): { kwargs: Record<string, unknown>; diagnostic?: undefined } | { diagnostic: Diagnostic } {
  let problem: Diagnostic | undefined;
  const render = (value: unknown): unknown => {
    if (problem) return value;
    if (typeof value === 'string') {
      const result = renderNative(engine, looksLikeCall(value) ? `{{ ${value} }}` : value, file, scope);
      if (result.diagnostic) problem = result.diagnostic;
      return result.value;
    }
    if (Array.isArray(value)) return value.map(render);
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    if (value !== null && typeof value === 'object' && !(value instanceof Date))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
    return value;
  };
  const rendered = Object.fromEntries(
    Object.entries(kwargs)
      .filter(([k, v]) => renderedKwarg(k, v))
      .map(([k, v]) => [k, render(v)]),
  );
  return problem ? { diagnostic: problem } : { kwargs: rendered };
}

/** The variables a node's compile render gets: a generic test's rendered arguments, when it has Jinja in them. */
export function testKwargVariables(
  engine: TemplateEngine,
  node: ProjectNode,
  scope: RenderScope,
): { variables: Record<string, unknown>; diagnostic?: undefined } | { diagnostic: Diagnostic } {
  const kwargs = node.test?.kind === 'generic' ? node.test.kwargs : undefined;
  if (!kwargs || !Object.entries(kwargs).some(([k, v]) => renderedKwarg(k, v))) return { variables: {} };
  const rendered = renderTestKwargs(engine, kwargs, node.originalFilePath, scope);
  if (rendered.diagnostic)
    return { diagnostic: { ...rendered.diagnostic, message: `${rendered.diagnostic.message} (in an argument of test '${node.name}')` } };
  return { variables: { [TEST_KWARGS]: rendered.kwargs } };
}

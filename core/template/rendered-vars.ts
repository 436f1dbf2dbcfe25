import { TemplateCallError, splitArgs } from './call-args.js';
import { hasRenderChars } from './render-chars.js';
import { takesTemplateValues } from './py-values.js';

type VarFunction = ((...args: unknown[]) => unknown) & { has_var?: (name: unknown) => boolean };

/** Renders a var's text in the active scope: its output, or the problem as a message. */
export type RenderVarText = (text: string, name: string) => { output?: string; message?: string };

/**
 * dbt's `var()` renders a var's string value (`get_rendered_var`, not natively) in the context of
 * the node asking, so `vars: {start: "{{ env_var('START') }}"}` or `"{{ target.schema }}_raw"`
 * read as their rendered text. Only values that come from `vars:` or `--vars`; a default is
 * returned as given. Wrappers are kept per original, so each scope's `var` is wrapped once.
 */
export function renderedVars(render: RenderVarText): (original: unknown) => unknown {
  const wrapped = new WeakMap<VarFunction, VarFunction>();
  return (original) => {
    if (typeof original !== 'function') return original;
    const fn = original as VarFunction;
    let result = wrapped.get(fn);
    if (!result) {
      const call = (...args: unknown[]): unknown => {
        const value = fn(...args);
        if (typeof value !== 'string' || !hasRenderChars(value)) return value;
        const name = String(splitArgs(args).positional[0]);
        if (fn.has_var && !fn.has_var(name)) return value;
        const rendered = render(value, name);
        if (rendered.message !== undefined) throw new TemplateCallError('template-render', `var('${name}'): ${rendered.message}`);
        return rendered.output;
      };
      result = Object.assign(takesTemplateValues(call), { has_var: fn.has_var });
      wrapped.set(fn, result);
    }
    return result;
  };
}

import nunjucks from 'nunjucks';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { BUILTIN_MACROS } from './builtin-macros.js';
import { TemplateCallError } from './call-args.js';

/** A macro file: `{% macro %}` blocks callable from every template. */
export interface MacroSource {
  /** Path used in error messages. */
  file: string;
  /** File text. */
  text: string;
  /** Shipped with Strata: a project macro of the same name replaces it instead of clashing. */
  builtin?: boolean;
}

const TEST_BLOCK = /\{%(-?)\s*test\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g;
const END_TEST = /\{%(-?)\s*endtest\s*(-?)%\}/g;

/**
 * dbt's `{% test name(model, column_name) %}` blocks are macros named `test_<name>`; rewritten
 * line for line, so error positions stay right.
 */
export function testBlocksToMacros(text: string): string {
  return text.replace(TEST_BLOCK, '{%$1 macro test_$2(').replace(END_TEST, '{%$1 endmacro $2%}');
}

/** A compiled template, or the diagnostic that stopped it from compiling. */
export type CompiledTemplate = { template: nunjucks.Template; diagnostic?: undefined } | { template?: undefined; diagnostic: Diagnostic };

/** The names a render can see, e.g. `ref`, `this`, `target`. */
export type RenderScope = Record<string, unknown>;

/**
 * Names resolved from the active render scope. They are installed once as getters on the
 * nunjucks globals, so macros (compiled once, shared by every node) see the scope of the node
 * being rendered. Renders are synchronous, so one active scope at a time is enough.
 */
const SCOPED_NAMES = [
  'ref', 'source', 'config', 'var', 'env_var', 'this', 'target', 'is_incremental', 'doc',
  'project_name', 'model', 'execute', 'log', 'return', 'exceptions', 'invocation_id', 'run_started_at', '__strata_where',
] as const;

/** Scope key of a callback told the name of every macro a render calls. */
export const MACRO_CALL_HOOK = '__strata_on_macro';

/** nunjucks internals the engine relies on and its type declarations omit. */
interface EnvironmentInternals { globals: Record<string, unknown> }
interface TemplateInternals {
  path: string;
  getExported(ctx: object, frame: null, cb: (err: Error | null, exported: Record<string, unknown>) => void): void;
}

/** Renders Jinja-style SQL with nunjucks; one engine per project load. */
export class TemplateEngine {
  private readonly env: nunjucks.Environment;
  private scope: RenderScope | undefined;
  /** Problems found while compiling macro files. */
  readonly diagnostics: Diagnostic[] = [];
  /** Names of every macro, with the file that defines it. */
  readonly macros = new Map<string, string>();
  private readonly builtinNames = new Set<string>();

  constructor(macroFiles: readonly MacroSource[]) {
    // dev: keep nunjucks' TemplateError (with line and cause) rather than a flattened Error.
    this.env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false, dev: true });
    for (const name of SCOPED_NAMES) {
      Object.defineProperty((this.env as unknown as EnvironmentInternals).globals, name, { enumerable: true, configurable: true, get: () => this.scope?.[name] });
    }
    for (const file of [...BUILTIN_MACROS, ...macroFiles]) this.loadMacros(file);
  }

  private loadMacros(file: MacroSource): void {
    const compiled = this.compile(testBlocksToMacros(file.text), file.file);
    if (!compiled.template) {
      this.diagnostics.push(compiled.diagnostic);
      return;
    }
    let exported: Record<string, unknown> = {};
    (compiled.template as unknown as TemplateInternals).getExported({}, null, (err, result) => {
      if (err) this.diagnostics.push(toDiagnostic(err, file.file, 'template-render'));
      else exported = result;
    });
    for (const [name, macro] of Object.entries(exported)) {
      const previous = this.macros.get(name);
      if (previous !== undefined && !this.builtinNames.has(name)) {
        this.diagnostics.push(diagnostic('duplicate-macro', `Macro '${name}' is defined in both ${previous} and ${file.file}.`, { file: file.file, line: lineOf(file.text, `macro ${name}`), column: 1 }));
        continue;
      }
      this.macros.set(name, file.file);
      if (file.builtin) this.builtinNames.add(name);
      else this.builtinNames.delete(name);
      // Record which macros a node calls (directly or through other macros), for state:modified.
      const hook = () => this.scope?.[MACRO_CALL_HOOK] as ((n: string) => void) | undefined;
      const traced = function (this: unknown, ...args: unknown[]): unknown {
        hook()?.(name);
        return (macro as (...a: unknown[]) => unknown).apply(this, args);
      };
      this.env.addGlobal(name, traced);
    }
  }

  /** Compiles a template; syntax errors come back as a diagnostic with file and line. */
  compile(text: string, file: string): CompiledTemplate {
    try {
      return { template: new nunjucks.Template(text, this.env, file, true) };
    } catch (err) {
      return { diagnostic: toDiagnostic(err, file, 'template-syntax') };
    }
  }

  /** Renders with `scope` visible to the template and every macro it calls. */
  render(template: nunjucks.Template, scope: RenderScope): { output?: string; diagnostic?: Diagnostic } {
    const previous = this.scope;
    this.scope = scope;
    try {
      return { output: template.render({}) };
    } catch (err) {
      return { diagnostic: toDiagnostic(err, (template as unknown as TemplateInternals).path, 'template-render') };
    } finally {
      this.scope = previous;
    }
  }

  /** Compiles and renders a one-off string (YAML values, descriptions). */
  renderString(text: string, file: string, scope: RenderScope): { output?: string; diagnostic?: Diagnostic } {
    const compiled = this.compile(text, file);
    return compiled.template ? this.render(compiled.template, scope) : { diagnostic: compiled.diagnostic };
  }
}

interface NunjucksError extends Error { lineno?: number; colno?: number; cause?: unknown }

/** Turns a nunjucks error into a diagnostic at the template's line and column. */
function toDiagnostic(err: unknown, file: string, fallback: 'template-syntax' | 'template-render'): Diagnostic {
  if (!(err instanceof Error)) throw err;
  const e = err as NunjucksError;
  const cause = e.cause instanceof TemplateCallError ? e.cause : undefined;
  // nunjucks prefixes "(path) [Line n, Column m]\n  "; keep only the message itself.
  const raw = cause ? cause.message : e.message.replace(/^\([^)]*\)(?: \[Line \d+, Column \d+\])?\s*/, '').replace(/^Error: /, '');
  const message = cause ? raw : `${fallback === 'template-syntax' ? 'Template syntax error' : 'Template error'}: ${raw.trim()}`;
  // The parser reports 1-based positions; render-time errors carry 0-based ones.
  const base = fallback === 'template-render' ? 1 : 0;
  const line = typeof e.lineno === 'number' ? e.lineno + base : 1;
  const column = typeof e.colno === 'number' ? e.colno + base : 1;
  return diagnostic(cause ? cause.code : fallback, message, { file, line, column });
}

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}

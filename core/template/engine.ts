import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type nunjucks from 'nunjucks';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { BUILTIN_MACROS } from './builtin-macros.js';
import { CROSS_DB_MACROS, NAMING_MACROS } from './cross-db-macros.js';
import { TemplateCallError } from './call-args.js';
import { FastRenderError, parseFast, renderFast, type FastTemplate } from './fast-template.js';
import { fastDiagnostic, toDiagnostic } from './template-errors.js';
import { addJinjaCompat } from './jinja-compat.js';
import { compileJinja, normalizeSource } from './compile-jinja.js';
import { createEnvironment, defineLiveGlobal, environmentGlobals, templateExports, templateFromCode } from './nunjucks-internals.js';
import { checkDialect } from './dialect-self-test.js';
import { MacroReturn, enterRender, outerName, takesTemplateValues } from './py-runtime.js';
import { readMacroSignature, type MacroSignature } from './macro-signature.js';
import { BUILTIN_PACKAGE, MacroNamespaces, type DispatchConfig } from './macro-namespaces.js';
import { adapterObject, type DatabaseAccess } from './adapter-object.js';
import { ContextObject } from './context-object.js';
import { renderedVars } from './rendered-vars.js';
import type { MacroSource } from './macro-source.js';

/** How macros are organized: the root project's name and its `dispatch:` config. */
export interface EngineOptions {
  rootPackage?: string;
  dispatch?: readonly DispatchConfig[];
  /** Render simple templates without nunjucks (default); off only to compare both paths in tests. */
  fastPath?: boolean;
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

/** A template ready to render: nunjucks' compiled form, or the fast path's for simple templates. */
export type Template =
  { kind: 'nunjucks'; template: nunjucks.Template; file: string } | { kind: 'fast'; template: FastTemplate; file: string; text: string };

/** A compiled template, or the diagnostic that stopped it from compiling. */
export type CompiledTemplate = { template: Template; diagnostic?: undefined } | { template?: undefined; diagnostic: Diagnostic };

export type { DatabaseAccess } from './adapter-object.js';

/** The names a render can see, e.g. `ref`, `this`, `target`. */
export type RenderScope = Record<string, unknown>;

/**
 * Names resolved from the active render scope. They are installed once as getters on the
 * nunjucks globals, so macros (compiled once, shared by every node) see the scope of the node
 * being rendered. Renders are synchronous, so one active scope at a time is enough.
 */
const SCOPED_NAMES = [
  'ref',
  'source',
  'config',
  'var',
  'env_var',
  'this',
  'target',
  'is_incremental',
  'doc',
  'project_name',
  'model',
  'execute',
  'log',
  'exceptions',
  'invocation_id',
  'run_started_at',
  'flags',
  'graph',
  'api',
  'run_query',
  'statement',
  'load_result',
  'results',
  'schemas',
  'database_schemas',
  '__strata_where',
] as const;

/** Scope key of a callback told the name of every macro a render calls. */
export const MACRO_CALL_HOOK = '__strata_on_macro';

/** Renders Jinja-style SQL with nunjucks; one engine per project load. */
export class TemplateEngine {
  private readonly env: nunjucks.Environment;
  private scope: RenderScope | undefined;
  /** Problems found while compiling macro files. */
  readonly diagnostics: Diagnostic[] = [];
  /** Names of every macro, with the file that defines it. */
  readonly macros = new Map<string, string>();
  private readonly builtinNames = new Set<string>();
  /** The file defining each macro a plain name reaches, and each `package.name`. */
  private readonly definedIn = new Map<string, MacroSource>();
  private readonly signatures = new Map<string, MacroSignature | undefined>();
  private readonly templates = new Map<string, Map<string, CompiledTemplate>>();

  private readonly namespaces: MacroNamespaces;
  private readonly rootPackage: string;
  private readonly fastPath: boolean;

  constructor(macroFiles: readonly MacroSource[], options: EngineOptions = {}) {
    checkDialect();
    this.rootPackage = options.rootPackage ?? '<root>';
    this.fastPath = options.fastPath ?? true;
    this.namespaces = new MacroNamespaces(this.rootPackage, options.dispatch);
    // dev: keep nunjucks' TemplateError (with line and cause) rather than a flattened Error.
    this.env = createEnvironment();
    const withRenderedValues = renderedVars((text, name) => {
      const { output, diagnostic } = this.renderString(text, `<var ${name}>`, this.scope ?? {});
      return diagnostic ? { message: diagnostic.message } : { output };
    });
    for (const name of SCOPED_NAMES)
      defineLiveGlobal(this.env, name, name === 'var' ? () => withRenderedValues(this.scope?.var) : () => this.scope?.[name]);
    addJinjaCompat(this.env);
    this.env.addGlobal('adapter', this.adapterObject());
    const globals = environmentGlobals(this.env);
    this.env.addGlobal(
      'context',
      new ContextObject(
        (name) => outerName(globals, name),
        () => Object.keys(globals),
      ),
    );
    // dbt's global macros as `dbt.date_trunc(...)` (and `strata.…`): Strata's own (even where the project has one of that name), else dispatched on the adapter.
    for (const namespace of ['dbt', 'strata']) {
      this.env.addGlobal(
        namespace,
        new Proxy(new BuiltinNamespace(), {
          get: (_, name) =>
            typeof name === 'string' ? (this.namespaces.get(BUILTIN_PACKAGE, name) ?? this.dispatch(name, namespace)) : undefined,
        }),
      );
    }
    // dbt's `{{ return(x) }}`: the macro's value becomes x (not its text); see the macro wrapper.
    this.env.addGlobal(
      'return',
      takesTemplateValues((value: unknown) => {
        throw new MacroReturn(value);
      }),
    );
    // The root project's macros before packages': an unqualified name is the root project's.
    const ordered = [...macroFiles.filter((f) => !f.package), ...macroFiles.filter((f) => f.package)];
    for (const file of [...BUILTIN_MACROS, CROSS_DB_MACROS, NAMING_MACROS, ...ordered]) this.loadMacros(file);
    // `package.macro(...)`, for the root project and each package.
    for (const pkg of [this.rootPackage, ...this.namespaces.packages()]) {
      if (!(pkg in environmentGlobals(this.env))) this.env.addGlobal(pkg, this.namespaces.namespace(pkg));
    }
  }

  private loadMacros(file: MacroSource): void {
    if (file.builtin) {
      this.loadBuiltinMacros(file);
      return;
    }
    const exported = this.exportedMacros(file);
    for (const [name, macro] of Object.entries(exported)) this.addMacro(name, file, macro);
  }

  /** The macros a file defines, compiled; problems go to {@link diagnostics}. */
  private exportedMacros(file: MacroSource): Record<string, unknown> {
    const compiled = this.compile(testBlocksToMacros(file.text), file.file);
    if (!compiled.template) {
      this.diagnostics.push(compiled.diagnostic);
      return {};
    }
    if (compiled.template.kind !== 'nunjucks') return {}; // no {% macro %} block in it
    const { exported, error } = templateExports(compiled.template.template);
    if (error) this.diagnostics.push(toDiagnostic(error, file.file, 'template-render'));
    return exported ?? {};
  }

  /**
   * Strata's own macro files are compiled when one of their macros is first called: a project
   * calls few of them, and compiling them all was a visible share of a small command's time.
   * Their names are read from the text (a test checks they are exactly what the file exports).
   */
  private loadBuiltinMacros(file: MacroSource): void {
    let exported: Record<string, unknown> | undefined;
    const compiled = (): Record<string, unknown> => {
      if (!exported) {
        const before = this.diagnostics.length;
        exported = this.exportedMacros(file);
        if (this.diagnostics.length > before)
          throw new Error(`Strata's built-in macros in ${file.file} do not compile: ${this.diagnostics[before]?.message}`);
      }
      return exported;
    };
    for (const name of definedMacroNames(file.text)) {
      this.addMacro(
        name,
        file,
        takesTemplateValues(function (this: unknown, ...args: unknown[]) {
          return (compiled()[name] as (...a: unknown[]) => unknown).apply(this, args);
        }),
      );
    }
  }

  private addMacro(name: string, file: MacroSource, macro: unknown): void {
    const previous = this.macros.get(name);
    const owner = file.builtin ? BUILTIN_PACKAGE : (file.package ?? this.rootPackage);
    // A package's macro is always reachable as package.name; unqualified only if nobody took the name.
    if (file.package && previous !== undefined) {
      this.definedIn.set(`${owner}.${name}`, file);
      this.namespaces.add(owner, name, this.traced(name, file, macro));
      return;
    }
    if (previous !== undefined && !this.builtinNames.has(name)) {
      this.diagnostics.push(
        diagnostic('duplicate-macro', `Macro '${name}' is defined in both ${previous} and ${file.file}.`, {
          file: file.file,
          line: lineOf(file.text, `macro ${name}`),
          column: 1,
        }),
      );
      return;
    }
    this.macros.set(name, file.file);
    if (file.builtin) this.builtinNames.add(name);
    else this.builtinNames.delete(name);
    const traced = this.traced(name, file, macro);
    this.definedIn.set(name, file).set(`${owner}.${name}`, file);
    this.namespaces.add(owner, name, traced);
    this.env.addGlobal(name, traced);
  }

  /**
   * A macro wrapped to record that it was called (for state:modified.macros). The compiled macro
   * itself turns `return(x)` into its value and names itself in errors passing through it.
   */
  private traced(name: string, file: MacroSource, macro: unknown): (...args: unknown[]) => unknown {
    const hook = () => this.scope?.[MACRO_CALL_HOOK] as ((n: string) => void) | undefined;
    // Takes template values as they are, as the macro it wraps does (a float stays a float).
    return takesTemplateValues(function (this: unknown, ...args: unknown[]): unknown {
      hook()?.(name);
      return (macro as (...a: unknown[]) => unknown).apply(this, args);
    });
  }

  /** Whether the project (not Strata) defines a macro of this name, e.g. an override of `generate_schema_name`. */
  hasProjectMacro(name: string): boolean {
    return this.macros.has(name) && !this.builtinNames.has(name);
  }

  /**
   * The parameters and body of the macro a call of `name` (or `namespace.name`; `dbt.` for Strata's
   * own) reaches, read from its file; undefined when no macro is reached.
   */
  macroSignature(name: string, namespace?: string): MacroSignature | undefined {
    const key = namespace === undefined ? name : `${namespace === 'dbt' ? BUILTIN_PACKAGE : namespace}.${name}`;
    if (!this.signatures.has(key)) {
      const file = this.definedIn.get(key);
      this.signatures.set(key, file && readMacroSignature(file.text, name));
    }
    return this.signatures.get(key);
  }

  /** Calls a macro from code with `scope` active; its output as text (or its `return()` value). */
  callMacro(name: string, args: unknown[], scope: RenderScope): { value?: unknown; diagnostic?: Diagnostic } {
    const previous = this.scope;
    this.scope = scope;
    const previousState = enterRender({ variables: {}, lenient: scope.execute === false });
    try {
      const macro = environmentGlobals(this.env)[name] as (...a: unknown[]) => unknown;
      return { value: macro(...args) };
    } catch (err) {
      return { diagnostic: toDiagnostic(err, this.macros.get(name) ?? name, 'template-render') };
    } finally {
      this.scope = previous;
      enterRender(previousState);
    }
  }

  /**
   * `adapter.dispatch(name, namespace)`: the implementation of a macro for the target's adapter
   * (see {@link MacroNamespaces}), else a macro called just `name`.
   */
  dispatch(name: string, namespace?: string): (...args: unknown[]) => unknown {
    const type = String((this.scope?.target as { type?: string } | undefined)?.type ?? '');
    const found =
      this.namespaces.dispatch(name, namespace, type) ?? (namespace !== undefined ? this.namespaces.get(namespace, name) : undefined);
    if (found) return found;
    // A macro (or, for dbt./strata., a context function such as run_query) of just that name.
    const plain = environmentGlobals(this.env)[name];
    if (typeof plain === 'function' && (this.macros.has(name) || namespace === 'dbt' || namespace === 'strata'))
      return plain as (...args: unknown[]) => unknown;
    throw new TemplateCallError(
      'unknown-macro',
      `No implementation of macro '${name}'${namespace ? ` (namespace '${namespace}')` : ''} for adapter '${type}': define '${type}__${name}' or 'default__${name}'.`,
    );
  }

  /** dbt's `adapter` object. Database access comes from the render scope's `__strata_database` (compile pass only). */
  private adapterObject(): Record<string, unknown> {
    return adapterObject({
      database: () => this.scope?.__strata_database as DatabaseAccess | undefined,
      type: () => String((this.scope?.target as { type?: string } | undefined)?.type ?? ''),
      dispatch: (name, namespace) => this.dispatch(name, namespace),
    });
  }

  /**
   * Compiles a template; syntax errors come back as a diagnostic with file and line. Compiled
   * templates are kept by file and text, so the compile pass reuses the parse pass's work.
   */
  compile(text: string, file: string): CompiledTemplate {
    let byText = this.templates.get(file);
    const cached = byText?.get(text);
    if (cached) return cached;
    let compiled: CompiledTemplate;
    const source = normalizeSource(text);
    const fast = this.fastPath ? parseFast(source) : undefined;
    if (fast) compiled = { template: { kind: 'fast', template: fast, file, text: source } };
    else {
      try {
        compiled = { template: { kind: 'nunjucks', template: templateFromCode(compileJinja(source, file), this.env, file), file } };
      } catch (err) {
        compiled = { diagnostic: toDiagnostic(err, file, 'template-syntax') };
      }
    }
    if (!byText) this.templates.set(file, (byText = new Map()));
    byText.set(text, compiled);
    return compiled;
  }

  /**
   * Renders with `scope` visible to the template and every macro it calls; `variables` are the
   * template's own context (visible to the template only, as Jinja's render arguments are).
   */
  render(template: Template, scope: RenderScope, variables: Record<string, unknown> = {}): { output?: string; diagnostic?: Diagnostic } {
    const previous = this.scope;
    this.scope = scope;
    // dbt's parse pass renders with a lenient Undefined: attributes and calls of it stay undefined.
    const previousState = enterRender({ variables, lenient: scope.execute === false });
    try {
      if (template.kind === 'nunjucks') return { output: template.template.render(variables) };
      const globals = environmentGlobals(this.env);
      return { output: renderFast(template.template, (name) => outerName(globals, name)) };
    } catch (err) {
      if (err instanceof FastRenderError && template.kind === 'fast')
        return { diagnostic: fastDiagnostic(err, template.file, template.text) };
      return { diagnostic: toDiagnostic(err, template.file, 'template-render') };
    } finally {
      this.scope = previous;
      enterRender(previousState);
    }
  }

  /** Compiles and renders a one-off string (YAML values, descriptions). */
  renderString(text: string, file: string, scope: RenderScope): { output?: string; diagnostic?: Diagnostic } {
    const compiled = this.compile(text, file);
    return compiled.template ? this.render(compiled.template, scope) : { diagnostic: compiled.diagnostic };
  }
}

/** What `dbt` and `strata` are in templates: an object (not a dict) whose every member is a dispatched macro. */
class BuiltinNamespace {}

/** Names of the `{% macro name(...) %}` (and `{% test %}`) blocks in a macro file's text. */
export function definedMacroNames(text: string): string[] {
  return [...testBlocksToMacros(text).matchAll(/\{%-?\s*macro\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].map((m) => m[1] as string);
}

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}

/** An engine for macro files on disk (paths from `root`), e.g. for a project loaded earlier. */
export function engineFromFiles(
  root: string,
  files: readonly { file: string; package?: string }[],
  options: EngineOptions = {},
): TemplateEngine {
  return new TemplateEngine(
    files.map((f) => ({ ...f, text: readFileSync(join(root, f.file), 'utf8') })),
    options,
  );
}

import { JinjaCompiler } from './jinja-compiler.js';
import { PY } from './jinja-runtime.js';
import { parseJinja } from './jinja-parser.js';
import { lex } from './nunjucks-internals.js';

/** What nunjucks' Template takes as precompiled code: the root render function (and blocks). */
export type CompiledProps = Record<string, unknown>;

/**
 * Jinja reads a template with its newlines normalized to `\n` and, as dbt configures it, without
 * one trailing newline (keep_trailing_newline is off).
 */
export function normalizeSource(text: string): string {
  const unified = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  return unified.endsWith('\n') ? unified.slice(0, -1) : unified;
}

/** Parses and compiles template text (already normalized) into the functions nunjucks' Template runs. */
export function compileJinja(text: string, name: string): CompiledProps {
  const ast = parseJinja(lex(text));
  const compiler = new JinjaCompiler(name, false);
  compiler.compile(ast, undefined as never);

  return new Function('py', compiler.getCode())(PY) as CompiledProps;
}

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { splitArgs } from '../template/call-args.js';
import type { RenderScope, TemplateEngine } from '../template/engine.js';
import { parseScope, restoreLocations, type ParseRecord } from '../template/parse-scope.js';
import type { ParseCache, ParseResult } from './parse-cache.js';

/** What parsing a template needs. */
export interface ParseContext {
  engine: TemplateEngine;
  base: RenderScope;
  cache?: ParseCache;
}

/**
 * The parse pass for one template: from the cache when the file is unchanged, else rendered (and
 * cached when it parsed cleanly). `extra` adds names to the scope (e.g. for generic tests).
 */
export function parseTemplate(
  ctx: ParseContext,
  file: string,
  rawCode: string,
  name: string,
  extra: RenderScope = {},
): { record?: ParseRecord; diagnostics: Diagnostic[] } {
  const cached = ctx.cache?.get(file, rawCode);
  if (cached) {
    const { refs, sources } = restoreLocations(file, rawCode, cached.refs, cached.sources);
    return { record: { refs, sources, config: { ...cached.config }, macros: new Set(cached.macros) }, diagnostics: [] };
  }
  const compiled = ctx.engine.compile(rawCode, file);
  if (!compiled.template) return { diagnostics: [compiled.diagnostic] };
  const envUsed = new Set<string>();
  const envVar = ctx.base.env_var as (...args: unknown[]) => unknown;
  const { scope, record } = parseScope(ctx.base, file, rawCode, name, {
    ...extra,
    env_var: (...args: unknown[]) => {
      envUsed.add(String(splitArgs(args).positional[0]));
      return envVar(...args);
    },
  });
  const rendered = ctx.engine.render(compiled.template, scope);
  if (rendered.diagnostic) return { record, diagnostics: [rendered.diagnostic] };
  ctx.cache?.put(file, rawCode, parseResultOf(record), envUsed);
  return { record, diagnostics: [] };
}

/** What the parse cache keeps of a parse: the calls without their locations. */
export function parseResultOf(record: ParseRecord): ParseResult {
  return {
    refs: record.refs.map(({ name: n, package: p, version: v }) => ({
      name: n,
      ...(p !== undefined ? { package: p } : {}),
      ...(v !== undefined ? { version: v } : {}),
    })),
    sources: record.sources.map(({ source, table }) => ({ source, table })),
    config: record.config,
    macros: [...record.macros],
  };
}

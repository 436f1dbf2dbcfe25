import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { parseYaml, validateYaml } from '../project/yaml-file.js';
import type { SelectContext } from './select.js';
import { evaluateAtom, evaluateTerms, withAttachedTests } from './select.js';
import type { SelectorAtom } from './selector-syntax.js';
import { readProjectText } from '../project/read-text.js';

/** A named selector from selectors.yml. */
export interface NamedSelector {
  name: string;
  description?: string;
  /** Used when no --select or --selector is given. */
  default?: boolean;
  /** The definition as written: a CLI string, a method mapping, or union/intersection lists. */
  definition: unknown;
  /** Where a part of the definition (by its path inside it) is written in selectors.yml. */
  locate?: (path: readonly PropertyKey[]) => SourceLocation;
}

const fileSchema = z.strictObject({
  selectors: z.array(z.strictObject({ name: z.string(), description: z.string().optional(), default: z.boolean().optional(), definition: z.unknown() })),
});

/** Reads selectors.yml from the project root (none when absent). */
export function readSelectorsFile(root: string): { selectors: NamedSelector[]; diagnostics: Diagnostic[] } {
  const file = join(root, 'selectors.yml');
  if (!existsSync(file)) return { selectors: [], diagnostics: [] };
  const encoding: Diagnostic[] = [];
  const parsed = parseYaml('selectors.yml', readProjectText(file, 'selectors.yml', encoding));
  if (encoding.length || !parsed.yaml) return { selectors: [], diagnostics: [...encoding, ...parsed.diagnostics] };
  const { yaml } = parsed;
  const checked = validateYaml(yaml, fileSchema, yaml.value, [], 'selectors file');
  const selectors = (checked.data?.selectors ?? []).map((s, i): NamedSelector => ({ ...s, locate: (path) => yaml.locate(['selectors', i, 'definition', ...path]) }));
  return { selectors, diagnostics: checked.diagnostics };
}

const KEYS = new Set(['method', 'value', 'parents', 'children', 'parents_depth', 'children_depth', 'childrens_parents', 'indirect_selection']);

/**
 * Evaluates a selectors.yml definition: a string in CLI syntax; `{method, value, parents,
 * children, parents_depth, children_depth, childrens_parents}`; the shorthand `{tag: nightly}`;
 * or `union`/`intersection` lists whose `exclude` entries are subtracted. Each leaf brings its
 * attached tests (indirect selection) before exclusions apply, so an `exclude` can remove tests.
 */
export function evaluateSelectorDefinition(ctx: SelectContext, selector: NamedSelector): Set<string> {
  return evaluateDefinition(ctx, selector, selector.definition, []);
}

/** One part of a selector's definition, at `path` inside it. */
function evaluateDefinition(ctx: SelectContext, selector: NamedSelector, definition: unknown, path: readonly PropertyKey[]): Set<string> {
  const at = selector.locate?.(path);
  if (typeof definition === 'string') return withAttachedTests(ctx.project, ctx.dag, evaluateTerms(ctx, [definition], at));
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) return invalid(ctx, selector.name, definition, at);
  const entries = Object.entries(definition as Record<string, unknown>);
  const [firstKey, firstValue] = entries[0] ?? [];
  if ((firstKey === 'union' || firstKey === 'intersection') && entries.length === 1 && Array.isArray(firstValue)) {
    const items = firstValue.map((d, i) => ({ d, path: [...path, firstKey, i] }));
    const parts = items.filter(({ d }) => !isExclude(d)).map((item) => evaluateDefinition(ctx, selector, item.d, item.path));
    const excluded = items.filter(({ d }) => isExclude(d)).flatMap((item) => ((item.d as { exclude: unknown[] }).exclude ?? []).map((e, j) => evaluateDefinition(ctx, selector, e, [...item.path, 'exclude', j])));
    let result = firstKey === 'union'
      ? new Set(parts.flatMap((s) => [...s]))
      : parts.reduce<Set<string> | undefined>((acc, s) => (acc ? new Set([...acc].filter((id) => s.has(id))) : s), undefined) ?? new Set<string>();
    for (const ex of excluded) result = new Set([...result].filter((id) => !ex.has(id)));
    return result;
  }
  const spec = definition as Record<string, unknown>;
  const method = typeof spec.method === 'string' ? spec.method : entries.length === 1 && firstKey && !KEYS.has(firstKey) ? firstKey : undefined;
  const value = typeof spec.method === 'string' ? spec.value : firstValue;
  if (!method || value === undefined) return invalid(ctx, selector.name, definition, at);
  const depth = (flag: unknown, explicit: unknown) => (typeof explicit === 'number' ? explicit : flag === true ? Infinity : undefined);
  const atom: SelectorAtom = { method, value: String(value), text: `${method}:${String(value)}`, ...(at ? { at } : {}) };
  const parents = depth(spec.parents, spec.parents_depth);
  const children = depth(spec.children, spec.children_depth);
  if (parents !== undefined) atom.parents = parents;
  if (children !== undefined) atom.children = children;
  if (spec.childrens_parents === true) atom.childrenWithParents = true;
  return withAttachedTests(ctx.project, ctx.dag, evaluateAtom(ctx, atom));
}

function isExclude(d: unknown): boolean {
  return d !== null && typeof d === 'object' && 'exclude' in (d as object);
}

function invalid(ctx: SelectContext, name: string, definition: unknown, at: SourceLocation | undefined): Set<string> {
  ctx.diagnostics.push(diagnostic('invalid-selectors-file', `Selector '${name}': cannot read the definition ${JSON.stringify(definition)}.`, at ?? { file: 'selectors.yml', line: 1, column: 1 }));
  return new Set();
}

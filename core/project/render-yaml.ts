import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { TemplateCallError, splitArgs } from '../template/call-args.js';
import { TemplateEngine, type RenderScope } from '../template/engine.js';
import { renderNative } from '../template/native-render.js';
import { DictView, PyFloat, Undefined, dictKeys, isDict, str, takesTemplateValues } from '../template/py-values.js';
import type { YamlFile } from './yaml-file.js';

/**
 * Jinja in YAML values, rendered as dbt renders them: every string natively (a template that is one
 * `{{ expression }}` gives its value, so `"{{ var('x', false) }}"` is a bool), except the keys each
 * of dbt's renderers leaves for later (hooks, descriptions, test arguments). Values are rendered
 * one by one, not the file's text, so positions stay exact.
 */

let sharedEngine: TemplateEngine | undefined;

/** The engine project files and profiles render with: no macros, as in dbt (one for every load). */
export function macroFreeEngine(): TemplateEngine {
  return (sharedEngine ??= new TemplateEngine([]));
}

/** A YAML path: mapping keys and list indexes. */
export type YamlPath = readonly PropertyKey[];

/**
 * Renders the strings of `value` (found at `path` in `yaml`) for which `rendered(path)` holds;
 * problems become diagnostics at the value. The result holds plain YAML values (numbers, lists).
 */
export function renderYamlValues(
  yaml: YamlFile,
  value: unknown,
  path: YamlPath,
  engine: TemplateEngine,
  scope: RenderScope,
  diagnostics: Diagnostic[],
  rendered: (path: YamlPath) => boolean = () => true,
): unknown {
  // One path, extended and shortened in place: most files have no Jinja, and must cost little.
  const at: PropertyKey[] = [...path];
  const child = (item: unknown, key: PropertyKey): unknown => {
    at.push(key);
    const out = walk(item);
    at.pop();
    return out;
  };
  // Containers are copied only where something changed.
  const walk = (v: unknown): unknown => {
    if (!rendered(at)) return v;
    if (typeof v === 'string') {
      const result = renderNative(engine, v, yaml.file, scope);
      if (result.diagnostic) {
        diagnostics.push({ ...result.diagnostic, at: yaml.locate([...at]) });
        return v;
      }
      return result.value === v ? v : plainValue(result.value);
    }
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined;
      v.forEach((item, i) => {
        const out = child(item, i);
        if (out !== item) (copy ??= [...v])[i] = out;
      });
      return copy ?? v;
    }
    if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      let copy: Record<string, unknown> | undefined;
      for (const [k, item] of Object.entries(v)) {
        const out = child(item, k);
        // Defined, not assigned: a `__proto__` key is a key like any other.
        if (out !== item)
          Object.defineProperty((copy ??= { ...(v as Record<string, unknown>) }), k, {
            value: out,
            writable: true,
            enumerable: true,
            configurable: true,
          });
      }
      return copy ?? v;
    }
    return v;
  };
  return walk(value);
}

/** A template value as a YAML value: floats as numbers, tuples as lists, Undefined as null, dict keys as text. */
export function plainValue(value: unknown): unknown {
  if (value instanceof Undefined) return null;
  if (value instanceof PyFloat) return value.valueOf();
  if (value instanceof String) return String(value);
  if (value instanceof DictView || Array.isArray(value)) return [...value].map(plainValue);
  if (isDict(value)) {
    const keys = dictKeys(value);
    return Object.fromEntries(Object.keys(value).map((stored, i) => [str(keys[i]), plainValue(value[stored])]));
  }
  return value;
}

const HOOK_KEYS = new Set(['pre-hook', 'post-hook', 'pre_hook', 'post_hook']);

/**
 * dbt's DbtProjectYamlRenderer: everything but run hooks, `query-comment`, `vars` (not rendered
 * while loading) and node hooks in the config trees (rendered per node, when it runs).
 */
export function projectKeyRendered(path: YamlPath): boolean {
  const first = String(path[0] ?? '');
  if (['on-run-start', 'on-run-end', 'query-comment', 'vars'].includes(first)) return false;
  if (['models', 'seeds', 'snapshots', 'tests', 'data_tests'].includes(first))
    return !path.some((k) => typeof k === 'string' && HOOK_KEYS.has(k.replace(/^[+ ]+/, '')));
  return true;
}

/** Sections of a properties file Strata renders (the others it does not act on). */
const RENDERED_SECTIONS = new Set(['models', 'seeds', 'snapshots', 'analyses', 'sources', 'groups']);
const LATER = new Set(['tests', 'data_tests', 'description']);

/**
 * dbt's SchemaYamlRenderer, for a path in a properties file: each entry of a section is rendered
 * except descriptions (doc() is rendered with the docs), tests (their arguments are rendered when
 * the test compiles), `loaded_at_query` and config hooks; the same inside a source's tables and a
 * model's versions.
 */
export function propertiesKeyRendered(path: YamlPath): boolean {
  const [section, , ...keypath] = path;
  if (path.length < 3) return path.length < 2 || RENDERED_SECTIONS.has(String(section));
  if (!RENDERED_SECTIONS.has(String(section))) return false;
  if (section === 'sources') {
    if (keypath[0] === 'description' || keypath[0] === 'loaded_at_query') return false;
    return keypath[0] !== 'tables' || !isLaterKey(keypath.slice(2));
  }
  if (keypath[0] === 'versions' && isLaterKey(keypath.slice(2))) return false;
  return !isLaterKey(keypath);
}

/** dbt's `_is_norender_key`, for a path inside one entry. */
function isLaterKey(keypath: YamlPath): boolean {
  const [first, second, third] = keypath.map(String);
  if (first !== undefined && (LATER.has(first) || first === 'loaded_at_query')) return true;
  if (keypath.length === 2 && LATER.has(String(second))) return true;
  if (keypath.length >= 2 && first === 'config' && HOOK_KEYS.has(String(second))) return true;
  if (keypath.length === 5 && keypath[4] === 'description') return true;
  return keypath.length >= 3 && ['columns', 'dimensions', 'measures', 'entities'].includes(String(first)) && LATER.has(String(third));
}

/**
 * `var()` while the project file (or profiles.yml) is read: only `--vars`, as dbt's TargetContext;
 * the project's own `vars:` are not read yet.
 */
export function cliVarFunction(vars: Record<string, unknown>): (...args: unknown[]) => unknown {
  return takesTemplateValues((...args: unknown[]) => {
    const { positional } = splitArgs(args);
    const name = String(positional[0]);
    if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
    if (positional.length > 1) return positional[1];
    throw new TemplateCallError(
      'missing-var',
      `Required var '${name}' is not set: the project file and profiles.yml see only --vars (their own 'vars:' are read later, as in dbt); pass --vars "{${name}: ...}" or give var() a default.`,
    );
  });
}

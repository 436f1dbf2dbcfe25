import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { TemplateEngine, RenderScope } from '../template/engine.js';
import type { YamlFile } from './yaml-file.js';

/**
 * Renders `{{ env_var('X') }}` and other expressions inside YAML string values, as dbt does for
 * project and profile files. Rendering values (not the file text) keeps line numbers exact.
 */
export function renderYamlStrings(yaml: YamlFile, engine: TemplateEngine, scope: RenderScope, diagnostics: Diagnostic[], skip: (path: readonly PropertyKey[]) => boolean = () => false): unknown {
  const walk = (value: unknown, path: PropertyKey[]): unknown => {
    if (skip(path)) return value;
    if (typeof value === 'string') {
      if (!value.includes('{{') && !value.includes('{%')) return value;
      const result = engine.renderString(value, yaml.file, scope);
      if (result.diagnostic) {
        const at = yaml.locate(path);
        diagnostics.push({ ...result.diagnostic, at });
        return value;
      }
      return result.output;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return value;
  };
  return walk(yaml.value, []);
}

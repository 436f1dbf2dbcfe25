import { diagnostic, throwIfErrors } from '../diagnostics/diagnostic.js';
import { yamlLibrary } from '../template/yaml-library.js';

/** Reads `--vars` (a YAML or JSON mapping, as in dbt). */
export function parseVars(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = yamlLibrary().parse(text);
  } catch (err) {
    throwIfErrors([diagnostic('invalid-vars', `--vars is not valid YAML: ${(err as Error).message.split('\n')[0]}`)]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throwIfErrors([diagnostic('invalid-vars', `--vars must be a mapping such as "{start_date: '2024-01-01'}", got: ${text}`)]);
  }
  return value as Record<string, unknown>;
}

import { diagnostic, throwIfErrors } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import { yamlLibrary } from '../template/yaml-library.js';

/** Reads `--vars` (a YAML or JSON mapping, as in dbt). */
export function parseVars(text: string | undefined): Record<string, unknown> {
  return parseFlagMapping(text, '--vars', 'invalid-vars', "{start_date: '2024-01-01'}");
}

/**
 * Reads a flag whose value is a YAML or JSON mapping (`--vars`, `run-operation --args`): empty is
 * `{}`; anything else but a mapping is an error under `code`, with `example` as the right shape.
 */
export function parseFlagMapping(text: string | undefined, flag: string, code: DiagnosticCode, example: string): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = yamlLibrary().parse(text);
  } catch (err) {
    throwIfErrors([diagnostic(code, `${flag} is not valid YAML: ${(err as Error).message.split('\n')[0]}`)]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throwIfErrors([diagnostic(code, `${flag} must be a mapping such as "${example}", got: ${text}`)]);
  }
  return value as Record<string, unknown>;
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import { readProjectText } from './read-text.js';
import { parseYaml, validateYaml } from './yaml-file.js';

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
  selectors: z.array(
    z.strictObject({ name: z.string(), description: z.string().optional(), default: z.boolean().optional(), definition: z.unknown() }),
  ),
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
  const selectors = (checked.data?.selectors ?? []).map((s, i): NamedSelector => ({
    ...s,
    locate: (path) => yaml.locate(['selectors', i, 'definition', ...path]),
  }));
  return { selectors, diagnostics: checked.diagnostics };
}

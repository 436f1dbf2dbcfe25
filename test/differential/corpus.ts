import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import type { JinjaCase } from './oracle.js';

/** The corpus folder: one YAML file per topic, each a list of cases. */
export const CORPUS_DIR = fileURLToPath(new URL('./corpus', import.meta.url));

interface CorpusEntry {
  name: string;
  template: string;
  context?: Record<string, unknown>;
  macros?: string;
  difference?: string;
}

/** A case Strata renders differently from Jinja on purpose; the reason is listed in docs/compatibility.md. */
export interface KnownDifference {
  id: string;
  reason: string;
}

/** Every case of the corpus, with ids `<file>/<name>`; `differences` gets the cases marked as known differences. */
export function loadCorpus(dir = CORPUS_DIR, differences: KnownDifference[] = []): JinjaCase[] {
  const cases: JinjaCase[] = [];
  const seen = new Set<string>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()) {
    const entries = jsYaml.load(readFileSync(join(dir, file), 'utf8')) as CorpusEntry[] | null;
    for (const entry of entries ?? []) {
      const id = `${file.replace(/\.yml$/, '')}/${entry.name}`;
      if (seen.has(id)) throw new Error(`Duplicate corpus case ${id}`);
      seen.add(id);
      if (entry.difference) differences.push({ id, reason: entry.difference });
      cases.push({
        id,
        template: entry.template,
        ...(entry.context ? { context: entry.context } : {}),
        ...(entry.macros !== undefined ? { macros: entry.macros } : {}),
      });
    }
  }
  return cases;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Project, SourceDefinition } from '../project/types.js';

/**
 * The description of a table's source (the `sources:` entry, not the table). The loaded project
 * keeps only the table's, so it is read back from the properties file; unreadable means none.
 * Results are cached per file: a project with many tables in one file reads it once.
 */
export function sourceDescriptions(project: Project): (source: SourceDefinition) => string {
  const byFile = new Map<string, Map<string, string>>();
  const read = (source: SourceDefinition) => {
    const dir = source.packageName === project.name ? project.root : project.packages.find((p) => p.name === source.packageName)?.dir;
    const found = new Map<string, string>();
    try {
      const doc = dir ? (parse(readFileSync(join(dir, source.originalFilePath), 'utf8')) as { sources?: unknown }) : undefined;
      for (const entry of Array.isArray(doc?.sources) ? (doc.sources as unknown[]) : []) {
        const { name, description } = (entry ?? {}) as { name?: unknown; description?: unknown };
        if (typeof name === 'string' && typeof description === 'string') found.set(name, description);
      }
    } catch {
      // An unreadable file only costs the description.
    }
    return found;
  };
  return (source) => {
    const own = (source as { sourceDescription?: unknown }).sourceDescription;
    if (typeof own === 'string') return own;
    const key = `${source.packageName}\u0000${source.originalFilePath}`;
    if (!byFile.has(key)) byFile.set(key, read(source));
    return byFile.get(key)?.get(source.sourceName) ?? '';
  };
}

import type { ProjectFile } from './project-file.js';

/** Folders for each kind of resource, with dbt's defaults. */
export function resourcePaths(file: ProjectFile) {
  const paths = {
    models: file['model-paths'] ?? ['models'],
    seeds: file['seed-paths'] ?? ['seeds'],
    macros: file['macro-paths'] ?? ['macros'],
    tests: file['test-paths'] ?? ['tests'],
    snapshots: file['snapshot-paths'] ?? ['snapshots'],
    analyses: file['analysis-paths'] ?? ['analyses'],
  };
  // dbt looks for docs blocks in every resource folder unless docs-paths says otherwise (a `docs/`
  // folder is not among them).
  const everyFolder = Object.values(paths).flatMap((folders) => folders.map((f) => f.replace(/\/+$/, '')));
  return { ...paths, docs: file['docs-paths'] ?? [...new Set(everyFolder)] };
}

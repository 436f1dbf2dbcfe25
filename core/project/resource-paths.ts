import type { ProjectFile } from './project-file.js';

/** Folders for each kind of resource, with dbt's defaults. */
export function resourcePaths(file: ProjectFile) {
  const models = file['model-paths'] ?? ['models'];
  return {
    models,
    seeds: file['seed-paths'] ?? ['seeds'],
    macros: file['macro-paths'] ?? ['macros'],
    tests: file['test-paths'] ?? ['tests'],
    snapshots: file['snapshot-paths'] ?? ['snapshots'],
    analyses: file['analysis-paths'] ?? ['analyses'],
    docs: file['docs-paths'] ?? [...models, ...(file['seed-paths'] ?? ['seeds']), ...(file['macro-paths'] ?? ['macros']), 'docs'],
  };
}

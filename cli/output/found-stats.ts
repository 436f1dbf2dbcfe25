import type { NodeResult } from '../../core/artifacts/node-result.js';
import type { Project } from '../../core/project/types.js';

const plural = (n: number, word: string) => `${n} ${word === 'analysis' && n !== 1 ? 'analyses' : `${word}${n === 1 ? '' : 's'}`}`;

/** dbt's FoundStats line after "Found": `5 models, 20 data tests, 3 seeds, 2 sources, 480 macros` (counts of 0 left out). */
export function foundStats(project: Project): string {
  const nodes = [...project.nodes.values()];
  const of = (type: string) => nodes.filter((n) => n.resourceType === type).length;
  const counts: [number, string][] = [
    [of('model'), 'model'],
    [of('test'), 'data test'],
    [of('seed'), 'seed'],
    [of('snapshot'), 'snapshot'],
    [of('analysis'), 'analysis'],
    [project.sources.size, 'source'],
    [project.macros.length, 'macro'],
    [project.groups.size, 'group'],
    [of('unit_test'), 'unit test'],
  ];
  return counts
    .filter(([n]) => n > 0)
    .map(([n, word]) => plural(n, word))
    .join(', ');
}

/** What FinishedRunningStats counts: `3 view models, 1 table model, 4 data tests, 1 seed`. */
export function runStats(project: Project, results: readonly NodeResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) {
    const node = project.nodes.get(r.uniqueId);
    const word = !node
      ? 'node'
      : node.resourceType === 'model'
        ? `${node.config.materialized} model`
        : node.resourceType === 'test'
          ? 'data test'
          : node.resourceType === 'unit_test'
            ? 'unit test'
            : node.resourceType;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts.size === 0 ? '0 nodes' : [...counts].map(([word, n]) => plural(n, word)).join(', ');
}

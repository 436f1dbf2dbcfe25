import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { manifestArtifact, type ManifestInput } from './manifest.js';
import { newInvocation } from './run-results.js';

/**
 * `strata publish`: the manifest other projects consume, holding only this project's public
 * models (the contract of a data product), in dbt's manifest shape. The caller loads the project
 * and builds its graph (artifacts sit below compile and only write what they are given).
 */
export function publishManifest(input: Omit<ManifestInput, 'invocation' | 'compiled'> & { to?: string }): {
  file: string;
  models: string[];
} {
  const { project, dag, dialect, env } = input;
  const manifest = manifestArtifact({ project, dag, dialect, invocation: newInvocation({ which: 'publish' }), ...(env ? { env } : {}) });
  const nodes = manifest.nodes as Record<string, { resource_type: string; access?: string; package_name: string }>;
  const published = Object.fromEntries(
    Object.entries(nodes).filter(([, n]) => n.resource_type === 'model' && n.access === 'public' && n.package_name === project.name),
  );
  const dir = resolve(project.root, input.to ?? join(project.targetPath, 'publish'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'manifest.json');
  const keep = new Set(Object.keys(published));
  const pick = (map: Record<string, string[]>) =>
    Object.fromEntries(
      Object.entries(map)
        .filter(([id]) => keep.has(id))
        .map(([id, ids]) => [id, ids.filter((x) => keep.has(x))]),
    );
  writeFileSync(
    file,
    JSON.stringify(
      {
        ...manifest,
        nodes: published,
        sources: {},
        macros: {},
        docs: {},
        unit_tests: {},
        disabled: {},
        parent_map: pick(manifest.parent_map as Record<string, string[]>),
        child_map: pick(manifest.child_map as Record<string, string[]>),
      },
      null,
      1,
    ),
  );
  return { file, models: [...keep].sort() };
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Project, ProjectNode } from '../project/types.js';

/** Writes `target/<kind>/<project>/<file path>` and returns the path relative to the project root. */
export function writeNodeArtifact(project: Project, node: ProjectNode, kind: 'compiled' | 'run', text: string): string {
  // One file per node, named after it: a seed's CSV and a YAML file's snapshots still get .sql files.
  const file = join(project.targetPath, kind, node.packageName, dirname(node.originalFilePath), `${node.name}.sql`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
  return relative(project.root, file);
}

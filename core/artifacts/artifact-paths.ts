import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Statement } from '../plan/plan.js';
import type { Project, ProjectNode } from '../project/types.js';

/** Where `target/<kind>/<project>/<folder>/<node>.sql` is (one file per node, named after it). */
export function nodeArtifactPath(project: Pick<Project, 'targetPath'>, node: ProjectNode, kind: 'compiled' | 'run'): string {
  return join(project.targetPath, kind, node.packageName, dirname(node.originalFilePath), `${node.name}.sql`);
}

/** Text as written to a node's artifact file: always ending in a newline. */
export function artifactText(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Writes a node's artifact and returns its path relative to the project root. */
export function writeNodeArtifact(project: Project, node: ProjectNode, kind: 'compiled' | 'run', text: string): string {
  const file = nodeArtifactPath(project, node, kind);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, artifactText(text));
  return relative(project.root, file);
}

/** Executed statements as written to target/run/: each with its purpose as a comment. */
export function statementsLog(statements: readonly Statement[]): string {
  return statements.map((s) => `-- ${s.purpose}\n${s.sql};`).join('\n\n');
}

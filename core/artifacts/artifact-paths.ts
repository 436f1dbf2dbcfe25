import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Statement } from '../plan/plan.js';
import type { Project, ProjectNode } from '../project/types.js';

/**
 * Where a node's file under `target/<kind>/<project>/` is: `<folder>/<node>.sql` (one file per node,
 * named after it), except for generic tests, which dbt files under their properties file by their
 * `path` (`models/schema.yml/<alias>.sql`: a long test name is cut to its alias there).
 */
export function nodeArtifactPath(project: Pick<Project, 'targetPath'>, node: ProjectNode, kind: 'compiled' | 'run'): string {
  if (node.test?.kind === 'generic') return join(project.targetPath, kind, node.packageName, node.originalFilePath, node.path);
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

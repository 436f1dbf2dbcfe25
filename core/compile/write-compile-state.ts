import { copyFileSync, existsSync, linkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ManifestLayout } from '../artifacts/write-manifest.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DependencyGraph } from '../graph/build-graph.js';
import { resourcePaths } from '../project/resource-paths.js';
import { envDigests, newEnvSalt } from '../project/env-digest.js';
import { DEFAULT_PACKAGES_PATH } from '../project/packages.js';
import { toPosix } from '../project/files.js';
import { profileSearchPath } from '../project/profiles.js';
import { compiledLedgerFile, readLedger } from '../artifacts/artifact-writer.js';
import type { Project, ProjectNode } from '../project/types.js';
import { compileStateFiles, racy, STATE_FORMAT, type CompileState, type FileSignature, type NodeFacts } from './compile-state.js';
import { listInputs, signatureOf, strataFingerprint } from './input-files.js';

/** What a full compile hands over to be remembered. */
export interface CompileStateInput {
  project: Project;
  dag: DependencyGraph;
  adapter: string;
  args: string;
  recordedAt: number;
  envRead: ReadonlyMap<string, string | null>;
  profilesDir?: string;
  compiledIds: ReadonlySet<string>;
  layout: ManifestLayout;
  warnings: Diagnostic[];
}

/** Writes the state after a full compile (only for projects whose target is the default `target/`). */
export function writeCompileState(input: CompileStateInput): void {
  const { project } = input;
  const out = compileStateFiles(project.root);
  // Whatever happens next, an older state must not outlive this compile.
  rmSync(out.patch, { force: true });
  rmSync(out.state, { force: true });
  rmSync(out.manifest, { force: true });
  if (project.targetPath !== join(project.root, 'target')) return;
  const paths = resourcePaths(project.settings);
  // Installed packages are inputs too: a change inside one means a full compile.
  // Both default folders when none is configured: one appearing changes which is used.
  const configured = project.settings['packages-install-path'];
  const packagesPaths = configured ? [configured] : [DEFAULT_PACKAGES_PATH, 'dbt_packages'];
  const folders = [
    ...new Set([
      ...paths.models,
      ...paths.seeds,
      ...paths.macros,
      ...paths.tests,
      ...paths.snapshots,
      ...paths.analyses,
      ...paths.docs,
      ...packagesPaths,
    ]),
  ];
  // Folders outside the project would need listing too; such projects always compile in full.
  if (folders.some((f) => relative(project.root, join(project.root, f)).startsWith('..'))) return;

  const outside: Record<string, FileSignature | null> = {};
  // The load read these variables (HOME, STRATA_PROFILES_DIR, ...) to search, so they are recorded.
  for (const dir of profileSearchPath({
    projectDir: project.root,
    env: withoutNulls(input.envRead),
    ...(input.profilesDir ? { profilesDir: input.profilesDir } : {}),
  })) {
    const file = join(dir, 'profiles.yml');
    outside[file] = signatureOf(file);
    if (outside[file]) break;
  }
  for (const external of project.externals.values()) outside[external.manifestFile] ??= signatureOf(external.manifestFile);

  const { facts, patchable } = nodeFacts(input);
  // Size and mtime only: hashing every file again would cost more than it saves (a file touched
  // without a change counts as changed, which costs one re-parse, or a full compile).
  const files: CompileState['files'] = { paths: [], sizes: [], mtimes: [], racy: [], models: [] };
  for (const [file, [size, mtimeMs]] of listInputs(project.root, folders)) {
    files.paths.push(file);
    files.sizes.push(size);
    files.mtimes.push(mtimeMs);
    files.racy.push(racy(mtimeMs, input.recordedAt) ? 1 : 0);
    files.models.push(patchable.get(file) ?? 0);
  }

  // Facts are one JSON text per node, read back only for the nodes a re-compile touches.
  const index: CompileState['index'] = { ids: [], ranges: [] };
  const texts: string[] = [];
  let offset = 0;
  for (const [id, [start, end]] of Object.entries(input.layout.nodes)) {
    const fact = facts.get(id);
    const text = fact ? `${JSON.stringify(fact)}\n` : '';
    const length = Buffer.byteLength(text);
    index.ids.push(id);
    index.ranges.push(start, end, fact ? offset : -1, fact ? offset + length - 1 : -1);
    texts.push(text);
    offset += length;
  }
  const envSalt = newEnvSalt();
  // What the file writer recorded of the compiled files (its ledger, written just before).
  const ledgerFile = compiledLedgerFile(project.targetPath);
  if (!existsSync(ledgerFile)) return;
  const outputs: CompileState['outputs'] = { paths: [], sizes: [], mtimes: [] };
  for (const [file, [, size, mtimeMs]] of Object.entries(readLedger(ledgerFile))) {
    outputs.paths.push(toPosix(relative(project.targetPath, file)));
    outputs.sizes.push(size);
    outputs.mtimes.push(mtimeMs);
  }
  const manifestFile = join(project.targetPath, 'manifest.json');
  const manifestStat = statSync(manifestFile);
  // The base a re-compile writes manifest.json from: a link costs nothing, and a re-compile
  // replaces manifest.json (a new file) rather than writing into it, so the base stays as it is.
  try {
    linkSync(manifestFile, out.manifest);
  } catch {
    copyFileSync(manifestFile, out.manifest);
  }
  const baseStat = statSync(out.manifest);
  const state: CompileState = {
    format: STATE_FORMAT,
    fingerprint: strataFingerprint(),
    args: input.args,
    recordedAt: input.recordedAt,
    env: envDigests(envSalt, input.envRead),
    envSalt,
    outside,
    folders,
    files,
    outputs,
    project: {
      name: project.name,
      root: project.root,
      targetPath: project.targetPath,
      adapter: input.adapter,
      vars: project.vars,
      target: { ...project.target.info, name: project.target.targetName, profile_name: project.target.profileName },
      macroFiles: project.macroFiles,
      dispatch: project.settings.dispatch ?? [],
    },
    index,
    sources: Object.fromEntries(
      [...project.sources.values()].map((s) => [
        s.uniqueId,
        [s.relation, s.eventTime ?? (s.meta.event_time as string | undefined) ?? null],
      ]),
    ),
    manifest: {
      signature: [manifestStat.size, manifestStat.mtimeMs],
      base: [baseStat.size, baseStat.mtimeMs],
      metadata: input.layout.metadata,
    },
    compiledCount: input.compiledIds.size,
    warnings: input.warnings,
  };
  writeFileSync(out.facts, texts.join(''));
  writeFileSync(out.state, JSON.stringify(state));
}

/**
 * Facts about every node another model can ref, and which model files a re-compile may patch:
 * files holding exactly one enabled model that is not ephemeral (others inline it), has no unit
 * tests (they compile its SQL too) and whose parse result was cached.
 */
function nodeFacts({ project, dag, compiledIds }: CompileStateInput): { facts: Map<string, NodeFacts>; patchable: Map<string, string> } {
  const facts = new Map<string, NodeFacts>();
  const patchable = new Map<string, string>();
  const perFile = new Map<string, number>();
  const unitTested = new Set<string>();
  const count = (node: ProjectNode) => perFile.set(node.originalFilePath, (perFile.get(node.originalFilePath) ?? 0) + 1);
  for (const node of project.disabled.values()) count(node);
  for (const node of project.nodes.values()) {
    count(node);
    if (node.unitTest) unitTested.add(node.unitTest.model);
  }
  for (const node of project.nodes.values()) {
    const type = node.resourceType;
    if (type !== 'model' && type !== 'seed' && type !== 'snapshot') continue;
    const parse = type === 'model' ? project.parseResults.get(node.uniqueId) : undefined;
    const patch =
      parse !== undefined &&
      perFile.get(node.originalFilePath) === 1 &&
      node.config.materialized !== 'ephemeral' &&
      !unitTested.has(node.uniqueId);
    // One shape for every fact (absent parts undefined, left out of the JSON), built in one go.
    const fact: NodeFacts = {
      name: node.name,
      relation: node.relation,
      materialized: node.config.materialized,
      eventTime: node.config.event_time || undefined,
      parse: patch ? parse : undefined,
      refs: patch ? Object.fromEntries(dag.resolvedRefs.get(node.uniqueId) ?? []) : undefined,
      compiled: patch ? compiledIds.has(node.uniqueId) : undefined,
    };
    facts.set(node.uniqueId, fact);
    if (patch) patchable.set(node.originalFilePath, node.uniqueId);
  }
  for (const external of project.externals.values())
    facts.set(external.uniqueId, { name: external.name, relation: external.relation, materialized: 'external' });
  return { facts, patchable };
}

function withoutNulls(env: ReadonlyMap<string, string | null>): Record<string, string> {
  return Object.fromEntries([...env].filter((e): e is [string, string] => e[1] !== null));
}

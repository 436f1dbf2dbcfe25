import type { Adapter } from '../adapter/adapter.js';
import type { ConnectionPool } from '../adapter/adapter.js';
import { diagnostic, StrataUserError, throwIfErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { applyWarnError, type WarnErrorPolicy } from '../diagnostics/warn-error.js';
import { projectFlags } from '../project/project-flags.js';
import { buildGraph, type DependencyGraph } from '../graph/build-graph.js';
import { selectNodes, type SelectionOptions } from '../graph/select.js';
import { loadProjectWithEngine, type LoadOptions } from '../project/load-project.js';
import type { TemplateEngine } from '../template/engine.js';
import type { Project, ProjectNode } from '../project/types.js';
import { artifactText, nodeArtifactPath } from '../artifacts/artifact-paths.js';
import { compiledLedgerFile, startFileWriter, type FileWriter } from '../artifacts/artifact-writer.js';
import { Compiler, type CompiledNode, type WithConnection } from './compiler.js';
import { stateRelation, type ProjectState } from '../graph/state.js';
import { breakingChangeDiagnostics } from '../graph/breaking-changes.js';
import { manifestParts } from '../artifacts/manifest.js';
import { writeManifest } from '../artifacts/write-manifest.js';
import { newInvocation, runResultsArtifact, writeRunResults } from '../artifacts/run-results.js';
import { compileSummary } from './compile-results.js';
import { writeCompileState } from './write-compile-state.js';

/** Options shared by every command that loads and selects. */
export interface ProjectOptions extends LoadOptions, SelectionOptions {
  /** `--defer` (with `state`). */
  defer?: boolean;
  /** `--consumers <dir>`: downstream projects' manifests, to report who uses a changed public model. */
  consumers?: string;
  /** `--warn-error` / `--warn-error-options` (default: the project file's `flags:`, else warnings stay warnings). */
  warnError?: WarnErrorPolicy;
}

/** A loaded project with its graph and the nodes selected. */
export interface PreparedProject {
  project: Project;
  /** The template engine the project was loaded with, for the compile pass. */
  engine: TemplateEngine;
  dag: DependencyGraph;
  /** Selected node ids, parents first. */
  selected: string[];
  /** Source ids the selection names (every source without a selection). */
  selectedSources: string[];
  /** Exposure ids the selection names (every exposure without a selection). */
  selectedExposures: string[];
  /** The adapter of the project's target. */
  adapter: Adapter;
  /** Warnings from loading and selection. */
  warnings: Diagnostic[];
}

/** Loads, builds the graph and applies selection. Throws StrataUserError on bad input. */
export function prepareProject(options: ProjectOptions): PreparedProject {
  const { project, engine } = loadProjectWithEngine(options);
  let dag: DependencyGraph;
  let selection: ReturnType<typeof selectNodes>;
  try {
    dag = buildGraph(project);
    const indirectSelection = options.indirectSelection ?? projectFlags(project.settings).indirectSelection;
    selection = selectNodes(project, dag, { ...options, ...(indirectSelection ? { indirectSelection } : {}) });
  } catch (err) {
    // Keep the load warnings (an unused config path often explains a graph error).
    if (err instanceof StrataUserError) throw new StrataUserError([...project.warnings, ...err.diagnostics]);
    throw err;
  }
  // With a state to compare with, a breaking change to a public contract stops the command.
  const impact = options.state ? breakingChangeDiagnostics(project, options.state, options.consumers) : [];
  if (impact.length) throw new StrataUserError([...project.warnings, ...impact]);
  const adapter = options.adapters.find((a) => a.name === project.target.type);
  if (!adapter) throw new Error(`adapter ${project.target.type} vanished after loading`);
  return {
    project,
    engine,
    dag,
    selected: selection.nodes,
    selectedSources: selection.sources,
    selectedExposures: selection.exposures,
    adapter,
    // Under warn-error a promoted warning stops the command here, printed with the others as errors.
    warnings: throwIfErrors(
      applyWarnError(
        [
          ...project.warnings,
          ...dag.warnings,
          ...selection.warnings,
          ...unenforcedConstraints(project, adapter),
          ...ungrantable(project, adapter),
        ],
        options.warnError ?? projectFlags(project.settings).warnError,
      ),
    ),
  };
}

/**
 * `strata compile`: renders every selected model and writes it under target/compiled/.
 * Needs no database. All template errors are collected before throwing.
 */
export async function compileProject(
  options: ProjectOptions,
  remember?: RememberCompile,
): Promise<PreparedProject & { compiled: CompiledNode[] }> {
  const recordedAt = Date.now();
  const writer = startFileWriter();
  try {
    return await compileWith(writer, recordedAt, options, remember);
  } catch (err) {
    writer.cancel();
    throw err;
  }
}

async function compileWith(
  writer: FileWriter,
  recordedAt: number,
  options: ProjectOptions,
  remember: RememberCompile | undefined,
): Promise<PreparedProject & { compiled: CompiledNode[] }> {
  const prepared = prepareProject(options);
  const { project, engine, dag, selected, adapter } = prepared;
  // Compiling needs no database, so --defer reads every unselected parent from the state (as --favor-state).
  const deferred =
    options.defer && options.state
      ? new Map(
          dag.order
            .filter((id) => !selected.includes(id))
            .flatMap((id) => {
              const relation = stateRelation(options.state as ProjectState, id);
              return relation ? [[id, relation] as const] : [];
            }),
        )
      : undefined;
  // Started before compiling: templates see the invocation_id the manifest records.
  const invocation = newInvocation({ which: 'compile', select: options.select ?? [], exclude: options.exclude ?? [] });
  const compiler = new Compiler(project, dag, adapter.dialect, {
    engine,
    ...(options.env ? { env: options.env } : {}),
    ...(deferred ? { deferred } : {}),
  });
  const compiled: CompiledNode[] = [];
  // When each node was compiled, for run_results.json.
  const timings = new Map<string, { startedAt: string; completedAt: string }>();
  const diagnostics: Diagnostic[] = [];
  // Connected only when a template asks the database something (run_query and friends).
  let pool: ConnectionPool | undefined;
  const connect: WithConnection = async (fn) => {
    pool ??= await adapter.connect(project.target.config, { size: 1 });
    await pool.withConnection(fn);
  };
  try {
    for (const id of selected) {
      const node = project.nodes.get(id);
      if (!node || node.resourceType === 'seed') continue;
      try {
        const startedAt = new Date();
        compiled.push(await compiler.compileWithDatabase(id, {}, connect));
        timings.set(id, { startedAt: startedAt.toISOString(), completedAt: new Date().toISOString() });
      } catch (err) {
        if (!(err instanceof StrataUserError)) throw err;
        diagnostics.push(...err.diagnostics);
      }
    }
  } finally {
    await pool?.close();
  }
  if (diagnostics.length > 0) throw new StrataUserError(diagnostics);
  // The compiled files are written on a worker while the manifest is built here.
  const written = writer.write(
    compiled.map((c) => [nodeArtifactPath(project, project.nodes.get(c.uniqueId) as ProjectNode, 'compiled'), artifactText(c.compiledSql)]),
    compiledLedgerFile(project.targetPath),
  );
  const { layout } = writeManifest(
    project,
    manifestParts({
      project,
      dag,
      dialect: adapter.dialect,
      invocation,
      compiled: new Map(compiled.map((c) => [c.uniqueId, c.compiledSql])),
      ...(options.env ? { env: options.env } : {}),
    }),
  );
  await written;
  writeRunResults(project, runResultsArtifact(project, compileSummary(compiled, timings, recordedAt), invocation, adapter.dialect));
  // No state to re-compile from under --no-partial-parse or the project's `flags: {partial_parse: false}`.
  if (remember && (options.parseCache ?? projectFlags(project.settings).partialParse) !== false) {
    try {
      writeCompileState({
        project,
        dag,
        adapter: adapter.name,
        args: remember.args,
        recordedAt,
        envRead: remember.envRead,
        compiledIds: new Set(compiled.map((c) => c.uniqueId)),
        layout,
        warnings: prepared.warnings,
        ...(options.profilesDir ? { profilesDir: options.profilesDir } : {}),
      });
    } catch {
      // The state only speeds up the next compile; without it (it is removed first) that one runs in full.
    }
  }
  return { ...prepared, compiled };
}

/** What a compile needs to leave state for the next one to re-compile from (see recompile.ts). */
export interface RememberCompile {
  /** The command line options, as a key. */
  args: string;
  /** The env vars read, from {@link recordingEnv} wrapped around the environment passed in options. */
  envRead: ReadonlyMap<string, string | null>;
}

/** `grants` on a database without GRANT are reported once, not silently dropped. */
function ungrantable(project: Project, adapter: Adapter): Diagnostic[] {
  if (adapter.capabilities.grants) return [];
  const nodes = [...project.nodes.values()].filter((n) => Object.keys(n.config.grants ?? {}).length > 0);
  if (nodes.length === 0) return [];
  const first = nodes[0] as ProjectNode;
  return [
    diagnostic(
      'unenforced-constraint',
      `${nodes.length} node${nodes.length === 1 ? '' : 's'} (${first.name}${nodes.length > 1 ? ', ...' : ''}) configure grants, which ${adapter.name} does not have; they are not applied.`,
      { file: first.patchPath ?? first.originalFilePath, line: 1, column: 1 },
    ),
  ];
}

/** Contract constraints the target cannot create are reported, not silently dropped. */
function unenforcedConstraints(project: Project, adapter: Adapter): Diagnostic[] {
  if (adapter.capabilities.foreignKeys) return [];
  const out: Diagnostic[] = [];
  for (const node of project.nodes.values()) {
    if (node.config.contract?.enforced !== true) continue;
    const foreign = [...(node.constraints ?? []), ...Object.values(node.columns).flatMap((c) => c.constraints)].filter(
      (c) => c.type === 'foreign_key',
    );
    if (foreign.length)
      out.push(
        diagnostic(
          'unenforced-constraint',
          `${node.name}: foreign_key constraints are not created on ${adapter.name} (it cannot swap in a table that foreign keys point at); test the relationship with a relationships test instead.`,
          { file: node.patchPath ?? node.originalFilePath, line: 1, column: 1 },
        ),
      );
  }
  return out;
}

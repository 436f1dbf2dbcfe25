import { manifestParts } from '../artifacts/manifest.js';
import { writeManifest } from '../artifacts/write-manifest.js';
import { runProjectHooks } from './run-hooks.js';
import { newInvocation, runResultsArtifact, writeRunResults, type InvocationInfo } from '../artifacts/run-results.js';
import { withInvocation } from '../template/invocation.js';
import { Compiler } from '../compile/compiler.js';
import { prepareProject, type PreparedProject, type ProjectOptions } from '../compile/compile-project.js';
import { checkIdentifiers } from '../plan/check-identifiers.js';
import { checkMaterializations } from '../plan/check-materializations.js';
import type { RunSummary } from '../artifacts/node-result.js';
import type { RunEvent } from './results.js';
import { runNodes } from './runner.js';
import { withTestBlocking, withUnitTestParents } from '../graph/test-edges.js';
import { deferredRelations } from './deferral.js';
import type { NodeType } from '../project/types.js';
import type { ConnectionPool } from '../adapter/adapter.js';
import { takeRunLock } from './take-run-lock.js';
import { projectFlags } from '../project/project-flags.js';
import { TEST_WARNING_EVENT, warningFate } from '../diagnostics/warn-error.js';

/** Options for `strata run` / `strata build`. */
export interface RunOptions extends ProjectOptions {
  /** Concurrent nodes (default: the target's threads). */
  threads?: number;
  /** Stop at the first failure. */
  failFast?: boolean;
  /** Rebuild incremental models and seeds from scratch (`--full-refresh`). */
  fullRefresh?: boolean;
  /** Store the failing rows of every test whose config does not say otherwise (`--store-failures`). */
  storeFailures?: boolean;
  /** Microbatch backfill range (`--event-time-start`, `--event-time-end`). */
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  /** Cancels the run. */
  signal?: AbortSignal;
  /** Receives progress events. */
  onEvent?: (event: RunEvent) => void;
  /** The command name recorded in run_results.json (`run`, `build`). */
  command?: string;
  /** Only run selected nodes of these types (`run`: models, `seed`: seeds; default: all). */
  resourceTypes?: readonly NodeType[];
  /** `--defer`: read unselected upstream nodes from the `state` run's relations when not built here. */
  defer?: boolean;
  /** `--favor-state`: with `defer`, prefer the state's relations even when built here. */
  favorState?: boolean;
  /** `--empty`: build every selected model with no rows. */
  empty?: boolean;
  /**
   * Seconds to wait while another run writes to the same target (the adapter's run lock): 0 fails
   * at once; by default the run waits as long as it takes.
   */
  lockTimeout?: number;
  /** Called once the project is loaded, before anything runs (the CLI prints warnings here). */
  onPrepared?: (prepared: PreparedProject) => void;
}

/** Loads, selects and runs a project on its target. */
export async function runProject(options: RunOptions): Promise<PreparedProject & { summary: RunSummary }> {
  const invocation = newInvocation({
    which: options.command ?? 'run',
    select: options.select ?? [],
    exclude: options.exclude ?? [],
    selector: options.selector ?? null,
    threads: options.threads ?? null,
    fail_fast: options.failFast ?? false,
    full_refresh: options.fullRefresh ?? false,
    store_failures: options.storeFailures ?? false,
    vars: options.vars ?? {},
    state: options.state?.dir ?? null,
    defer: options.defer ?? false,
    favor_state: options.favorState ?? false,
    empty: options.empty ?? false,
    resource_types: options.resourceTypes ?? null,
  });
  // What this run renders sees its own invocation_id and flags, even when another run in this
  // process starts meanwhile (and waits for the run lock).
  return withInvocation(invocation, () => runInvocation(options, invocation));
}

async function runInvocation(options: RunOptions, invocation: InvocationInfo): Promise<PreparedProject & { summary: RunSummary }> {
  const prepared = prepareProject(options);
  const { project, dag, adapter, engine } = prepared;
  // Analyses are only compiled, never run.
  const runnable = prepared.selected.filter((id) => project.nodes.get(id)?.resourceType !== 'analysis');
  const selected = options.resourceTypes
    ? runnable.filter((id) => options.resourceTypes?.includes(project.nodes.get(id)?.resourceType ?? 'model'))
    : runnable;
  checkMaterializations(project, selected, adapter);
  checkIdentifiers(project, selected, adapter, options.storeFailures);
  options.onPrepared?.(prepared);
  // One writer per target: the lock is held from before the manifest and the first connection
  // to after the last statement; a run that waits leaves the running one's artifacts alone.
  const lock = await takeRunLock(adapter, project, options);
  // Cancelled while waiting: nothing ran, so there is nothing to record.
  if (lock === 'cancelled') return { ...prepared, summary: { results: [], elapsed: 0, cancelled: true, success: false } };
  const threads = options.threads ?? project.target.info.threads;
  // In a run that builds and tests, unit tests wait for their model's parents, and a tested node's children wait for its tests.
  const types = new Set(selected.map((id) => project.nodes.get(id)?.resourceType));
  const withUnitTests = types.has('unit_test') ? withUnitTestParents(project, dag) : dag;
  const graph =
    types.has('test') && (types.has('model') || types.has('seed') || types.has('snapshot'))
      ? withTestBlocking(project, withUnitTests)
      : withUnitTests;
  let pool: ConnectionPool | undefined;
  try {
    writeManifest(
      project,
      manifestParts({ project, dag, dialect: adapter.dialect, invocation, ...(options.env ? { env: options.env } : {}) }),
    );
    pool = await adapter.connect(project.target.config, { size: adapter.capabilities.concurrentConnections ? threads : 1 });
    const deferred =
      options.defer && options.state
        ? await deferredRelations(project, dag, selected, options.state, pool, options.favorState ?? false, {
            adapter,
            env: options.env ?? process.env,
            vars: options.vars ?? {},
          })
        : undefined;
    const compiler = new Compiler(project, dag, adapter.dialect, {
      engine,
      ...(options.env ? { env: options.env } : {}),
      ...(deferred ? { deferred } : {}),
      ...(options.empty ? { empty: true } : {}),
    });
    await runProjectHooks(project, 'on-run-start', compiler, pool);
    const summary = await runNodes(project, graph, adapter, pool, compiler, {
      nodes: selected,
      threads,
      ...((options.failFast ?? projectFlags(project.settings).failFast) ? { failFast: true } : {}),
      ...(options.fullRefresh ? { fullRefresh: true } : {}),
      ...(options.storeFailures ? { storeFailures: true } : {}),
      ...(warningFate(options.warnError ?? projectFlags(project.settings).warnError, TEST_WARNING_EVENT) === 'error'
        ? { testWarningsFail: true }
        : {}),
      ...(options.eventTimeStart ? { eventTimeStart: options.eventTimeStart } : {}),
      ...(options.eventTimeEnd ? { eventTimeEnd: options.eventTimeEnd } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    writeRunResults(project, runResultsArtifact(project, summary, invocation, adapter.dialect));
    if (!summary.cancelled) await runProjectHooks(project, 'on-run-end', compiler, pool, summary.results);
    return { ...prepared, summary };
  } finally {
    await pool?.close();
    await lock?.release();
  }
}

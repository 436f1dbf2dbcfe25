import type { Connection } from '../adapter/connection.js';
import type { SqlDialect } from '../adapter/dialect.js';
import type { ExistingRelation, Relation } from '../adapter/relation.js';
import { manifestParts } from '../artifacts/manifest.js';
import type { NodeResult, RunSummary } from '../artifacts/node-result.js';
import { newInvocation, runResultsArtifact, writeRunResults } from '../artifacts/run-results.js';
import { writeManifest } from '../artifacts/write-manifest.js';
import { prepareProject, type PreparedProject, type ProjectOptions } from '../compile/compile-project.js';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import { stateRelation } from '../graph/state.js';
import type { ProjectNode } from '../project/types.js';
import { withInvocation } from '../template/invocation.js';
import type { RunEvent } from './results.js';
import { takeRunLock } from './take-run-lock.js';

/** Options for `strata clone`. */
export interface CloneOptions extends ProjectOptions {
  /** Replace relations that already exist in the target (`--full-refresh`). */
  fullRefresh?: boolean;
  /** Relations cloned at once (default: the target's threads). */
  threads?: number;
  /** Seconds to wait for the target's run lock (see RunOptions.lockTimeout). */
  lockTimeout?: number;
  /** Cancels between relations. */
  signal?: AbortSignal;
  /** Receives progress events (the same as a run's). */
  onEvent?: (event: RunEvent) => void;
  /** Called once the project is loaded, before anything runs. */
  onPrepared?: (prepared: PreparedProject) => void;
}

/** What one relation needs: where it goes, and what it copies. */
interface CloneStep {
  node: ProjectNode;
  from: Relation | undefined;
}

const CLONABLE = new Set(['model', 'seed', 'snapshot']);

/**
 * `strata clone --state <dir>`: makes each selected model, seed and snapshot of the target a copy
 * of the state's relation, as dbt's default clone materialization does on a database without
 * zero-copy table clones: a view `select * from <state relation>`. A relation that already exists
 * in the target is left alone unless `fullRefresh`; a node the state does not have is a no-op.
 */
export function cloneProject(options: CloneOptions): Promise<PreparedProject & { summary: RunSummary }> {
  const state = options.state;
  if (!state)
    throw new StrataUserError([
      diagnostic('invalid-state', 'strata clone needs --state <dir>: the target/ folder of the run whose relations to clone.'),
    ]);
  const invocation = newInvocation({
    which: 'clone',
    select: options.select ?? [],
    exclude: options.exclude ?? [],
    selector: options.selector ?? null,
    state: state.dir,
    full_refresh: options.fullRefresh ?? false,
    threads: options.threads ?? null,
    vars: options.vars ?? {},
  });
  return withInvocation(invocation, async () => {
    const prepared = prepareProject(options);
    const { project, dag, adapter } = prepared;
    const steps: CloneStep[] = prepared.selected
      .map((id) => project.nodes.get(id) as ProjectNode)
      .filter((node) => CLONABLE.has(node.resourceType) && node.config.materialized !== 'ephemeral')
      .map((node) => ({ node, from: stateRelation(state, node.uniqueId) }));
    options.onPrepared?.(prepared);
    const lock = await takeRunLock(adapter, project, options);
    if (lock === 'cancelled') return { ...prepared, summary: { results: [], elapsed: 0, cancelled: true, success: false } };
    const threads = adapter.capabilities.concurrentConnections ? (options.threads ?? project.target.info.threads) : 1;
    const started = Date.now();
    const results: NodeResult[] = [];
    const pool = await adapter.connect(project.target.config, { size: threads }).catch(async (err: unknown) => {
      await lock?.release();
      throw err;
    });
    try {
      writeManifest(
        project,
        manifestParts({ project, dag, dialect: adapter.dialect, invocation, ...(options.env ? { env: options.env } : {}) }),
      );
      options.onEvent?.({ type: 'run-start', total: steps.length, threads });
      let next = 0;
      // Each schema is created once, not by two threads at once (Postgres fails one of two concurrent creates).
      const schemas = new Map<string, Promise<void>>();
      const ensureSchema = (connection: Connection, relation: Relation) => {
        const key = `${relation.database ?? ''}.${relation.schema}`.toLowerCase();
        if (!schemas.has(key)) schemas.set(key, connection.ensureSchema(relation));
        return schemas.get(key) as Promise<void>;
      };
      const worker = async (thread: number) => {
        while (next < steps.length && !options.signal?.aborted) {
          const index = ++next;
          const step = steps[index - 1] as CloneStep;
          options.onEvent?.({ type: 'node-start', index, total: steps.length, uniqueId: step.node.uniqueId });
          const result = await pool.withConnection((c) =>
            cloneOne(
              c,
              { dialect: adapter.dialect, replaceViewAnyShape: adapter.capabilities.replaceViewAnyShape, ensureSchema },
              step,
              options,
              thread,
            ),
          );
          results.push(result);
          options.onEvent?.({ type: 'node-done', index, total: steps.length, result });
        }
      };
      await Promise.all(Array.from({ length: Math.min(threads, Math.max(steps.length, 1)) }, (_, i) => worker(i + 1)));
      const cancelled = options.signal?.aborted ?? false;
      const summary: RunSummary = {
        results,
        elapsed: (Date.now() - started) / 1000,
        cancelled,
        success: !cancelled && results.every((r) => r.status === 'success'),
      };
      options.onEvent?.({ type: 'run-done', results, elapsed: summary.elapsed, cancelled });
      writeRunResults(project, runResultsArtifact(project, summary, invocation, adapter.dialect));
      return { ...prepared, summary };
    } finally {
      await pool.close();
      await lock?.release();
    }
  });
}

/** Clones one relation; a database error becomes the node's error result. */
async function cloneOne(
  connection: Connection,
  how: {
    dialect: SqlDialect;
    replaceViewAnyShape: boolean;
    ensureSchema: (connection: Connection, relation: Relation) => Promise<void>;
  },
  step: CloneStep,
  options: CloneOptions,
  thread: number,
): Promise<NodeResult> {
  const startedAt = new Date();
  const { node, from } = step;
  const done = (status: NodeResult['status'], message: string, action?: string): NodeResult => {
    const completedAt = new Date();
    return {
      uniqueId: node.uniqueId,
      status,
      message,
      relation: node.relation,
      ...(action ? { action } : {}),
      executionTime: (completedAt.getTime() - startedAt.getTime()) / 1000,
      startedAt: startedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      threadId: `Thread-${thread}`,
    };
  };
  // dbt's "No relation found in state manifest": nothing to copy from.
  if (!from) return done('success', 'No-op', 'no state for');
  const { dialect } = how;
  try {
    const existing = await findRelation(connection, node.relation);
    if (existing && !options.fullRefresh) return done('success', 'No-op', `kept existing ${existing.kind}`);
    if (sameRelation(from, node.relation)) return done('success', 'No-op', 'is the state relation:');
    await how.ensureSchema(connection, node.relation);
    // A table (or, where `create or replace view` cannot change columns, any view) is dropped first.
    if (existing && (existing.kind === 'table' || !how.replaceViewAnyShape))
      await connection.execute(dialect.drop(node.relation, existing.kind));
    await connection.execute(dialect.createViewAs(node.relation, `select * from ${dialect.qualify(from)}`, { replace: true }));
    return done('success', 'CREATE VIEW', 'cloned view');
  } catch (err) {
    return done('error', `cloning ${node.name} from ${dialect.qualify(from)} failed: ${(err as Error).message.trim()}`);
  }
}

async function findRelation(connection: Connection, relation: Relation): Promise<ExistingRelation | undefined> {
  const listed = await connection.listRelations(relation);
  return listed.find((r) => r.identifier.toLowerCase() === relation.identifier.toLowerCase());
}

function sameRelation(a: Relation, b: Relation): boolean {
  const key = (r: Relation) => [r.database ?? '', r.schema, r.identifier].map((p) => p.toLowerCase()).join('.');
  return a.database === undefined || b.database === undefined
    ? key({ ...a, database: '' }) === key({ ...b, database: '' })
    : key(a) === key(b);
}

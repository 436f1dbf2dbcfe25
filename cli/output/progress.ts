import type { Project } from '../../core/project/types.js';
import type { NodeResult } from '../../core/artifacts/node-result.js';
import type { RunEvent } from '../../core/run/results.js';
import { printDiagnostics } from './diagnostics.js';
import { foundStats, runStats } from './found-stats.js';
import type { Color, LogEvent, LogLevel } from './log-events.js';
import { describeNode, nodeInfo, resultStatus } from './node-info.js';
import { layoutRow } from './progress-row.js';
import type { Terminal } from './terminal.js';

/** Logs through the terminal's event logger, or prints the message when it has none (a plain test Terminal). */
function emitter(term: Terminal): (event: LogEvent) => void {
  return (event) => {
    if (term.emit) return term.emit(event);
    const text = event.row ? layoutRow(event.row, 80) : (event.msg ?? '');
    (event.stderr ? term.err : term.out)(text);
  };
}

/**
 * Turns run events into dbt's events: FoundStats when the project is ready, the concurrency line,
 * a START row and a result row per node (with NodeStart/NodeFinished for programs), and the summary.
 */
export function progressPrinter(term: Terminal, project: Project): (event: RunEvent) => void {
  const emit = emitter(term);
  // A node's result row carries the number of its START row, as dbt's.
  const started = new Map<string, { at: string; index: number }>();
  emit({ name: 'FoundStats', msg: `Found ${foundStats(project)}`, data: { stat_line: foundStats(project) } });
  return (event) => {
    if (event.type === 'lock-wait') term.err(`waiting for another strata run (${event.holder}) on ${event.target}`);
    if (event.type === 'run-start') {
      emit({ name: 'Formatting', msg: '' });
      emit({
        name: 'ConcurrencyLine',
        msg: `Concurrency: ${event.threads} thread${event.threads === 1 ? '' : 's'} (target='${project.target.targetName}')`,
        data: { num_threads: event.threads, target_name: project.target.targetName, node_count: event.total },
      });
      emit({ name: 'Formatting', msg: '' });
    }
    if (event.type === 'node-start') {
      const at = new Date().toISOString();
      started.set(event.uniqueId, { at, index: event.index });
      const info = nodeInfo(project, event.uniqueId, { status: 'started', startedAt: at });
      const description = describeNode(project.nodes.get(event.uniqueId), event.uniqueId);
      emit({ name: 'NodeStart', msg: `Began running node ${event.uniqueId}`, nodeInfo: info });
      emit({
        name: 'LogStartLine',
        row: { index: event.index, total: event.total, text: `START ${description}`, status: 'RUN' },
        data: { description, index: event.index, total: event.total },
        nodeInfo: info,
      });
    }
    if (event.type === 'node-done') {
      const start = started.get(event.result.uniqueId);
      emit(resultEvent(project, start?.index ?? event.index, event.total, event.result, start?.at));
      emit({
        name: 'NodeFinished',
        msg: `Finished running node ${event.result.uniqueId}`,
        nodeInfo: nodeInfo(project, event.result.uniqueId, {
          status: event.result.status,
          startedAt: event.result.startedAt,
          finishedAt: event.result.completedAt,
        }),
        data: { run_result: runResult(event.result) },
        thread: event.result.threadId,
      });
    }
    if (event.type === 'run-done') printSummary(emit, term, project, event.results, event.elapsed, event.cancelled);
  };
}

/** The result row: LogModelResult, LogTestResult, LogSeedResult, LogSnapshotResult or SkippingDetails. */
export function resultEvent(project: Project, index: number, total: number, result: NodeResult, startedAt?: string): LogEvent {
  const node = project.nodes.get(result.uniqueId);
  const description = describeNode(node, result.uniqueId);
  const status = resultStatus(result);
  const color: Color =
    result.status === 'success' || result.status === 'pass'
      ? 'green'
      : result.status === 'error' || result.status === 'fail'
        ? 'red'
        : 'yellow';
  const level: LogLevel = result.status === 'error' || result.status === 'fail' ? 'error' : result.status === 'warn' ? 'warn' : 'info';
  const info = nodeInfo(project, result.uniqueId, {
    status: result.status,
    startedAt: startedAt ?? result.startedAt,
    finishedAt: result.completedAt,
  });
  const base = { level, nodeInfo: info, thread: result.threadId };
  const row = (text: string, time = true) => ({
    index,
    total,
    text,
    status,
    color,
    ...(time ? { executionTime: result.executionTime } : {}),
  });
  if (result.status === 'skipped') {
    const refable = node && ['model', 'seed', 'snapshot'].includes(node.resourceType);
    const text = refable ? `SKIP relation ${node.relation.schema}.${node.relation.identifier}` : `SKIP ${description}`;
    return { name: 'SkippingDetails', ...base, row: row(text, false), data: { resource_type: node?.resourceType ?? '', index, total } };
  }
  const data = { status: result.status, index, total, execution_time: result.executionTime };
  const failed = result.status === 'error';
  if (node?.resourceType === 'test' || node?.resourceType === 'unit_test') {
    const text = `${status} ${node.name}`;
    return {
      name: 'LogTestResult',
      ...base,
      row: row(text),
      data: { name: node.name, ...data, num_models: total, num_failures: result.failures ?? 0 },
    };
  }
  if (node?.resourceType === 'seed') {
    const text = `${failed ? 'ERROR loading' : 'OK loaded'} ${description}`;
    return {
      name: 'LogSeedResult',
      ...base,
      row: row(text),
      data: { ...data, schema: node.relation.schema, relation: node.relation.identifier },
    };
  }
  if (node?.resourceType === 'snapshot') {
    const text = `${failed ? 'ERROR snapshotting' : 'OK snapshotted'} ${description}`;
    return { name: 'LogSnapshotResult', ...base, row: row(text), data: { ...data, description, result_message: result.message } };
  }
  const text = `${failed ? 'ERROR creating' : 'OK created'} ${description}`;
  return { name: 'LogModelResult', ...base, row: row(text), data: { ...data, description } };
}

/** dbt's RunResultMsg, as NodeFinished carries it. */
function runResult(result: NodeResult): Record<string, unknown> {
  return {
    status: result.status,
    message: result.message,
    timing_info: [],
    thread: result.threadId,
    execution_time: result.executionTime,
    adapter_response: result.adapterResponse
      ? { _message: result.adapterResponse.message, code: result.adapterResponse.code, rows_affected: result.adapterResponse.rowsAffected }
      : {},
    num_failures: result.failures ?? 0,
  };
}

function printSummary(
  emit: (event: LogEvent) => void,
  term: Terminal,
  project: Project,
  results: readonly NodeResult[],
  elapsed: number,
  cancelled: boolean,
): void {
  const count = (...statuses: NodeResult['status'][]) => results.filter((r) => statuses.includes(r.status)).length;
  const problems = results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn');
  const stats = runStats(project, results);
  const hours = Math.floor(elapsed / 3600);
  const minutes = Math.floor((elapsed % 3600) / 60);
  const seconds = (elapsed % 60).toFixed(2);
  emit({ name: 'Formatting', msg: '' });
  emit({
    name: 'FinishedRunningStats',
    msg: `Finished running ${stats} in ${hours} hours ${minutes} minutes and ${seconds} seconds (${elapsed.toFixed(2)}s)${cancelled ? ' (cancelled)' : ''}.`,
    data: { stat_line: stats, execution: ` in ${hours} hours ${minutes} minutes and ${seconds} seconds`, execution_time: elapsed },
  });
  emit({ name: 'Formatting', msg: '' });
  const errors = problems.filter((r) => r.status !== 'warn').length;
  const warnings = problems.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  emit({
    name: 'EndOfRunSummary',
    msg: cancelled
      ? 'Exited because of keyboard interrupt.'
      : errors > 0
        ? `Completed with ${plural(errors, 'error')}, 0 partial successes, and ${plural(warnings, 'warning')}:`
        : warnings > 0
          ? `Completed with ${plural(warnings, 'warning')}:`
          : 'Completed successfully',
    color: cancelled || (errors === 0 && warnings > 0) ? 'yellow' : errors > 0 ? 'red' : 'green',
    data: { num_errors: errors, num_warnings: warnings, keyboard_interrupt: cancelled, num_partial_success: 0 },
  });
  for (const r of problems) printProblem(emit, term, project, r);
  emit({ name: 'Formatting', msg: '' });
  const pass = count('success', 'pass');
  const warn = count('warn');
  const error = count('error', 'fail');
  const skip = count('skipped');
  emit({
    name: 'StatsLine',
    msg: `Done. PASS=${pass} WARN=${warn} ERROR=${error} SKIP=${skip} TOTAL=${results.length}`,
    data: { stats: { pass, warn, error, skip, total: results.length } },
  });
}

function printProblem(emit: (event: LogEvent) => void, term: Terminal, project: Project, result: NodeResult): void {
  const node = project.nodes.get(result.uniqueId);
  const info = nodeInfo(project, result.uniqueId, { status: result.status, startedAt: result.startedAt, finishedAt: result.completedAt });
  const warn = result.status === 'warn';
  emit({ name: 'Formatting', msg: '' });
  if (result.status === 'fail' || warn) {
    const kind = node?.resourceType === 'unit_test' ? 'unit test' : 'test';
    emit({
      name: warn ? 'RunResultWarning' : 'RunResultFailure',
      msg: `${warn ? 'Warning' : 'Failure'} in ${kind} ${node?.name ?? result.uniqueId} (${node?.originalFilePath ?? '?'})`,
      color: warn ? 'yellow' : 'red',
      data: { resource_type: kind, node_name: node?.name ?? result.uniqueId, path: node?.originalFilePath ?? '' },
      nodeInfo: info,
      stderr: !warn,
    });
    for (const line of result.message.split('\n'))
      emit({
        name: 'RunResultError',
        level: warn ? 'warn' : 'error',
        msg: `  ${line}`,
        data: { msg: line },
        nodeInfo: info,
        stderr: !warn,
      });
    if (result.compiledPath)
      emit({
        name: 'SQLCompiledPath',
        msg: `  compiled code at ${result.compiledPath}`,
        data: { path: result.compiledPath },
        nodeInfo: info,
        stderr: !warn,
      });
    return;
  }
  if (result.diagnostics?.length) printDiagnostics(term, result.diagnostics, project.root);
  else emit({ name: 'RunResultError', msg: `  ${result.message}`, data: { msg: result.message }, nodeInfo: info, stderr: true });
}

import type { Project } from '../../core/project/types.js';
import type { NodeResult } from '../../core/artifacts/node-result.js';
import type { RunEvent } from '../../core/run/results.js';
import { printDiagnostics } from './diagnostics.js';
import type { Terminal } from './terminal.js';

const WIDTH = 72;

/** Prints run events as dbt-style progress lines and a closing summary. */
export function progressPrinter(term: Terminal, project: Project): (event: RunEvent) => void {
  return (event) => {
    if (event.type === 'lock-wait') term.err(`waiting for another strata run (${event.holder}) on ${event.target}`);
    if (event.type === 'run-start')
      term.out(`Running ${event.total} node${event.total === 1 ? '' : 's'} with ${event.threads} thread${event.threads === 1 ? '' : 's'}.`);
    if (event.type === 'node-done') term.out(progressLine(project, event.index, event.total, event.result));
    if (event.type === 'run-done') printSummary(term, project, event.results, event.elapsed, event.cancelled);
  };
}

/** `3 of 12 OK created table main.orders ........ [0.04s]`, `4 of 12 FAIL 2 unique_orders_id .... [FAIL 2 in 0.01s]`. */
export function progressLine(project: Project, index: number, total: number, result: NodeResult): string {
  const node = project.nodes.get(result.uniqueId);
  const isTest = node?.resourceType === 'test' || node?.resourceType === 'unit_test';
  const name = !node ? result.uniqueId : isTest ? node.name : `${node.relation.schema}.${node.relation.identifier}`;
  const kind = node?.resourceType === 'unit_test' ? 'unit test' : (node?.resourceType ?? 'node');
  const time = `${result.executionTime.toFixed(2)}s`;
  const count = result.failures !== undefined && result.failures > 0 ? ` ${result.failures}` : '';
  const [label, tail] = ((): [string, string] => {
    switch (result.status) {
      case 'success':
        return [`OK ${result.action ?? 'ran'} ${name}`, `[${time}]`];
      case 'pass':
        return [`PASS ${name}`, `[PASS in ${time}]`];
      case 'warn':
        return [`WARN${count} ${name}`, `[WARN${count} in ${time}]`];
      case 'fail':
        return [`FAIL${count} ${name}`, `[FAIL${count} in ${time}]`];
      case 'error':
        return [`ERROR ${kind} ${name}`, `[ERROR in ${time}]`];
      case 'skipped':
        return [`SKIP ${kind} ${name}`, '[SKIP]'];
    }
  })();
  const text = `${index} of ${total} ${label} `;
  return `${text}${'.'.repeat(Math.max(3, WIDTH - text.length))} ${tail}`;
}

function printSummary(term: Terminal, project: Project, results: readonly NodeResult[], elapsed: number, cancelled: boolean): void {
  const count = (...statuses: NodeResult['status'][]) => results.filter((r) => statuses.includes(r.status)).length;
  const problems = results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn');
  term.out('');
  term.out(
    `Finished running ${results.length} node${results.length === 1 ? '' : 's'} in ${elapsed.toFixed(2)}s${cancelled ? ' (cancelled)' : ''}.`,
  );
  if (problems.length > 0) {
    const failing = problems.filter((r) => r.status !== 'warn').length;
    term.err('');
    term.err(
      `Completed with ${failing} error${failing === 1 ? '' : 's'} and ${problems.length - failing} warning${problems.length - failing === 1 ? '' : 's'}:`,
    );
    for (const r of problems) printProblem(term, project, r);
  }
  term.out('');
  term.out(
    `Done. PASS=${count('success', 'pass')} WARN=${count('warn')} ERROR=${count('error', 'fail')} SKIP=${count('skipped')} TOTAL=${results.length}`,
  );
}

function printProblem(term: Terminal, project: Project, result: NodeResult): void {
  const node = project.nodes.get(result.uniqueId);
  const write = result.status === 'warn' ? term.out : term.err;
  write('');
  if (result.status === 'fail' || result.status === 'warn') {
    write(
      `${result.status === 'fail' ? 'Failure' : 'Warning'} in ${node?.resourceType === 'unit_test' ? 'unit test' : 'test'} ${node?.name ?? result.uniqueId} (${node?.originalFilePath ?? '?'})`,
    );
    for (const line of result.message.split('\n')) write(`  ${line}`);
    if (result.compiledPath) write(`  compiled code at ${result.compiledPath}`);
    return;
  }
  if (result.diagnostics?.length) printDiagnostics(term, result.diagnostics, project.root);
  else write(`  ${result.message}`);
}

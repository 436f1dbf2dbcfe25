import type { Project } from '../../core/project/types.js';
import type { NodeResult, RunEvent } from '../../core/run/results.js';
import { printDiagnostics } from './diagnostics.js';
import type { Terminal } from './terminal.js';

const WIDTH = 72;

/** Prints run events as dbt-style progress lines and a closing summary. */
export function progressPrinter(term: Terminal, project: Project): (event: RunEvent) => void {
  return (event) => {
    if (event.type === 'run-start') term.out(`Running ${event.total} node${event.total === 1 ? '' : 's'} with ${event.threads} thread${event.threads === 1 ? '' : 's'}.`);
    if (event.type === 'node-done') term.out(progressLine(project, event.index, event.total, event.result));
    if (event.type === 'run-done') printSummary(term, project, event.results, event.elapsed, event.cancelled);
  };
}

/** `3 of 12 OK created table main.orders ........ [0.04s]`. */
export function progressLine(project: Project, index: number, total: number, result: NodeResult): string {
  const node = project.nodes.get(result.uniqueId);
  const name = node ? `${node.relation.schema}.${node.relation.identifier}` : result.uniqueId;
  const head = `${index} of ${total}`;
  const time = `${result.executionTime.toFixed(2)}s`;
  const [label, tail] =
    result.status === 'success' ? [`OK ${result.action ?? 'ran'} ${name}`, `[${time}]`]
    : result.status === 'error' ? [`ERROR ${node?.resourceType ?? 'node'} ${name}`, `[ERROR in ${time}]`]
    : [`SKIP ${node?.resourceType ?? 'node'} ${name}`, '[SKIP]'];
  const text = `${head} ${label} `;
  return `${text}${'.'.repeat(Math.max(3, WIDTH - text.length))} ${tail}`;
}

function printSummary(term: Terminal, project: Project, results: readonly NodeResult[], elapsed: number, cancelled: boolean): void {
  const count = (s: NodeResult['status']) => results.filter((r) => r.status === s).length;
  const errors = results.filter((r) => r.status === 'error');
  term.out('');
  term.out(`Finished running ${results.length} node${results.length === 1 ? '' : 's'} in ${elapsed.toFixed(2)}s${cancelled ? ' (cancelled)' : ''}.`);
  if (errors.length > 0) {
    term.err('');
    term.err(`Completed with ${errors.length} error${errors.length === 1 ? '' : 's'}:`);
    for (const r of errors) {
      if (r.diagnostics?.length) printDiagnostics(term, r.diagnostics, project.root);
      else term.err(`  ${r.message}`);
    }
  }
  term.out('');
  term.out(`Done. PASS=${count('success')} ERROR=${count('error')} SKIP=${count('skipped')} TOTAL=${results.length}`);
}

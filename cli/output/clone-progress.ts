import type { NodeResult } from '../../core/artifacts/node-result.js';
import type { Project } from '../../core/project/types.js';
import type { RunEvent } from '../../core/run/results.js';
import type { LogEvent } from './log-events.js';
import { progressPrinter } from './progress.js';
import { DEFAULT_PRINTER_WIDTH, layoutRow } from './progress-row.js';
import type { Terminal } from './terminal.js';

const RESULT_ROWS = new Set<LogEvent['name']>(['LogModelResult', 'LogSeedResult', 'LogSnapshotResult']);

/**
 * A run's progress lines for `strata clone`, whose result rows say what clone did rather than
 * what building the node would have done: `OK cloned view dev.orders`, `OK kept existing
 * table dev.orders` (every other line and event is the run's).
 */
export function cloneProgressPrinter(term: Terminal, project: Project): (event: RunEvent) => void {
  let current: NodeResult | undefined;
  const rewrite = (event: LogEvent): LogEvent => {
    if (!current || !event.row || !RESULT_ROWS.has(event.name)) return event;
    const node = project.nodes.get(current.uniqueId);
    const where = node ? `${node.relation.schema}.${node.relation.identifier}` : current.uniqueId;
    const text = current.status === 'error' ? `ERROR cloning ${where}` : `OK ${current.action ?? 'cloned'} ${where}`;
    return { ...event, row: { ...event.row, text } };
  };
  const print = progressPrinter(
    {
      ...term,
      emit: (event) => {
        const shown = rewrite(event);
        if (term.emit) return term.emit(shown);
        (shown.stderr ? term.err : term.out)(shown.row ? layoutRow(shown.row, DEFAULT_PRINTER_WIDTH) : (shown.msg ?? ''));
      },
    },
    project,
  );
  return (event) => {
    current = event.type === 'node-done' ? event.result : undefined;
    print(event);
    current = undefined;
  };
}

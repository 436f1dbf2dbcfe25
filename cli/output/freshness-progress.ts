import type { FreshnessResult } from '../../core/artifacts/sources-artifact.js';
import type { FreshnessEvent } from '../../core/run/source-freshness.js';
import type { Color, LogEvent, LogLevel } from './log-events.js';
import { DEFAULT_PRINTER_WIDTH, layoutRow } from './progress-row.js';
import type { Terminal } from './terminal.js';

/** dbt's words for each outcome: `ERROR STALE` is a table too old, a plain `ERROR` a check that could not run. */
const LABELS: Record<FreshnessResult['status'], string> = { pass: 'PASS', warn: 'WARN', error: 'ERROR STALE', 'runtime error': 'ERROR' };
const LEVELS: Record<FreshnessResult['status'], LogLevel> = { pass: 'info', warn: 'warn', error: 'error', 'runtime error': 'error' };
const COLORS: Record<FreshnessResult['status'], Color> = { pass: 'green', warn: 'yellow', error: 'red', 'runtime error': 'red' };

/** Logs through the terminal's event logger, or prints the row when it has none (a plain test Terminal). */
function emitter(term: Terminal): (event: LogEvent) => void {
  return (event) => {
    if (term.emit) return term.emit(event);
    const text = event.row ? layoutRow(event.row, DEFAULT_PRINTER_WIDTH) : (event.msg ?? '');
    (event.stderr ? term.err : term.out)(text);
  };
}

/**
 * dbt's LogStartLine and LogFreshnessResult rows: `1 of 3 START freshness of raw.orders .... [RUN]`,
 * `1 of 3 PASS freshness of raw.orders .... [PASS in 0.02s]`.
 */
export function freshnessPrinter(term: Terminal): (event: FreshnessEvent) => void {
  const emit = emitter(term);
  return (event) => {
    const { index, total } = event;
    const data = { source_name: event.source.sourceName, table_name: event.source.name, index, total };
    const name = `${event.source.sourceName}.${event.source.name}`;
    if (event.type === 'start') {
      emit({ name: 'LogStartLine', row: { index, total, text: `START freshness of ${name}`, status: 'RUN' }, data });
      return;
    }
    const { status, executionTime, threadId } = event.result;
    const label = LABELS[status];
    emit({
      name: 'LogFreshnessResult',
      level: LEVELS[status],
      row: { index, total, text: `${label} freshness of ${name}`, status: label, executionTime, color: COLORS[status] },
      data: { ...data, status, execution_time: executionTime },
      thread: threadId,
      stderr: LEVELS[status] === 'error',
    });
  };
}

/** The closing lines: what failed and why, then the counts. */
export function printFreshnessSummary(
  term: Terminal,
  results: readonly FreshnessResult[],
  elapsed: number,
  names: Map<string, string>,
): void {
  const count = (status: FreshnessResult['status']) => results.filter((r) => r.status === status).length;
  term.out('');
  term.out(`Finished checking the freshness of ${results.length} source${results.length === 1 ? '' : 's'} in ${elapsed.toFixed(2)}s.`);
  for (const r of results) {
    const name = names.get(r.uniqueId) ?? r.uniqueId;
    if (r.status === 'runtime error') {
      term.err('');
      term.err(`Error in source ${name}: ${r.message}`);
    } else if (r.status === 'error' || r.status === 'warn') {
      const limit = r.status === 'error' ? r.criteria.error_after : r.criteria.warn_after;
      const when = r.maxLoadedAtUs === null ? 'no rows to date it' : `last loaded ${describeAge(r.ageSeconds)} ago`;
      const text = `${r.status === 'error' ? 'Stale' : 'Warning:'} source ${name}: ${when} (${r.status === 'error' ? 'error_after' : 'warn_after'} ${limit?.count ?? '?'} ${limit?.period ?? '?'})`;
      const write = r.status === 'error' ? term.err : term.out;
      write('');
      write(text);
    }
  }
  term.out('');
  term.out(
    `Done. PASS=${count('pass')} WARN=${count('warn')} ERROR STALE=${count('error')} ERROR=${count('runtime error')} TOTAL=${results.length}`,
  );
}

/** `3h 12m`, `2d 4h`, `45s`: enough to judge staleness at a glance. */
function describeAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

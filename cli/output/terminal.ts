import type { LogEvent } from './log-events.js';

/** Where the CLI writes; tests pass their own to capture output. */
export interface Terminal {
  /** Normal output (stdout). */
  out(line: string): void;
  /** Problems (stderr). */
  err(line: string): void;
  /**
   * Aborted when whoever reads stdout has gone (`strata build | head -1`): the command stops as a
   * Unix tool stopped by SIGPIPE would, without a stack trace.
   */
  readonly outputClosed?: AbortSignal;
  /**
   * Logs a structured event (dbt's name and code, node_info); the CLI's logging Terminal has it.
   * Without it, callers print the event's message with `out`.
   */
  emit?(event: LogEvent): void;
  /** stdout is a terminal: colours may be used and rows fit `columns`. */
  readonly isTTY?: boolean;
  /** Width of that terminal. */
  readonly columns?: number;
}

const stdoutGone = new AbortController();
let stderrGone = false;
let watching = false;

/**
 * A write to a closed pipe fails with EPIPE as an 'error' event, which would crash the process
 * with a stack trace; the first failed write ends that stream's output instead.
 */
function watchStreams(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', () => stdoutGone.abort());
  process.stderr.on('error', () => (stderrGone = true));
}

/** The process's stdout and stderr. */
export const processTerminal: Terminal = {
  out: (line) => {
    watchStreams();
    if (!stdoutGone.signal.aborted) process.stdout.write(`${line}\n`);
  },
  err: (line) => {
    watchStreams();
    // After stdout's reader has gone the command ends as SIGPIPE would end it: without a word.
    if (!stderrGone && !stdoutGone.signal.aborted) process.stderr.write(`${line}\n`);
  },
  outputClosed: stdoutGone.signal,
  get isTTY() {
    return process.stdout.isTTY === true;
  },
  get columns() {
    return process.stdout.columns;
  },
};

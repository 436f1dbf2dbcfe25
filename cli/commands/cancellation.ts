import type { Terminal } from '../output/terminal.js';

/**
 * Runs `work` with a signal that Ctrl-C, SIGTERM or a closed stdout aborts: the first Ctrl-C
 * prints `cancelling` and lets what runs stop cleanly, a second one exits at once (130). A closed
 * stdout (`strata build | head -1`) cancels as SIGPIPE would stop a Unix tool, so no statement is
 * left running on the server.
 */
export async function withCancellation<T>(term: Terminal, cancelling: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    term.err(cancelling);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const outputGone = () => controller.abort();
  term.outputClosed?.addEventListener('abort', outputGone, { once: true });
  if (term.outputClosed?.aborted) controller.abort();
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    term.outputClosed?.removeEventListener('abort', outputGone);
  }
}

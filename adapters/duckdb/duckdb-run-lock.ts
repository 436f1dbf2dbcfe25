import type { TargetInfo } from '../../core/adapter/adapter.js';
import { NO_RUN_LOCK, runLockTimeout, type RunLock, type RunLockOptions } from '../../core/adapter/run-lock.js';

/**
 * The run lock of each database file in this process: the tail of its queue of runs. Runs in
 * other processes need none: DuckDB's own file lock refuses a second process (duckdb-instances.ts).
 */
const queues = new Map<string, Promise<void>>();

/** Waits until the runs on `path` queued before this one are done, then holds the file for this run. */
export async function acquireDuckDbRunLock(path: string, target: TargetInfo, options: RunLockOptions): Promise<RunLock> {
  if (path === ':memory:') return NO_RUN_LOCK;
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const before = queues.get(path);
  const tail = before ? before.then(() => mine) : mine;
  queues.set(path, tail);
  const lock: RunLock = {
    async release() {
      release();
      if (queues.get(path) === tail) queues.delete(path);
    },
  };
  if (!before) return lock;
  const wait = { holder: `pid ${process.pid}, this process`, target: `${target.database ?? path}.${target.schema}` };
  // A run that gives up still waits its turn in the queue, and passes it on at once.
  const giveUp = (err: unknown) => {
    void before.then(() => lock.release());
    throw err;
  };
  if (options.timeoutSeconds === 0) giveUp(runLockTimeout(wait, 0));
  if (options.signal?.aborted) giveUp(options.signal.reason);
  options.onWait?.(wait);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    if (options.timeoutSeconds !== undefined)
      timer = setTimeout(
        () => reject(runLockTimeout(wait, options.timeoutSeconds as number)),
        Math.min(2 ** 31 - 1, options.timeoutSeconds * 1000),
      );
    onAbort = () => reject(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([before, stop]);
  } catch (err) {
    giveUp(err);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
  return lock;
}

import type { Adapter } from '../adapter/adapter.js';
import type { RunLock } from '../adapter/run-lock.js';
import type { Project } from '../project/types.js';
import type { RunEvent } from './results.js';

/** What waiting for the run lock needs from the run's options. */
export interface RunLockSettings {
  lockTimeout?: number;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

/**
 * Takes the target's run lock when the adapter has one (one writer per target), telling
 * `onEvent` when another run holds it. Resolves to `cancelled` when `signal` aborts the wait.
 */
export async function takeRunLock(
  adapter: Adapter,
  project: Project,
  options: RunLockSettings,
): Promise<RunLock | undefined | 'cancelled'> {
  try {
    return await adapter.acquireRunLock?.(project.target.config, project.target.info, {
      ...(options.lockTimeout !== undefined ? { timeoutSeconds: options.lockTimeout } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onWait: (wait) => options.onEvent?.({ type: 'lock-wait', ...wait }),
    });
  } catch (err) {
    if (options.signal?.aborted) return 'cancelled';
    throw err;
  }
}

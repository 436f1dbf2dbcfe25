import { StrataEnvironmentError } from '../diagnostics/environment-error.js';

/** How long to wait for a target's run lock, and whom to tell about the wait. */
export interface RunLockOptions {
  /** Seconds to wait while another run holds the lock: 0 not at all; undefined as long as it takes. */
  timeoutSeconds?: number;
  /** Called once, when the lock is held by another run and this one starts to wait. */
  onWait?: (wait: RunLockWait) => void;
  /** Aborting stops the wait; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Who holds the lock being waited for. */
export interface RunLockWait {
  /** The holder as the adapter knows it, e.g. `pid 4242` (`pid unknown` when it cannot tell). */
  holder: string;
  /** The locked target, `<database>.<schema>`. */
  target: string;
}

/** A held run lock. */
export interface RunLock {
  /** Lets the next run in; safe to call more than once. */
  release(): Promise<void>;
}

/** The lock of a target that has nothing to share (an in-memory database): always free. */
export const NO_RUN_LOCK: RunLock = { release: async () => undefined };

/** The error for a wait that ran out, with the same words for every adapter. */
export function runLockTimeout(wait: RunLockWait, seconds: number): StrataEnvironmentError {
  const what =
    seconds === 0
      ? `Another strata run (${wait.holder}) is writing to ${wait.target}, and --lock-timeout 0 does not wait`
      : `Another strata run (${wait.holder}) was still writing to ${wait.target} after ${seconds}s of waiting (--lock-timeout ${seconds})`;
  return new StrataEnvironmentError('run-lock-timeout', `${what}. Let it finish, or raise --lock-timeout.`);
}

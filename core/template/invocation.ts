import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** One command's run: what `invocation_id`, `run_started_at` and `flags` show templates, and artifacts record. */
export interface Invocation {
  invocationId: string;
  startedAt: Date;
  /** The command and its options, as dbt records them (`which`, `full_refresh`, ...). */
  args: Record<string, unknown>;
}

let current: Invocation = { invocationId: randomUUID(), startedAt: new Date(), args: {} };

/** The id the command being run has logged already (the CLI's first log line), which its invocations take. */
let commandId: string | undefined;

/** Sets (or, with undefined, clears) the id every invocation started until then takes: one id per command, as dbt's. */
export function useInvocationId(id: string | undefined): void {
  commandId = id;
}

/** Starts a new invocation; templates rendered from now on see it. */
export function startInvocation(args: Record<string, unknown>): Invocation {
  current = { invocationId: commandId ?? randomUUID(), startedAt: new Date(), args };
  return current;
}

/** Invocations of commands running side by side in one process (runProject), each in its own async context. */
const scoped = new AsyncLocalStorage<Invocation>();

/** Runs `fn`, and everything it starts, seeing `invocation` whatever other commands start meanwhile. */
export function withInvocation<T>(invocation: Invocation, fn: () => T): T {
  return scoped.run(invocation, fn);
}

/** The invocation templates see now. */
export function currentInvocation(): Invocation {
  return scoped.getStore() ?? current;
}

type LogListener = (message: string) => void;
let listener: LogListener | undefined;

/** Where `{{ log('…', info=True) }}` messages go (the CLI prints them); none: dropped. */
export function onTemplateLog(next: LogListener | undefined): void {
  listener = next;
}

/** Passes a template's log message on. */
export function templateLog(message: string): void {
  listener?.(message);
}

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

/** Per command run by the CLI (two may run side by side in one process): the id it has logged already. */
const commands = new AsyncLocalStorage<{ id?: string }>();

/** Runs one CLI command: the invocations it starts take the id given to useInvocationId within it. */
export function inCommand<T>(fn: () => T): T {
  return commands.run({}, fn);
}

/** Sets the id every invocation the current command starts takes: one id per command, as dbt's. */
export function useInvocationId(id: string): void {
  const command = commands.getStore();
  if (command) command.id = id;
}

/** Starts a new invocation; templates rendered from now on see it. */
export function startInvocation(args: Record<string, unknown>): Invocation {
  current = { invocationId: commands.getStore()?.id ?? randomUUID(), startedAt: new Date(), args };
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

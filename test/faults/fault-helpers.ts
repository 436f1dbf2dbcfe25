import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { EMPTY_HOME } from '../helpers/load.js';

const main = join(resolve(import.meta.dirname, '../..'), 'dist/cli/main.js');

/** A 32-bit hash of `text`, to give each test its own PRNG stream from the run's seed. */
export function hash32(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** How a CLI process ended. */
export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
  /** The kill was sent while the process still ran. */
  killed: boolean;
  /** The process did not end within the time allowed and was killed with SIGKILL. */
  hung: boolean;
}

/**
 * Runs `node dist/cli/main.js <args>` with a clean HOME. With `kill`, sends `kill.signal` after
 * `kill.afterMs`; a process still running `limitMs` after spawn (or after the kill) is SIGKILLed
 * and reported as hung.
 */
export function runStrata(
  args: string[],
  options: { kill?: { signal: NodeJS.Signals; afterMs: number }; limitMs?: number } = {},
): Promise<Ended> {
  const started = Date.now();
  const child = spawn(process.execPath, [main, ...args], { env: { HOME: EMPTY_HOME, PATH: process.env.PATH ?? '' } });
  let out = '';
  let err = '';
  let killed = false;
  let hung = false;
  let exited = false;
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const limit = options.limitMs ?? 90_000;
  let watchdog = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, limit);
  const killer = options.kill
    ? setTimeout(() => {
        if (exited) return;
        killed = child.kill(options.kill?.signal);
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          hung = true;
          child.kill('SIGKILL');
        }, 30_000);
      }, options.kill.afterMs)
    : undefined;
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('exit', () => (exited = true));
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      if (killer) clearTimeout(killer);
      done({ code, signal, out, err, ms: Date.now() - started, killed, hung });
    });
  });
}

/** A stack trace line, never to be printed for a cancelled run. */
export const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?$/m;

/** Sums over a set of rows (id, v), as the checksum queries compute them. */
export type RowSums = Record<'n' | 's1' | 's2' | 's3', string>;

/** Count and sums of ids `from` ≤ id < `to`, with `value(id)` as v. */
export function sums(from: number, to: number, value: (id: number) => number): RowSums {
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let id = from; id < to; id++) {
    const v = value(id);
    s1 += id;
    s2 += v;
    s3 += id * v;
  }
  return { n: String(to - from), s1: String(s1), s2: String(s2), s3: String(s3) };
}

/** The checksum query matching {@link sums}, on `relation`. */
export function sumsSql(relation: string): string {
  return `select count(*) as n, coalesce(sum(id), 0) as s1, coalesce(sum(v), 0) as s2, coalesce(sum(cast(id as bigint) * v), 0) as s3 from ${relation}`;
}

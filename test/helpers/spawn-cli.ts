import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';
import { EMPTY_HOME } from './load.js';

const main = join(resolve(import.meta.dirname, '../..'), 'dist/cli/main.js');

/** What a finished CLI process printed and how it ended. */
export interface CliExit {
  code: number | null;
  out: string;
  err: string;
}

/** The built CLI (`npm run build`) as its own process, with a clean HOME; `done` resolves when it exits. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcessWithoutNullStreams; done: Promise<CliExit> } {
  const child = spawn(process.execPath, [main, ...args], { env: { ...process.env, HOME: EMPTY_HOME, STRATA_PROFILES_DIR: '', ...env } });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const done = new Promise<CliExit>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, out, err }));
  });
  return { child, done };
}

/** A stack trace line, which the CLI must never print for a user's or environment's problem. */
export const STACK_LINE = /^ {4}at /m;

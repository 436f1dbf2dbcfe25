import { runCli } from '../../cli/run-cli.js';

/** Runs the CLI in-process and captures what it prints. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * A command's messages without the log decoration of the text format: the `12:00:01  ` timestamp
 * of each line and the `Running with strata=…` line every command starts with.
 */
export function messages(out: string): string {
  return out
    .split('\n')
    .filter((line) => !/^\d\d:\d\d:\d\d {2}Running with strata=/.test(line))
    .map((line) => line.replace(/^\d\d:\d\d:\d\d {2}/, ''))
    .join('\n');
}

// Timing of whole commands for the benchmarks: wall time and peak RSS from GNU time.
import { spawnSync } from 'node:child_process';

export interface Sample {
  wall: number;
  rssMb: number;
}

/** Wall seconds and peak RSS (MB) of one command, read from GNU time's verbose report (on stderr). */
export function measure(cli: string, commandArgs: string[]): Sample {
  const result = spawnSync('/usr/bin/time', ['-v', process.execPath, cli, ...commandArgs], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`strata ${commandArgs.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  const elapsed = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(result.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  if (!elapsed || !rss) throw new Error(`cannot read /usr/bin/time output:\n${result.stderr}`);
  return { wall: Number(elapsed[1] ?? 0) * 3600 + Number(elapsed[2]) * 60 + Number(elapsed[3]), rssMb: Number(rss[1]) / 1024 };
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

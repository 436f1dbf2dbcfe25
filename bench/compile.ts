/**
 * Times `strata compile`, `strata ls` and `strata --version` on generated projects of 1,000 and
 * 10,000 models: wall time and peak RSS from /usr/bin/time -v, median of several runs.
 * "cold" = a freshly generated project with no target/ folder; "again" and "after editing one
 * model" use the state the previous compile left (target/compile_state.json); "without the compile
 * state" is a full compile that still has the parse cache (target/partial_parse.json).
 *
 *   npm run build && npx tsx bench/compile.ts [runs]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateProject } from './generate-project.js';

const runs = Number(process.argv[2] ?? 3);
const cli = resolve(import.meta.dirname, '../dist/cli/main.js');

/** Wall seconds and peak RSS (MB) of one command, read from GNU time's verbose report (on stderr). */
function measure(args: string[]): { wall: number; rssMb: number } {
  const result = spawnSync('/usr/bin/time', ['-v', process.execPath, cli, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`strata ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return parse(result.stderr);
}

function parse(report: string): { wall: number; rssMb: number } {
  const elapsed = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(report);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
  if (!elapsed || !rss) throw new Error(`cannot read /usr/bin/time output:\n${report}`);
  const wall = Number(elapsed[1] ?? 0) * 3600 + Number(elapsed[2]) * 60 + Number(elapsed[3]);
  return { wall, rssMb: Number(rss[1]) / 1024 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const rows: string[][] = [];
for (const models of [1_000, 10_000]) {
  // Generate every project first and let the filesystem settle, so "cold" measures Strata on an
  // existing project without target/, not the disk still absorbing thousands of new files.
  const dirs = Array.from({ length: runs }, () => join(mkdtempSync(join(tmpdir(), 'strata-bench-')), 'project'));
  for (const dir of dirs) generateProject(dir, models);
  spawnSync('sync');
  spawnSync('sleep', ['5']);
  const cold = dirs.map((dir) => measure(['compile', '--project-dir', dir]));
  const again = dirs.map((dir) => measure(['compile', '--project-dir', dir]));
  // Edit one mart's SQL (not its refs or config), as a developer does between compiles.
  const edited = dirs.map((dir) => {
    const file = join(dir, 'models/marts', readdirSync(join(dir, 'models/marts')).find((f) => f.endsWith('.sql')) as string);
    writeFileSync(file, readFileSync(file, 'utf8').replace(' as amount', ' as amount_after_edit'));
    return measure(['compile', '--project-dir', dir]);
  });
  const full = dirs.map((dir) => {
    rmSync(join(dir, 'target/compile_state.json'));
    return measure(['compile', '--project-dir', dir]);
  });
  const ls = dirs.map((dir) => measure(['ls', '--project-dir', dir]));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  const labelled = [['compile (cold)', cold], ['compile (again, nothing changed)', again], ['compile after editing one model', edited], ['compile again without the compile state', full], ['ls', ls]] as const;
  for (const [label, samples] of labelled) {
    rows.push([`${models.toLocaleString()} models`, label, median(samples.map((s) => s.wall)).toFixed(2), median(samples.map((s) => s.rssMb)).toFixed(0)]);
  }
}
const version = Array.from({ length: 5 }, () => measure(['--version']));
rows.push(['-', '--version', median(version.map((s) => s.wall)).toFixed(3), median(version.map((s) => s.rssMb)).toFixed(0)]);

const header = ['project', 'command', 'wall (s)', 'peak RSS (MB)'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(`strata compile benchmark, median of ${runs} runs (node ${process.version})\n`);
console.log(line(header));
for (const row of rows) console.log(line(row));

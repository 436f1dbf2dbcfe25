/**
 * Times `strata compile`, `strata ls` and `strata --version` on generated projects of 1,000 and
 * 10,000 models: wall time and peak RSS from /usr/bin/time -v, median of several runs.
 * "cold" = a freshly generated project with no target/ folder; "again" and "after editing one
 * model" use the state the previous compile left (target/compile_state.json); "without the compile
 * state" is a full compile that still has the parse cache (target/partial_parse.json).
 *
 *   npm run build && npx tsx bench/compile.ts [runs] [--dir <folder>] [--against <other dist/cli/main.js>]
 *
 * --dir: where the projects are generated (default: the temp folder; /dev/shm takes the disk out).
 * --against: the same steps with another build, run alternately with this one, so that both see
 * the same machine (shared VMs vary by a third from one minute to the next).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateProject } from './generate-project.js';
import { measure, median, type Sample } from './measure.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const base = option('--dir') ?? tmpdir();
const against = option('--against');
const runs = Number(args[0] ?? 3);
const builds = [resolve(import.meta.dirname, '../dist/cli/main.js'), ...(against ? [resolve(against)] : [])];

/** Runs `step` on every project of every build, alternating builds; samples per build. */
function alternate(dirs: string[][], step: (cli: string, dir: string) => Sample): Sample[][] {
  const samples: Sample[][] = builds.map(() => []);
  for (let run = 0; run < runs; run++) builds.forEach((cli, b) => samples[b]?.push(step(cli, dirs[b]?.[run] as string)));
  return samples;
}

const rows: string[][] = [];
for (const models of [1_000, 10_000]) {
  // Generate every project first and let the file system settle, so "cold" measures Strata on an
  // existing project without target/, not the disk still absorbing thousands of new files.
  const dirs = builds.map(() => Array.from({ length: runs }, () => join(mkdtempSync(join(base, 'strata-bench-')), 'project')));
  for (const dir of dirs.flat()) generateProject(dir, models);
  spawnSync('sync');
  spawnSync('sleep', ['5']);
  const compile = (cli: string, dir: string) => measure(cli, ['compile', '--project-dir', dir]);
  const steps: [string, (cli: string, dir: string) => Sample][] = [
    ['compile (cold)', compile],
    ['compile (again, nothing changed)', compile],
    // Edit one mart's SQL (not its refs or config), as a developer does between compiles.
    [
      'compile after editing one model',
      (cli, dir) => {
        const file = join(dir, 'models/marts', readdirSync(join(dir, 'models/marts')).find((f) => f.endsWith('.sql')) as string);
        writeFileSync(file, readFileSync(file, 'utf8').replace(' as amount', ' as amount_after_edit'));
        return compile(cli, dir);
      },
    ],
    [
      'compile again without the compile state',
      (cli, dir) => {
        rmSync(join(dir, 'target/compile_state.json'));
        return compile(cli, dir);
      },
    ],
    ['ls', (cli, dir) => measure(cli, ['ls', '--project-dir', dir])],
  ];
  for (const [label, step] of steps) {
    const samples = alternate(dirs, step);
    rows.push([
      `${models.toLocaleString()} models`,
      label,
      ...samples.flatMap((s) => [median(s.map((x) => x.wall)).toFixed(2), median(s.map((x) => x.rssMb)).toFixed(0)]),
    ]);
  }
  for (const dir of dirs.flat()) rmSync(join(dir, '..'), { recursive: true, force: true });
}
const version = builds.map((cli) => Array.from({ length: 5 }, () => measure(cli, ['--version'])));
rows.push([
  '-',
  '--version',
  ...version.flatMap((s) => [median(s.map((x) => x.wall)).toFixed(3), median(s.map((x) => x.rssMb)).toFixed(0)]),
]);

const header = ['project', 'command', 'wall (s)', 'peak RSS (MB)', ...(against ? ['wall (s), --against', 'peak RSS (MB), --against'] : [])];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(
  `strata compile benchmark, median of ${runs} runs (node ${process.version}), projects in ${base}${against ? `, against ${against}` : ''}\n`,
);
console.log(line(header));
for (const row of rows) console.log(line(row));

/**
 * Staging a large Parquet file into an external Parquet model: `strata run` of a project with one
 * `materialized='external'` model over a file source, against the same `COPY (select …) TO '…'`
 * run directly in DuckDB (@duckdb/node-api, a fresh Node process with a DuckDB file of its own).
 * The two are run alternately, each after a warm-up, so both see the same machine and page cache;
 * prints each run's wall time, the medians and Strata's overhead (target: ≤ 5%).
 *
 *   npm run build && npx tsx bench/external.ts [runs] [--rows <n>] [--dir <folder>]
 *
 * The input is generated with DuckDB's range() (default 10 million rows, ~6 columns) under --dir
 * (default /dev/shm when it exists, else the temp folder), which is removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { median } from './measure.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const rows = Number(option('--rows') ?? 10_000_000);
const base = option('--dir') ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const runs = Number(args[0] ?? 5);
const cli = resolve(import.meta.dirname, '../dist/cli/main.js');

/** The staging query both sides run; `{input}` is where the raw events are read from. */
const staging = (input: string) => `select
    id,
    customer_id,
    product_id,
    amount,
    cast(amount * 1.19 as decimal(12, 2)) as gross_amount,
    cast(occurred_at as date) as occurred_on,
    upper(region) as region
from ${input}`;

interface Timing {
  wall: number;
  /** User + system CPU seconds of the process and its threads: less swayed by other load than wall time. */
  cpu: number;
  stdout: string;
}

/** Wall and CPU seconds of `node <script> <args>`, from GNU time's verbose report. */
function timed(script: string, scriptArgs: string[]): Timing {
  const result = spawnSync('/usr/bin/time', ['-v', process.execPath, script, ...scriptArgs], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${script} ${scriptArgs.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  const number = (label: string) => Number(new RegExp(`${label}: ([\\d.]+)`).exec(result.stderr)?.[1] ?? NaN);
  const elapsed = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(result.stderr);
  if (!elapsed) throw new Error(`cannot read /usr/bin/time output:\n${result.stderr}`);
  return {
    wall: Number(elapsed[1] ?? 0) * 3600 + Number(elapsed[2]) * 60 + Number(elapsed[3]),
    cpu: number('User time \\(seconds\\)') + number('System time \\(seconds\\)'),
    stdout: result.stdout,
  };
}

/** The model's own time in the last run (run_results.json): the COPY and the view, without Strata's start and artifacts. */
function modelSeconds(project: string): number {
  const results = JSON.parse(readFileSync(join(project, 'target/run_results.json'), 'utf8')) as { results: { execution_time: number }[] };
  return results.results[0]?.execution_time ?? NaN;
}

const pct = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)}%`;

async function generate(file: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`copy (
      select i as id, i % 100000 as customer_id, i % 997 as product_id,
             cast((i % 50000) / 100.0 as decimal(10, 2)) as amount,
             timestamp '2024-01-01' + to_seconds(i) as occurred_at, 'region_' || (i % 17) as region
      from range(0, ${rows}) t(i)
    ) to '${file}' (format parquet)`);
  conn.closeSync();
  instance.closeSync();
}

/** The Strata project: a file source over the generated Parquet and one external model. */
function writeProject(dir: string, input: string): void {
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'strata_project.yml'), 'name: bench\nprofile: bench\n');
  writeFileSync(
    join(dir, 'profiles.yml'),
    `bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: bench.duckdb\n      external_root: lake\n      threads: 1\n`,
  );
  writeFileSync(
    join(dir, 'models/sources.yml'),
    `sources:\n  - name: raw\n    tables:\n      - name: events\n        meta: {external_location: '${input}'}\n`,
  );
  writeFileSync(join(dir, 'models/stg_events.sql'), `{{ config(materialized='external') }}\n${staging("{{ source('raw', 'events') }}")}\n`);
}

/** The direct side: a plain Node script that opens a DuckDB file, runs the COPY and prints its seconds. */
function writeDirectScript(dir: string, input: string, output: string): string {
  const script = join(dir, 'direct.mjs');
  const nodeApi = import.meta.resolve('@duckdb/node-api');
  const copy = `copy (${staging(`read_parquet('${input}')`)}) to '${output}' (format parquet)`;
  writeFileSync(
    script,
    `import { DuckDBInstance } from ${JSON.stringify(nodeApi)};
const instance = await DuckDBInstance.create(${JSON.stringify(join(dir, 'direct.duckdb'))});
const conn = await instance.connect();
const started = performance.now();
await conn.run(${JSON.stringify(copy)});
console.log(\`copy \${(performance.now() - started) / 1000}\`);
conn.closeSync();
instance.closeSync();
`,
  );
  return script;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(base, 'strata-bench-external-'));
  try {
    const input = join(root, 'events.parquet');
    console.log(`Generating ${rows.toLocaleString()} rows of Parquet in ${root} …`);
    await generate(input);
    console.log(`  ${(statSync(input).size / 1024 / 1024).toFixed(0)} MB\n`);
    const project = join(root, 'project');
    writeProject(project, input);
    const direct = join(root, 'direct');
    mkdirSync(direct);
    const script = writeDirectScript(direct, input, join(direct, 'stg_events.parquet'));

    const strataRun = () => timed(cli, ['run', '--project-dir', project, '--quiet']);
    const directRun = () => timed(script, []);
    // Warm-up: the page cache holds the input, Strata's parse cache and code cache exist, both outputs exist.
    strataRun();
    directRun();
    const strata: Timing[] = [];
    const duckdb: Timing[] = [];
    // The database's own time on each side: the model's execution time in run_results.json (the
    // COPY, the rename into place and the view), the COPY's as the direct script prints it.
    const model: number[] = [];
    const copy: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first, so neither always follows the other's writes.
      if (i % 2 === 0) {
        strata.push(strataRun());
        duckdb.push(directRun());
      } else {
        duckdb.push(directRun());
        strata.push(strataRun());
      }
      const [s, d] = [strata[i] as Timing, duckdb[i] as Timing];
      model.push(modelSeconds(project));
      copy.push(Number(/copy ([\d.]+)/.exec(d.stdout)?.[1] ?? NaN));
      console.log(
        `run ${i + 1}: strata ${s.wall.toFixed(2)} s (cpu ${s.cpu.toFixed(2)}, model ${(model[i] as number).toFixed(2)}), ` +
          `duckdb ${d.wall.toFixed(2)} s (cpu ${d.cpu.toFixed(2)}, copy ${(copy[i] as number).toFixed(2)})`,
      );
    }
    const written = statSync(join(project, 'lake/stg_events.parquet')).size / 1024 / 1024;
    const m = (values: number[]) => median(values);
    const [sWall, dWall] = [m(strata.map((t) => t.wall)), m(duckdb.map((t) => t.wall))];
    const [sCpu, dCpu] = [m(strata.map((t) => t.cpu)), m(duckdb.map((t) => t.cpu))];
    // Outside the database: process start, DuckDB's opening and (for Strata) parse, plan and artifacts.
    const sOutside = m(strata.map((t, i) => t.wall - (model[i] as number)));
    const dOutside = m(duckdb.map((t, i) => t.wall - (copy[i] as number)));
    const f = (n: number) => n.toFixed(2);
    console.log(`\nOutput: ${written.toFixed(0)} MB of Parquet. Medians of ${runs} runs:`);
    console.log(`  wall:             strata run ${f(sWall)} s, DuckDB ${f(dWall)} s, overhead ${pct(sWall, dWall)} (target ≤ 5%)`);
    console.log(`  cpu (user+sys):   strata run ${f(sCpu)} s, DuckDB ${f(dCpu)} s, overhead ${pct(sCpu, dCpu)}`);
    console.log(`  in the database:  the model ${f(m(model))} s, the COPY ${f(m(copy))} s, overhead ${pct(m(model), m(copy))}`);
    console.log(
      `  outside it:       strata ${f(sOutside)} s, the script ${f(dOutside)} s: strata's own ${f(sOutside - dOutside)} s, ` +
        `${(((sOutside - dOutside) / dWall) * 100).toFixed(1)}% of DuckDB's wall time`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();

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
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { measure, median } from './measure.js';

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

/** The direct side: a plain Node script that opens a DuckDB file and runs the COPY. */
function writeDirectScript(dir: string, input: string, output: string): string {
  const script = join(dir, 'direct.mjs');
  const nodeApi = import.meta.resolve('@duckdb/node-api');
  const copy = `copy (${staging(`read_parquet('${input}')`)}) to '${output}' (format parquet)`;
  writeFileSync(
    script,
    `import { DuckDBInstance } from ${JSON.stringify(nodeApi)};
const instance = await DuckDBInstance.create(${JSON.stringify(join(dir, 'direct.duckdb'))});
const conn = await instance.connect();
await conn.run(${JSON.stringify(copy)});
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

    const strataRun = () => measure(cli, ['run', '--project-dir', project, '--quiet']);
    const directRun = () => measure(script, []);
    // Warm-up: the page cache holds the input, Strata's parse cache and code cache exist, both outputs exist.
    strataRun();
    directRun();
    const strata: number[] = [];
    const duckdb: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first, so neither always follows the other's writes.
      if (i % 2 === 0) {
        strata.push(strataRun().wall);
        duckdb.push(directRun().wall);
      } else {
        duckdb.push(directRun().wall);
        strata.push(strataRun().wall);
      }
      console.log(`run ${i + 1}: strata ${strata[i]?.toFixed(2)} s, duckdb ${duckdb[i]?.toFixed(2)} s`);
    }
    const written = statSync(join(project, 'lake/stg_events.parquet')).size / 1024 / 1024;
    const s = median(strata);
    const d = median(duckdb);
    console.log(`\nOutput: ${written.toFixed(0)} MB of Parquet`);
    console.log(
      `median of ${runs}: strata run ${s.toFixed(2)} s, COPY in DuckDB ${d.toFixed(2)} s, overhead ${(((s - d) / d) * 100).toFixed(1)}% (target ≤ 5%)`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();

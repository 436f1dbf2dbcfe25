/**
 * Times `strata seed` as a whole process on a generated seed of 1,000,000 rows (~70 MB: integer,
 * decimal, text, quoted text with commas and date columns), on DuckDB and on Postgres: the first
 * load (no table yet) and a reload (the table exists and is swapped). Wall time and peak RSS from
 * /usr/bin/time -v, median of several runs. Targets: ≤ 5 s on DuckDB, ≤ 15 s on Postgres, peak
 * RSS ≤ 300 MB.
 *
 *   npm run build && npx tsx bench/seeds.ts [runs] [--rows <n>] [--against <other dist/cli/main.js>]
 *
 * Postgres is the server at STRATA_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test),
 * in a schema of its own that is dropped afterwards; --skip-postgres leaves it out.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { measure, median, type Sample } from './measure.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const flag = (name: string) => {
  const at = args.indexOf(name);
  if (at >= 0) args.splice(at, 1);
  return at >= 0;
};
const rows = Number(option('--rows') ?? 1_000_000);
const against = option('--against');
const skipPostgres = flag('--skip-postgres');
const runs = Number(args[0] ?? 1);
const builds = [resolve(import.meta.dirname, '../dist/cli/main.js'), ...(against ? [resolve(against)] : [])];
const pgUrl = new URL(process.env.STRATA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');

const STATUSES = ['placed', 'shipped', 'completed', 'returned', 'return_pending'];
const NOTES = ['', 'leave at door', '"gift wrap, please"', 'call first', '"fragile, handle with care"', ''];

/** Writes the CSV in blocks of 10,000 rows, so the generator's own memory stays small too. */
function writeCsv(file: string, count: number): void {
  const fd = openSync(file, 'w');
  writeSync(fd, 'order_id,customer_id,amount,quantity,status,note,ordered_on,region\n');
  for (let start = 1; start <= count; start += 10_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(start + 10_000, count + 1); i++) {
      const day = new Date(Date.UTC(2020, 0, 1) + (i % 1500) * 86_400_000).toISOString().slice(0, 10);
      lines.push(
        `${i},${(i * 7919) % 100_000},${((i * 31) % 100_000) / 100},${i % 9},${STATUSES[i % 5]},${NOTES[i % 6]},${day},sales_region_${i % 17}\n`,
      );
    }
    writeSync(fd, lines.join(''));
  }
  closeSync(fd);
}

function profile(schema: string): string {
  const user = decodeURIComponent(pgUrl.username) || 'postgres';
  return `bench:
  target: duckdb
  outputs:
    duckdb:
      type: duckdb
      path: bench.duckdb
      schema: main
      threads: 1
    postgres:
      type: postgres
      host: ${pgUrl.hostname}
      port: ${pgUrl.port || 5432}
      user: ${user}
${pgUrl.password ? `      password: "${decodeURIComponent(pgUrl.password)}"\n` : ''}      dbname: ${pgUrl.pathname.slice(1) || 'postgres'}
      schema: ${schema}
      threads: 1
`;
}

async function dropSchemas(schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl.toString() });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

const base = mkdtempSync(join(tmpdir(), 'strata-bench-seeds-'));
const csv = join(base, 'orders.csv');
writeCsv(csv, rows);
const sizeMb = statSync(csv).size / 1024 / 1024;
// One project per build, all reading the same CSV through a copy (a seed file lives in its project).
const projects = builds.map((_, b) => {
  const dir = join(base, `project-${b}`);
  mkdirSync(join(dir, 'seeds'), { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), 'name: bench\nprofile: bench\n');
  spawnSync('cp', [csv, join(dir, 'seeds/orders.csv')]);
  return dir;
});
const schemas = builds.map((_, b) => `strata_bench_seeds_${process.pid}_${b}`);
projects.forEach((dir, b) => writeFileSync(join(dir, 'profiles.yml'), profile(schemas[b] as string)));
spawnSync('sync');

const table: string[][] = [];
try {
  for (const target of skipPostgres ? ['duckdb'] : ['duckdb', 'postgres']) {
    const first: Sample[][] = builds.map(() => []);
    const reload: Sample[][] = builds.map(() => []);
    for (let run = 0; run < runs; run++) {
      builds.forEach((cli, b) => {
        const dir = projects[b] as string;
        rmSync(join(dir, 'bench.duckdb'), { force: true });
        rmSync(join(dir, 'bench.duckdb.wal'), { force: true });
        const seed = ['seed', '--project-dir', dir, '--target', target];
        first[b]?.push(measure(cli, seed));
        reload[b]?.push(measure(cli, seed));
      });
      if (target === 'postgres') await dropSchemas(schemas);
    }
    for (const [label, samples] of [
      ['first load', first],
      ['reload (swap)', reload],
    ] as const) {
      table.push([
        target,
        label,
        ...samples.flatMap((s) => [median(s.map((x) => x.wall)).toFixed(2), median(s.map((x) => x.rssMb)).toFixed(0)]),
      ]);
    }
  }
} finally {
  if (!skipPostgres) await dropSchemas(schemas).catch(() => undefined);
  rmSync(base, { recursive: true, force: true });
}

const header = ['database', 'step', 'wall (s)', 'peak RSS (MB)', ...(against ? ['wall (s), --against', 'peak RSS (MB), --against'] : [])];
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(
  `strata seed benchmark: ${rows.toLocaleString()} rows, ${sizeMb.toFixed(0)} MB, median of ${runs} run(s) (node ${process.version})${against ? `, against ${against}` : ''}\n`,
);
console.log(line(header));
for (const row of table) console.log(line(row));

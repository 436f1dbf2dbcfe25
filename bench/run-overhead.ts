/**
 * Per-model overhead of `strata run`: 1,000 trivial view models on DuckDB. Time spent inside the
 * database is measured by wrapping the adapter's connections; the framework's overhead per model
 * is (wall time − database time) / models. Reported for 1 and 4 threads.
 *
 *   npx tsx bench/run-overhead.ts [models]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duckdbAdapter } from '../adapters/duckdb/duckdb-adapter.js';
import type { Adapter, ConnectionPool } from '../core/adapter/adapter.js';
import type { Connection } from '../core/adapter/connection.js';
import { runProject } from '../core/run/run-project.js';

const models = Number(process.argv[2] ?? 1000);

/** The DuckDB adapter with every statement timed. */
function timedAdapter(clock: { ms: number }): Adapter {
  const wrap = (c: Connection): Connection => {
    const timed =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        const t = performance.now();
        try {
          return await fn(...args);
        } finally {
          clock.ms += performance.now() - t;
        }
      };
    const wrapped: Connection = {
      execute: timed(c.execute.bind(c)),
      transaction: (fn) => c.transaction(() => fn(wrapped)),
      listRelations: timed(c.listRelations.bind(c)),
      getColumns: timed(c.getColumns.bind(c)),
      loadCsv: timed(c.loadCsv.bind(c)),
      dependentViews: timed(c.dependentViews.bind(c)),
      dependentForeignKeys: timed(c.dependentForeignKeys.bind(c)),
      rowCounts: timed(c.rowCounts.bind(c)),
      describeQuery: timed(c.describeQuery.bind(c)),
      ensureSchema: timed(c.ensureSchema.bind(c)),
      cancel: c.cancel.bind(c),
      close: c.close.bind(c),
    };
    return wrapped;
  };
  return {
    ...duckdbAdapter,
    async connect(config, options): Promise<ConnectionPool> {
      const pool = await duckdbAdapter.connect(config, options);
      return {
        withConnection: (fn) => pool.withConnection((c) => fn(wrap(c))),
        cancelAll: () => pool.cancelAll(),
        close: () => pool.close(),
      };
    },
  };
}

async function measure(threads: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-overhead-'));
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'strata_project.yml'), 'name: overhead\n');
  for (let i = 0; i < models; i++) writeFileSync(join(dir, `models/m${i}.sql`), `select ${i} as id`);
  const clock = { ms: 0 };
  const adapter = timedAdapter(clock);
  // A first run creates the views; the measured run replaces them, as day-to-day runs do.
  await runProject({ projectDir: dir, adapters: [adapter], threads });
  clock.ms = 0;
  const started = performance.now();
  const { summary } = await runProject({ projectDir: dir, adapters: [adapter], threads });
  const wall = performance.now() - started;
  rmSync(dir, { recursive: true, force: true });
  if (!summary.success) throw new Error('run failed');
  // With several threads the database time overlaps; divide it among them.
  const dbWall = clock.ms / threads;
  return [String(threads), (wall / 1000).toFixed(2), (dbWall / 1000).toFixed(2), ((wall - dbWall) / models).toFixed(2)];
}

const rows = [await measure(1), await measure(4)];
const header = ['threads', 'wall (s)', 'in database (s)', 'overhead per model (ms)'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(`strata run: ${models} trivial view models on DuckDB\n`);
console.log(line(header));
for (const row of rows) console.log(line(row));

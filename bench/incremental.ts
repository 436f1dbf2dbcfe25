/**
 * Incremental cost on DuckDB: a fact table of N rows (default 10 million) built in full, then a 1%
 * batch of new rows applied with each strategy. Prints the full-build time, each incremental
 * run's time and its share of the full build (goal: ≤ 5%).
 *
 *   npx tsx bench/incremental.ts [rows]
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_ADAPTERS } from '../adapters/index.js';
import { runProject } from '../core/run/run-project.js';

const rows = Number(process.argv[2] ?? 10_000_000);
const batch = Math.round(rows / 100);

const strategies = [
  { name: 'append', config: "incremental_strategy='append'" },
  { name: 'delete+insert', config: "unique_key='event_id', incremental_strategy='delete+insert'" },
  { name: 'merge', config: "unique_key='event_id', incremental_strategy='merge'" },
  // As teams do on large tables: predicates keep the key lookup to the recent part of the table.
  {
    name: 'merge + predicates',
    config: `unique_key='event_id', incremental_strategy='merge', incremental_predicates=["DBT_INTERNAL_DEST.occurred_at >= cast('" ~ var('recent') ~ "' as timestamp)"]`,
  },
];

/** Raw events: `rows` of synthetic sales, regenerated with more rows to simulate new arrivals. */
const rawSql = `{{ config(materialized='table') }}
select i as event_id, i % 1000 as customer_id, i % 97 as product_id,
       (i % 5000) / 100.0 as amount, timestamp '2024-01-01' + to_seconds(i) as occurred_at
from range(0, {{ var('rows') }}) t(i)`;

const factSql = (config: string) => `{{ config(materialized='incremental', ${config}) }}
select event_id, customer_id, product_id, amount, occurred_at, amount * 1.19 as gross
from {{ ref('raw_events') }}
{% if is_incremental() %}where event_id > (select max(event_id) from {{ this }}){% endif %}`;

async function timeFact(dir: string, vars: Record<string, unknown>, fullRefresh: boolean): Promise<number> {
  const { summary } = await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, select: ['fact'], vars, fullRefresh, threads: 1 });
  const result = summary.results.find((r) => r.uniqueId === 'model.bench.fact');
  if (!result || result.status !== 'success') throw new Error(`fact failed: ${result?.message}`);
  return result.executionTime;
}

async function main(): Promise<void> {
  console.log(`Incremental benchmark on DuckDB: ${rows.toLocaleString()} rows, new batch ${batch.toLocaleString()} rows (1%)\n`);
  const table: string[][] = [];
  for (const strategy of strategies) {
    const dir = mkdtempSync(join(tmpdir(), 'strata-bench-'));
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'strata_project.yml'), 'name: bench\n');
    writeFileSync(join(dir, 'models/raw_events.sql'), rawSql);
    writeFileSync(join(dir, 'models/fact.sql'), factSql(strategy.config));
    try {
      // The new batch's events start one second after the last old one.
      const recent = new Date(Date.UTC(2024, 0, 1) + rows * 1000).toISOString().replace('T', ' ').slice(0, 19);
      await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, select: ['raw_events'], vars: { rows, recent } });
      const full = await timeFact(dir, { rows, recent }, true);
      await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, select: ['raw_events'], vars: { rows: rows + batch, recent } });
      const incremental = await timeFact(dir, { rows: rows + batch, recent }, false);
      table.push([strategy.name, full.toFixed(2), incremental.toFixed(3), `${((incremental / full) * 100).toFixed(1)}%`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const header = ['strategy', 'full build (s)', 'incremental (s)', 'share'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  for (const row of table) console.log(line(row));
}

await main();

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duckdbAdapter } from '../../../adapters/index.js';
import type { Diagnostic } from '../../../core/diagnostics/diagnostic.js';
import { freshnessQuery } from '../../../core/plan/freshness-query.js';
import { fileSourceOnTarget, readFileSource, type FileSourceLevel } from '../../../core/project/file-source.js';
import { formatLocation } from '../../../core/project/file-source-placeholders.js';
import type { SourceDefinition } from '../../../core/project/types.js';
import { writeProject } from '../../helpers/temp-project.js';

const at = { file: 'models/sources.yml', line: 4, column: 7 };
const table = { sourceName: 'landing', name: 'orders', identifier: 'orders_v1', schema: 'raw', at };
const project = '/projects/shop';

/** The file source of `levels` (least specific first) for landing.orders, and its diagnostics. */
function read(levels: Record<string, unknown>[], dir = project) {
  const diagnostics: Diagnostic[] = [];
  const file = readFileSource(
    levels.map((values): FileSourceLevel => ({ values })),
    table,
    dir,
    diagnostics,
  );
  return { file, messages: diagnostics.map((d) => d.message) };
}

describe('file source locations', () => {
  it('fills dbt-duckdb placeholders with each formatter: the names and every meta key', () => {
    const values = { name: 'orders', identifier: 'orders_v1', schema: 'raw', bucket: 'lake', flag: true, none: null };
    expect(formatLocation('{bucket}/{schema}/{identifier}-{flag}', 'newstyle', values)).toEqual({ text: 'lake/raw/orders_v1-True' });
    expect(formatLocation('%(name)s_100%%.csv', 'oldstyle', values)).toEqual({ text: 'orders_100%.csv' });
    expect(formatLocation('$bucket/${name}_$$.csv', 'template', values)).toEqual({ text: 'lake/orders_$.csv' });
    expect(formatLocation('{nmae}.csv', 'newstyle', values)).toEqual({ missing: 'nmae' });
    // Braces that hold no bare name are kept: a struct in a reader call needs no formatter: oldstyle.
    expect(formatLocation("read_csv('{name}.csv', types = {'FlightDate': 'DATE'})", 'newstyle', values)).toEqual({
      text: "read_csv('orders.csv', types = {'FlightDate': 'DATE'})",
    });
  });

  it('renders a reader call for a path relative to the project, the format from the extension', () => {
    expect(read([{ external_location: 'landing/{name}.csv' }]).file?.readAs).toBe("read_csv('/projects/shop/landing/orders.csv')");
    expect(read([{ external_location: 'landing/{identifier}.parquet' }]).file?.readAs).toBe(
      "read_parquet('/projects/shop/landing/orders_v1.parquet')",
    );
    expect(read([{ external_location: '/data/{schema}/*.jsonl' }]).file?.readAs).toBe("read_json('/data/raw/*.jsonl')");
    expect(read([{ external_location: 'landing/export.csv.gz' }]).file?.readAs).toBe("read_csv('/projects/shop/landing/export.csv.gz')");
    // dbt-duckdb's quoted form ('path' for DuckDB's replacement scan) reads the same file.
    expect(read([{ external_location: "'landing/it''s.csv'" }]).file?.readAs).toBe("read_csv('/projects/shop/landing/it''s.csv')");
  });

  it('passes URLs through, and reads every file below a folder written with a trailing slash', () => {
    expect(read([{ external_location: 's3://bucket/landing/{name}.parquet' }]).file).toMatchObject({
      readAs: "read_parquet('s3://bucket/landing/orders.parquet')",
      locations: ['s3://bucket/landing/orders.parquet'],
    });
    expect(read([{ external_location: 'https://example.com/{name}.csv' }]).file?.readAs).toBe("read_csv('https://example.com/orders.csv')");
    expect(read([{ external_location: 's3://bucket/events/', format: 'parquet' }]).file?.readAs).toBe(
      "read_parquet('s3://bucket/events/**/*.parquet')",
    );
  });

  it('finds the format of a local folder from the files in it', () => {
    const dir = writeProject({});
    mkdirSync(join(dir, 'landing/sales/day=2026-01-01'), { recursive: true });
    writeFileSync(join(dir, 'landing/sales/day=2026-01-01/part-0.csv.gz'), '');
    expect(read([{ external_location: 'landing/sales' }], dir).file?.readAs).toBe(`read_csv('${dir}/landing/sales/**/*.csv.gz')`);
  });

  it('reads several locations at once', () => {
    expect(read([{ external_location: ['a/{name}-1.csv', 'a/{name}-2.csv'] }]).file?.readAs).toBe(
      "read_csv(['/projects/shop/a/orders-1.csv', '/projects/shop/a/orders-2.csv'])",
    );
  });

  it('uses a reader call as written, its first argument made absolute against the project', () => {
    expect(read([{ external_location: "read_csv('landing/{name}.txt', delim = '|')" }]).file).toMatchObject({
      readAs: "read_csv('/projects/shop/landing/orders.txt', delim = '|')",
      locations: ['/projects/shop/landing/orders.txt'],
    });
    expect(read([{ external_location: "read_parquet(['a.parquet', 's3://b/c.parquet'], union_by_name = true)" }]).file).toMatchObject({
      readAs: "read_parquet(['/projects/shop/a.parquet', 's3://b/c.parquet'], union_by_name = true)",
      locations: ['/projects/shop/a.parquet', 's3://b/c.parquet'],
    });
    // A call whose files are not a literal is kept whole; its freshness then needs a loaded_at_field.
    const opaque = read([{ external_location: "read_csv(getvariable('landing'))" }]).file;
    expect(opaque?.readAs).toBe("read_csv(getvariable('landing'))");
    expect(opaque?.locations).toBeUndefined();
  });

  it('takes reader options from options and <format>_read_options, the latter winning', () => {
    const { file } = read([
      {
        external_location: 'landing/{name}.csv',
        options: { header: true, union_by_name: true, filename: 'src' },
        csv_read_options: { delim: ';', columns: { id: 'INTEGER', note: 'VARCHAR' }, header: false },
        parquet_read_options: { binary_as_string: true },
      },
    ]);
    expect(file?.readAs).toBe(
      "read_csv('/projects/shop/landing/orders.csv', header = false, union_by_name = true, filename = 'src', delim = ';', columns = {'id': 'INTEGER', 'note': 'VARCHAR'})",
    );
  });

  it('lets the most specific level win, and keeps only config: keys for the manifest', () => {
    const diagnostics: Diagnostic[] = [];
    const file = readFileSource(
      [
        { values: { external_location: 'source/{name}.csv', format: 'csv' }, config: true },
        { values: { external_location: 'table/{name}.parquet' } },
      ],
      table,
      project,
      diagnostics,
    );
    expect(file?.readAs).toBe("read_csv('/projects/shop/table/orders.parquet')");
    expect(file?.config).toEqual({ external_location: 'source/{name}.csv', format: 'csv' });
    expect(read([{ owner: 'x' }]).file).toBeUndefined();
  });

  it('reports what it cannot read, at the key', () => {
    expect(read([{ external_location: 'landing/{nmae}.csv' }]).messages).toEqual([
      "Source 'landing.orders': external_location has no placeholder 'nmae' (it may use {name}, {identifier}, {schema}, {database}, {external_location}). Did you mean 'name'?",
    ]);
    expect(read([{ external_location: 'landing/orders' }]).messages).toEqual([
      "Source 'landing.orders': cannot tell the file format of '/projects/shop/landing/orders' from its name; add format: csv, parquet or json.",
    ]);
    expect(read([{ external_location: 'x.csv', format: 'xlsx' }]).messages).toEqual([
      "Source 'landing.orders': format 'xlsx' is not a file format DuckDB reads (csv, parquet, json).",
    ]);
    expect(read([{ external_location: 'x.csv', formatter: 'fstring' }]).messages).toEqual([
      "Source 'landing.orders': formatter must be one of newstyle, oldstyle, template (dbt-duckdb's), not 'fstring'.",
    ]);
    expect(read([{ external_location: 'x.csv', options: ['header'] }]).messages).toEqual([
      "Source 'landing.orders': options must be a mapping of reader options (e.g. {union_by_name: true}).",
    ]);
    expect(read([{ external_location: 'x.csv', options: { 'header = true; drop': 1 } }]).messages).toEqual([
      "Source 'landing.orders': options: 'header = true; drop' is not a reader option name.",
    ]);
    expect(read([{ external_location: 42 }]).messages).toEqual([
      "Source 'landing.orders': external_location must be a path, URL or glob (or a list of them), or a reader call such as read_csv(…).",
    ]);
  });

  it('names the target when it is not DuckDB', () => {
    const { file } = read([{ external_location: 'x.csv' }]);
    expect(fileSourceOnTarget(file as NonNullable<typeof file>, table, 'postgres')).toMatchObject({
      code: 'file-source-unsupported',
      message:
        "Source 'landing.orders' reads files (external_location), which only a DuckDB target can do; this target is postgres. Load the files into a table and declare that, or build on DuckDB.",
    });
  });
});

describe('file source freshness query', () => {
  const source = (extra: Partial<SourceDefinition>): SourceDefinition =>
    ({
      sourceName: 'landing',
      name: 'orders',
      relation: { schema: 'raw', identifier: 'orders', readAs: "read_csv('/l/*.csv')" },
      fileLocations: ['/l/*.csv'],
      ...extra,
    }) as SourceDefinition;

  it('reads the files’ modification times with read_blob when there is no loaded_at_field', () => {
    const sql = freshnessQuery(duckdbAdapter.dialect, source({}));
    expect(sql).toContain("select max(last_modified) as max_loaded_at, current_timestamp as snapshotted_at\nfrom read_blob('/l/*.csv')");
  });

  it('reads the loaded_at_field through the reader call', () => {
    const sql = freshnessQuery(duckdbAdapter.dialect, source({ loadedAtField: 'loaded_at' }));
    expect(sql).toContain("select max(loaded_at) as max_loaded_at, current_timestamp as snapshotted_at\nfrom read_csv('/l/*.csv')");
  });
});

import { describe, expect, it } from 'vitest';
import { externalConfigProblem, externalLocation, partitionColumns } from '../../../core/project/external-location.js';

const target = { external_root: '/lake' };

describe('externalLocation', () => {
  it('defaults to <external_root>/<name>.parquet, read back with read_parquet', () => {
    const at = externalLocation({}, 'orders', target, '/proj');
    expect(at).toMatchObject({
      location: '/lake/orders.parquet',
      format: 'parquet',
      partitioned: false,
      local: true,
      readAs: "read_parquet('/lake/orders.parquet')",
      copyOptions: 'format parquet',
    });
  });

  it('without external_root, writes in the project folder', () => {
    expect(externalLocation({ format: 'csv' }, 'orders', {}, '/proj').location).toBe('/proj/orders.csv');
  });

  it('takes the format from the location, or CSV from a delimiter', () => {
    expect(externalLocation({ location: 'out/o.json' }, 'o', target, '/proj')).toMatchObject({
      location: '/proj/out/o.json',
      format: 'json',
      readAs: "read_json('/proj/out/o.json')",
    });
    const csv = externalLocation({ location: '/x/o.txt', delimiter: '|' }, 'o', target, '/proj');
    expect(csv.format).toBe('csv');
    expect(csv.copyOptions).toBe("format csv, header true, delimiter '|'");
    expect(csv.readAs).toBe("read_csv('/x/o.txt', header = true, delim = '|')");
  });

  it('compresses a .csv.gz location, which the temporary name would hide from DuckDB', () => {
    const at = externalLocation({ location: 'out/o.csv.gz' }, 'o', target, '/proj');
    expect(at.format).toBe('csv');
    expect(at.copyOptions).toBe("format csv, header true, compression 'gzip'");
    expect(at.readAs).toBe("read_csv('/proj/out/o.csv.gz', header = true)");
    expect(externalLocation({ location: 'o.tsv' }, 'o', target, '/proj').copyOptions).toBe("format csv, header true, delimiter '\t'");
  });

  it('partitions into a folder read with a glob per partition column and hive_partitioning', () => {
    const at = externalLocation({ partition_by: 'year, month', options: { COMPRESSION: 'zstd' } }, 'sales', target, '/proj');
    expect(at).toMatchObject({
      location: '/lake/sales',
      partitioned: true,
      partitionBy: ['year', 'month'],
      copyOptions: `format parquet, partition_by ("year", "month"), compression 'zstd'`,
      readAs: "read_parquet('/lake/sales/*/*/*.parquet', hive_partitioning = true)",
    });
    // dbt-duckdb's spelling: partition_by inside options, in parentheses.
    expect(externalLocation({ options: { partition_by: '(year)' } }, 'sales', target, '/p').partitionBy).toEqual(['year']);
  });

  it('keeps an option value already written as SQL, and leaves URLs as they are', () => {
    const at = externalLocation(
      {
        location: 's3://bucket/sales',
        format: 'csv',
        options: { partition_by: 'day', filename_pattern: "'part_{i}'", compression: 'gzip' },
      },
      'sales',
      target,
      '/proj',
    );
    expect(at.local).toBe(false);
    expect(at.location).toBe('s3://bucket/sales');
    expect(at.copyOptions).toBe(`format csv, partition_by ("day"), header true, filename_pattern 'part_{i}', compression 'gzip'`);
    expect(at.readAs).toBe("read_csv('s3://bucket/sales/*/*.csv*', header = true, hive_partitioning = true)");
  });

  it('per_thread_output writes a folder of files', () => {
    const at = externalLocation({ options: { per_thread_output: true } }, 'big', target, '/proj');
    expect(at).toMatchObject({ location: '/lake/big.parquet', partitioned: true, readAs: "read_parquet('/lake/big.parquet/*.parquet')" });
  });
});

describe('externalConfigProblem', () => {
  it('names what is wrong', () => {
    expect(externalConfigProblem({ format: 'xlsx' })).toBe("format 'xlsx' is not supported (supported: csv, parquet, json)");
    expect(externalConfigProblem({ format: 'json', partition_by: 'day' })).toBe(
      "partition_by is not supported for JSON files (DuckDB cannot partition them); use format 'parquet' or 'csv'",
    );
    expect(externalConfigProblem({ partition_by: 'a', options: { partition_by: 'b' } })).toBe(
      'partition_by is set both as a config key and in options; keep one',
    );
    expect(externalConfigProblem({ options: { 'bad key': 1 } })).toBe("options: 'bad key' is not a COPY option name");
    expect(externalConfigProblem({ partition_by: ['a', 'b'] })).toBeUndefined();
  });

  it('reads partition_by as a string, a parenthesized list or a list', () => {
    expect(partitionColumns('a')).toEqual(['a']);
    expect(partitionColumns('(a, b)')).toEqual(['a', 'b']);
    expect(partitionColumns(['a', 'b'])).toEqual(['a', 'b']);
    expect(partitionColumns(undefined)).toEqual([]);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isoUtc } from '../../../core/artifacts/sources-artifact.js';
import { fresherSources, readFreshnessRecord } from '../../../core/graph/source-status.js';

/** Writes a sources.json with these results and reads it back. */
function record(results: { unique_id: string; status: string; max_loaded_at?: string }[]) {
  const file = join(mkdtempSync(join(tmpdir(), 'strata-sources-')), 'sources.json');
  writeFileSync(file, JSON.stringify({ metadata: {}, results, elapsed_time: 0 }));
  const read = readFreshnessRecord(file);
  if (!read) throw new Error('not read');
  return read;
}

describe('source_status:fresher', () => {
  it('takes sources loaded later than in the state, or not measured there, never one whose check failed', () => {
    const previous = record([
      { unique_id: 'source.p.raw.same', status: 'pass', max_loaded_at: '2024-01-01T10:00:00+00:00' },
      { unique_id: 'source.p.raw.newer', status: 'pass', max_loaded_at: '2024-01-01T10:00:00.000001+00:00' },
      { unique_id: 'source.p.raw.broken', status: 'pass', max_loaded_at: '2024-01-01T10:00:00+00:00' },
    ]);
    const current = record([
      // The same instant written with another zone and a Z: not fresher.
      { unique_id: 'source.p.raw.same', status: 'pass', max_loaded_at: '2024-01-01T05:00:00-05:00' },
      { unique_id: 'source.p.raw.newer', status: 'warn', max_loaded_at: '2024-01-01T10:00:00.000002Z' },
      { unique_id: 'source.p.raw.broken', status: 'runtime error' },
      { unique_id: 'source.p.raw.added', status: 'pass', max_loaded_at: '2023-01-01T00:00:00+00:00' },
    ]);
    expect([...fresherSources(current, previous)].sort()).toEqual(['source.p.raw.added', 'source.p.raw.newer']);
  });

  it('writes times as Python writes an aware UTC datetime, and reads them back', () => {
    const micros = Date.UTC(2024, 0, 1, 10, 0, 0) * 1000 + 5;
    expect(isoUtc(micros)).toBe('2024-01-01T10:00:00.000005+00:00');
    expect(isoUtc(Date.UTC(2024, 0, 1) * 1000)).toBe('2024-01-01T00:00:00+00:00');
    expect(isoUtc(new Date('0001-01-01T00:00:00Z').getTime() * 1000)).toBe('0001-01-01T00:00:00+00:00');
    const read = record([{ unique_id: 'x', status: 'pass', max_loaded_at: isoUtc(micros) }]);
    expect(read.loadedAt.get('x')).toBe(micros);
  });
});

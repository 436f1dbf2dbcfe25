import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, throwIfErrors } from '../diagnostics/diagnostic.js';

/** What a sources.json says: each source's newest load time, and the sources whose check failed. */
export interface FreshnessRecord {
  /** The file read. */
  file: string;
  /** Newest load time by source id, microseconds since the epoch (UTC). */
  loadedAt: Map<string, number>;
  /** Sources whose check was a runtime error (no load time). */
  failed: Set<string>;
}

/** Reads a sources.json (written by `strata source freshness` or dbt); undefined when there is none. */
export function readFreshnessRecord(file: string): FreshnessRecord | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: { results?: { unique_id: string; status: string; max_loaded_at?: string }[] };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch (err) {
    throwIfErrors([diagnostic('invalid-state', `${file} is not valid JSON: ${(err as Error).message}`)]);
    throw err;
  }
  const loadedAt = new Map<string, number>();
  const failed = new Set<string>();
  for (const r of parsed.results ?? []) {
    const time = r.max_loaded_at ? isoMicros(r.max_loaded_at) : undefined;
    if (time === undefined) failed.add(r.unique_id);
    else loadedAt.set(r.unique_id, time);
  }
  return { file, loadedAt, failed };
}

/**
 * dbt's `source_status:fresher`: sources whose newest load time in this project's latest
 * sources.json (`current`) is later than in the state's (or that the state did not measure);
 * a source whose latest check failed is never fresher.
 */
export function fresherSources(current: FreshnessRecord, previous: FreshnessRecord): Set<string> {
  const out = new Set<string>();
  for (const [id, time] of current.loadedAt) {
    const before = previous.loadedAt.get(id);
    if ((before === undefined || time > before) && !current.failed.has(id)) out.add(id);
  }
  return out;
}

/** The sources.json a freshness run of this project left in its target folder. */
export function currentFreshnessFile(targetPath: string): string {
  return join(targetPath, 'sources.json');
}

/** Microseconds since the epoch of an ISO time (dbt's `+00:00`, a `Z`, or no zone: UTC). */
function isoMicros(text: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!match) return undefined;
  const [, day, time, fraction = '', zone = 'Z'] = match;
  const ms = new Date(`${day}T${time}${zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')}`).getTime();
  if (Number.isNaN(ms)) return undefined;
  return ms * 1000 + Number(fraction.padEnd(6, '0'));
}

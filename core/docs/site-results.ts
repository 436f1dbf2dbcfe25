import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The last run of one node, as run_results.json recorded it. */
export interface SiteRunResult {
  status: string;
  failures: number | null;
  message: string | null;
  executionTime: number | null;
  completedAt: string | null;
  /** When the run that produced it was written. */
  generatedAt: string | null;
}

/** The last freshness check of one source table, as sources.json recorded it. */
export interface SiteFreshnessResult {
  status: string;
  maxLoadedAt: string | null;
  snapshottedAt: string | null;
  ageSeconds: number | null;
  error: string | null;
}

/** What earlier commands left in target/: results of the last run and the last freshness check. */
export interface LastResults {
  runs: Map<string, SiteRunResult>;
  freshness: Map<string, SiteFreshnessResult>;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A JSON artifact's `results` and `metadata`, or nothing when it is missing or unreadable (the site then shows "not run"). */
function artifact(file: string): { results: Json[]; generatedAt: string | null; compileOnly: boolean } {
  const none = { results: [], generatedAt: null, compileOnly: false };
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isObject(parsed) || !Array.isArray(parsed.results)) return none;
    // A compile's (or docs generate's) "success" says nothing about how a test last ran.
    const which = isObject(parsed.args) ? parsed.args.which : undefined;
    if (which === 'compile' || which === 'generate') return { ...none, compileOnly: true };
    const metadata = isObject(parsed.metadata) ? parsed.metadata : {};
    return { results: parsed.results.filter(isObject), generatedAt: text(metadata.generated_at), compileOnly: false };
  } catch {
    return none;
  }
}

/**
 * The results the previous site showed (target/docs/site-data.json). Used when the last command
 * only compiled: `docs generate` itself rewrites run_results.json, so without this a second
 * `docs generate` would forget the results of the build before it.
 */
function previousSiteRuns(targetPath: string): Map<string, SiteRunResult> {
  const runs = new Map<string, SiteRunResult>();
  try {
    const site: unknown = JSON.parse(readFileSync(join(targetPath, 'docs', 'site-data.json'), 'utf8'));
    const tests = isObject(site) && Array.isArray(site.tests) ? site.tests.filter(isObject) : [];
    for (const t of tests) {
      const r = isObject(t.result) ? t.result : undefined;
      const id = text(t.id);
      if (!id || !r || !text(r.status)) continue;
      runs.set(id, {
        status: text(r.status) ?? 'unknown',
        failures: num(r.failures),
        message: text(r.message),
        executionTime: num(r.executionTime),
        completedAt: text(r.completedAt),
        generatedAt: text(r.generatedAt),
      });
    }
  } catch {
    // No previous site, or one this version cannot read: no results to carry over.
  }
  return runs;
}

/**
 * Reads target/run_results.json and target/sources.json, written by Strata or by dbt. Every field
 * is optional here: a missing or odd one is shown as unknown rather than failing `docs generate`.
 */
export function readLastResults(targetPath: string): LastResults {
  const run = artifact(join(targetPath, 'run_results.json'));
  const runs = run.compileOnly ? previousSiteRuns(targetPath) : new Map<string, SiteRunResult>();
  for (const r of run.results) {
    const id = text(r.unique_id);
    if (!id) continue;
    const timing = Array.isArray(r.timing) ? r.timing.filter(isObject) : [];
    runs.set(id, {
      status: text(r.status) ?? 'unknown',
      failures: num(r.failures),
      message: text(r.message),
      executionTime: num(r.execution_time),
      completedAt:
        timing
          .map((t) => text(t.completed_at))
          .filter((t) => t !== null)
          .pop() ?? null,
      generatedAt: run.generatedAt,
    });
  }
  const freshness = new Map<string, SiteFreshnessResult>();
  for (const r of artifact(join(targetPath, 'sources.json')).results) {
    const id = text(r.unique_id);
    if (!id) continue;
    freshness.set(id, {
      status: text(r.status) ?? 'unknown',
      maxLoadedAt: text(r.max_loaded_at),
      snapshottedAt: text(r.snapshotted_at),
      ageSeconds: num(r.max_loaded_at_time_ago_in_s),
      error: text(r.error),
    });
  }
  return { runs, freshness };
}

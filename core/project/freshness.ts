import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';

/** A unit of `warn_after`/`error_after`. */
export type FreshnessPeriod = 'minute' | 'hour' | 'day';

/** `{count, period}`; a half-written one (either null) never fires, as in dbt. */
export interface FreshnessTime {
  count: number | null;
  period: FreshnessPeriod | null;
}

/** A source table's freshness criteria, in dbt's artifact shape (written as-is to manifest.json and sources.json). */
export interface FreshnessThreshold {
  /** Older than this: warn. Null when switched off by `warn_after: null`. */
  warn_after: FreshnessTime | null;
  /** Older than this: error. */
  error_after: FreshnessTime | null;
  /** SQL condition on the rows whose newest timestamp counts. */
  filter: string | null;
}

/** The result of one check, as sources.json spells it. */
export type FreshnessStatus = 'pass' | 'warn' | 'error';

const PERIODS: readonly FreshnessPeriod[] = ['minute', 'hour', 'day'];
const SECONDS: Record<FreshnessPeriod, number> = { minute: 60, hour: 3600, day: 86400 };
const EMPTY_TIME: FreshnessTime = { count: null, period: null };

/** What a `freshness:` key not written at all stands for: dbt's empty threshold, which inherits everything. */
export const UNSET_FRESHNESS: FreshnessThreshold = { warn_after: EMPTY_TIME, error_after: EMPTY_TIME, filter: null };

/**
 * Reads one `freshness:` value: undefined when not written (inherits), null when written as null
 * (turns freshness off from here down), else the threshold. Problems go to `diagnostics` with
 * the place of the offending key.
 */
export function readFreshness(
  value: unknown,
  locate: (path: readonly PropertyKey[]) => SourceLocation,
  diagnostics: Diagnostic[],
): FreshnessThreshold | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push(
      diagnostic('invalid-freshness', `'freshness' must be a mapping such as {warn_after: {count: 12, period: hour}}.`, locate([])),
    );
    return undefined;
  }
  const entries = value as Record<string, unknown>;
  for (const key of Object.keys(entries))
    if (!['warn_after', 'error_after', 'filter'].includes(key))
      diagnostics.push(
        diagnostic('invalid-freshness', `Unknown key '${key}' in 'freshness' (expected warn_after, error_after, filter).`, locate([key])),
      );
  const filter = entries.filter;
  if (filter !== undefined && filter !== null && typeof filter !== 'string')
    diagnostics.push(diagnostic('invalid-freshness', `'freshness.filter' must be a SQL condition (a string).`, locate(['filter'])));
  return {
    warn_after: readTime(entries, 'warn_after', locate, diagnostics),
    error_after: readTime(entries, 'error_after', locate, diagnostics),
    filter: typeof filter === 'string' ? filter : null,
  };
}

function readTime(
  entries: Record<string, unknown>,
  key: 'warn_after' | 'error_after',
  locate: (path: readonly PropertyKey[]) => SourceLocation,
  diagnostics: Diagnostic[],
): FreshnessTime | null {
  const value = entries[key];
  if (value === undefined) return EMPTY_TIME;
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push(diagnostic('invalid-freshness', `'${key}' must be a mapping such as {count: 12, period: hour}.`, locate([key])));
    return EMPTY_TIME;
  }
  const time = value as Record<string, unknown>;
  for (const k of Object.keys(time))
    if (k !== 'count' && k !== 'period')
      diagnostics.push(diagnostic('invalid-freshness', `Unknown key '${k}' in '${key}' (expected count and period).`, locate([key, k])));
  const { count, period } = time;
  let goodCount: number | null = null;
  if (count !== undefined && count !== null) {
    if (typeof count === 'number' && Number.isInteger(count) && count >= 0) goodCount = count;
    else
      diagnostics.push(
        diagnostic(
          'invalid-freshness',
          `'${key}.count' must be a whole number of periods, got ${JSON.stringify(count)}.`,
          locate([key, 'count']),
        ),
      );
  }
  let goodPeriod: FreshnessPeriod | null = null;
  if (period !== undefined && period !== null) {
    if (PERIODS.includes(period as FreshnessPeriod)) goodPeriod = period as FreshnessPeriod;
    else
      diagnostics.push(
        diagnostic(
          'invalid-freshness',
          `'${key}.period' must be minute, hour or day, got ${JSON.stringify(period)}.`,
          locate([key, 'period']),
        ),
      );
  }
  return { count: goodCount, period: goodPeriod };
}

/** True when the time has both count and period (dbt's `bool(Time)`). */
function isSet(time: FreshnessTime | null): time is FreshnessTime & { count: number; period: FreshnessPeriod } {
  return time !== null && time.count !== null && time.period !== null;
}

/** dbt's merge of one level's warn_after/error_after over what it inherits. */
function mergeTime(base: FreshnessTime | null, update: FreshnessTime | null): FreshnessTime | null {
  if (isSet(base) && isSet(update)) return update;
  if (update === null) return null;
  return isSet(update) ? update : base;
}

/**
 * Merges thresholds from the outermost (project) to the innermost (table config), as dbt's
 * `merge_source_freshness`: `undefined` (not written) inherits, `null` switches off until a
 * later level writes a threshold again; `warn_after`/`error_after` merge one level deeper and
 * `filter` is replaced when written.
 */
export function mergeFreshness(levels: readonly (FreshnessThreshold | null | undefined)[]): FreshnessThreshold | null {
  let merged: FreshnessThreshold | null = UNSET_FRESHNESS;
  for (const level of levels) {
    const update = level === undefined ? UNSET_FRESHNESS : level;
    if (merged !== null && update !== null)
      merged = {
        warn_after: mergeTime(merged.warn_after, update.warn_after),
        error_after: mergeTime(merged.error_after, update.error_after),
        filter: update.filter ?? merged.filter,
      };
    else merged = update;
  }
  return merged;
}

/** True when the threshold can fire: a warn_after or error_after with count and period. */
export function hasFreshness(threshold: FreshnessThreshold | null | undefined): threshold is FreshnessThreshold {
  return !!threshold && (isSet(threshold.warn_after) || isSet(threshold.error_after));
}

/** Pass, warn or error for data `ageSeconds` old: strictly older than a limit breaks it, error before warn. */
export function freshnessStatus(threshold: FreshnessThreshold, ageSeconds: number): FreshnessStatus {
  const exceeded = (time: FreshnessTime | null) => isSet(time) && ageSeconds > time.count * SECONDS[time.period];
  if (exceeded(threshold.error_after)) return 'error';
  if (exceeded(threshold.warn_after)) return 'warn';
  return 'pass';
}

/** A threshold with every Time spelled out, as dbt writes `criteria`. */
export function criteriaJson(threshold: FreshnessThreshold): FreshnessThreshold {
  return {
    warn_after: threshold.warn_after ? { ...threshold.warn_after } : null,
    error_after: threshold.error_after ? { ...threshold.error_after } : null,
    filter: threshold.filter,
  };
}

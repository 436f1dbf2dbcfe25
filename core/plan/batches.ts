/** One microbatch: rows with event_time in [start, end). */
export interface Batch {
  /** Inclusive start. */
  start: Date;
  /** Exclusive end. */
  end: Date;
}

/** Batch sizes dbt's microbatch strategy supports. */
export type BatchSize = 'hour' | 'day' | 'month' | 'year';

/** Start of the batch (UTC) that contains `date`. */
export function truncate(date: Date, size: BatchSize): Date {
  const d = new Date(date.getTime());
  if (size === 'year') return new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  if (size === 'month') return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  if (size === 'day') return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()));
}

/** dbt's batch id (`model.batch.id`): the batch's start as 2024, 202409, 20240917 or 20240917T16. */
export function batchId(start: Date, size: BatchSize): string {
  const iso = start.toISOString();
  const length = { year: 4, month: 7, day: 10, hour: 13 }[size];
  return iso.slice(0, length).replaceAll('-', '');
}

/** Python's `datetime.isoformat()` of a UTC time (`2024-09-17T00:00:00+00:00`), as dbt writes a batch's bounds. */
export function pythonIsoFormat(date: Date): string {
  const ms = date.getUTCMilliseconds();
  return date.toISOString().replace(/\.\d{3}Z$/, ms ? `.${String(ms * 1000).padStart(6, '0')}+00:00` : '+00:00');
}

/** `date` moved by `n` batches. */
export function addBatches(date: Date, size: BatchSize, n: number): Date {
  const d = new Date(date.getTime());
  if (size === 'year') d.setUTCFullYear(d.getUTCFullYear() + n);
  else if (size === 'month') d.setUTCMonth(d.getUTCMonth() + n);
  else if (size === 'day') d.setUTCDate(d.getUTCDate() + n);
  else d.setUTCHours(d.getUTCHours() + n);
  return d;
}

/** What decides which batches a run builds. */
export interface BatchWindow {
  batchSize: BatchSize;
  /** The model's `begin`: where history starts. */
  begin: Date;
  /** Batches before the current one to rebuild on an incremental run (late data). */
  lookback: number;
  /** The current time. */
  now: Date;
  /** True when the table exists and is not being fully refreshed. */
  incremental: boolean;
  /** `--event-time-start`/`--event-time-end`: an explicit range (backfill). */
  start?: Date;
  end?: Date;
}

/**
 * The batches to build, oldest first: an explicit range when given; otherwise everything from
 * `begin` on a first run, or the current batch plus `lookback` earlier ones on later runs.
 */
export function planBatches(window: BatchWindow): Batch[] {
  const { batchSize: size } = window;
  const end = window.end ?? addBatches(truncate(window.now, size), size, 1);
  const start = window.start
    ? truncate(window.start, size)
    : window.incremental
      ? addBatches(truncate(window.now, size), size, -window.lookback)
      : truncate(window.begin, size);
  const batches: Batch[] = [];
  for (let s = start; s < end; s = addBatches(s, size, 1))
    batches.push({ start: s, end: new Date(Math.min(addBatches(s, size, 1).getTime(), end.getTime())) });
  return batches;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, the form both databases read as a timestamp. */
export function timestampLiteral(date: Date): string {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '');
}

/**
 * The events Strata logs, named and coded as dbt-core names them (core/dbt/events/core_types.proto
 * and types.py), so an orchestrator that reads dbt's `--log-format json` reads Strata's the same way.
 */

/** Severity, lowest first; `none` (a setting, never an event's level) shows nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** dbt's event names with their codes and default levels. */
export const EVENT_TYPES = {
  MainReportVersion: { code: 'A001', level: 'info' },
  MainReportArgs: { code: 'A002', level: 'debug' },
  JinjaLogInfo: { code: 'I062', level: 'info' },
  ListCmdOut: { code: 'Z049', level: 'info' },
  DebugCmdOut: { code: 'Z047', level: 'info' },
  FoundStats: { code: 'W006', level: 'info' },
  ConcurrencyLine: { code: 'Q027', level: 'info' },
  LogStartLine: { code: 'Q011', level: 'info' },
  LogTestResult: { code: 'Q007', level: 'info' },
  LogModelResult: { code: 'Q012', level: 'info' },
  LogSnapshotResult: { code: 'Q015', level: 'info' },
  LogSeedResult: { code: 'Q016', level: 'info' },
  LogFreshnessResult: { code: 'Q018', level: 'info' },
  SkippingDetails: { code: 'Q034', level: 'info' },
  NodeStart: { code: 'Q024', level: 'debug' },
  NodeFinished: { code: 'Q025', level: 'debug' },
  FinishedRunningStats: { code: 'E047', level: 'info' },
  EndOfRunSummary: { code: 'Z030', level: 'info' },
  RunResultWarning: { code: 'Z021', level: 'warn' },
  RunResultFailure: { code: 'Z022', level: 'error' },
  RunResultError: { code: 'Z024', level: 'error' },
  SQLCompiledPath: { code: 'Z026', level: 'info' },
  StatsLine: { code: 'Z023', level: 'info' },
  CommandCompleted: { code: 'Q039', level: 'debug' },
  MainEncounteredError: { code: 'Z002', level: 'error' },
  Formatting: { code: 'Z017', level: 'info' },
  Note: { code: 'Z050', level: 'info' },
} as const satisfies Record<string, { code: string; level: LogLevel }>;

/** One of the event names above. */
export type EventName = keyof typeof EVENT_TYPES;

/** dbt's `node_info`: which node an event is about, and how far it has got. */
export interface NodeInfo {
  node_path: string;
  node_name: string;
  unique_id: string;
  resource_type: string;
  materialized: string;
  node_status: string;
  node_started_at: string;
  node_finished_at: string;
  meta: Record<string, unknown>;
  node_relation: { database: string; schema: string; alias: string; relation_name: string };
}

/** A dbt progress row (`3 of 12 OK created sql table model main.x .... [OK in 0.04s]`), laid out to the width where it is shown. */
export interface ProgressRow {
  index: number;
  total: number;
  /** `START sql view model main.x`, `OK created sql table model main.x`, ... */
  text: string;
  /** In the brackets: `RUN`, `OK`, `PASS`, `ERROR`, `SKIP`, ... */
  status: string;
  /** Seconds, shown as ` in 0.04s` after the status. */
  executionTime?: number;
  /** How the status is coloured on a terminal. */
  color?: Color;
}

/** Colours the console uses. */
export type Color = 'green' | 'yellow' | 'red';

/** What the CLI hands the logger: a named event with its message (or row) and structured data. */
export interface LogEvent {
  name: EventName;
  /** Overrides the event type's level (dbt's DynamicLevel events: a failing test is an error). */
  level?: LogLevel;
  /** The message; for progress rows, laid out from `row` instead. */
  msg?: string;
  row?: ProgressRow;
  /** Colours the whole message on a terminal (dbt's red/yellow/green summary lines). */
  color?: Color;
  /** dbt's event fields (`data`), without `node_info`. */
  data?: Record<string, unknown>;
  nodeInfo?: NodeInfo;
  /** The runner thread, e.g. `Thread-2` (default `MainThread`). */
  thread?: string;
  /** A command's result (what `ls`, `show`, `compile --inline` print): shown whatever the level, even with --quiet. */
  result?: boolean;
  /** Shown without the timestamp in text formats (results, and errors that editors read as `file:line:col`). */
  bare?: boolean;
  /** Printed on stderr rather than stdout. */
  stderr?: boolean;
}

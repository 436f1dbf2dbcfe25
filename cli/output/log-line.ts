import { paint } from './colors.js';
import { EVENT_TYPES, type LogEvent, type LogLevel } from './log-events.js';
import type { LogFormat } from './log-settings.js';
import { layoutRow } from './progress-row.js';

/** What a line needs besides its event: the same for every line of one command. */
export interface LineContext {
  invocationId: string;
  pid: number;
  colors: boolean;
  /** Width of the whole line, timestamp included. */
  width: number;
  /** Cut progress rows to the width (a terminal); files and JSON keep whole names. */
  truncate: boolean;
  now: Date;
}

/** The level an event is logged at. */
export function levelOf(event: LogEvent): LogLevel {
  return event.level ?? EVENT_TYPES[event.name].level;
}

/** `12:00:01` (UTC, as dbt's). */
function clock(d: Date): string {
  return d.toISOString().slice(11, 19);
}

/** `12:00:01.123000`: dbt's microseconds, from milliseconds. */
function preciseClock(d: Date): string {
  return `${d.toISOString().slice(11, 23)}000`;
}

/** The event's message, laid out in `width` columns when it is a progress row. */
export function messageOf(event: LogEvent, width: number, colors: boolean, truncate = false): string {
  if (event.row) return layoutRow(event.row, width, (s) => paint(s, event.row?.color, colors), truncate);
  return paint(event.msg ?? '', event.color, colors);
}

/** One line (or, for a multi-line message, several) in `format`. Results stay bare in text formats, as dbt prints them. */
export function formatLine(event: LogEvent, format: LogFormat, ctx: LineContext): string {
  if (format === 'json') return JSON.stringify(jsonEvent(event, ctx));
  if (event.bare) return event.msg ?? '';
  const prefix =
    format === 'debug'
      ? `${preciseClock(ctx.now)} [${levelOf(event).padEnd(5)}] [${(event.thread ?? 'MainThread').padEnd(10)}]: `
      : `${clock(ctx.now)}  `;
  const message = messageOf(event, ctx.width - prefix.length, ctx.colors, ctx.truncate);
  // An empty line stays empty, as dbt's Formatting events print.
  return message === '' ? '' : `${prefix}${message}`;
}

/** dbt's envelope: `{info: {name, code, msg, level, invocation_id, pid, thread, ts, category, extra}, data: {...}}`. */
export function jsonEvent(event: LogEvent, ctx: LineContext): Record<string, unknown> {
  return {
    info: {
      name: event.name,
      code: EVENT_TYPES[event.name].code,
      msg: messageOf(event, ctx.width, false),
      level: levelOf(event),
      invocation_id: ctx.invocationId,
      pid: ctx.pid,
      thread: event.thread ?? 'MainThread',
      ts: ctx.now.toISOString(),
      category: '',
      extra: {},
    },
    data: {
      ...(event.msg !== undefined && event.data === undefined ? { msg: event.msg } : {}),
      ...event.data,
      ...(event.nodeInfo ? { node_info: event.nodeInfo } : {}),
    },
  };
}

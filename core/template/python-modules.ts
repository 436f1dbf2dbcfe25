import { TemplateCallError, splitArgs } from './call-args.js';
import { PyTimezone, UTC_ZONE, offsetText, pytzModule } from './python-pytz.js';
import { itertoolsModule } from './python-itertools.js';

/**
 * dbt's `modules` context: the parts of Python's `datetime` and `re` that dbt projects use,
 * with Python's names. Arithmetic on dates (`now - timedelta(days=1)`) is not possible in
 * nunjucks; use `.add(days=-1)` or a timedelta's `.ago()` instead (docs/compatibility.md).
 */
export function pythonModules(): Record<string, unknown> {
  return { datetime: datetimeModule(), re: reModule(), itertools: itertoolsModule(), pytz: pytzModule() };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A Python-style datetime, printing as Python does: `2024-01-31 12:00:00` (`+00:00` when aware). */
export class PyDateTime {
  /**
   * `value` holds the wall-clock time in its UTC fields; `tz` makes the datetime aware (pytz's
   * `localize`, `now(tz)`, `astimezone(tz)`), else it is naive, as most dbt datetimes are.
   */
  constructor(
    readonly value: Date,
    readonly dateOnly = false,
    readonly tz?: PyTimezone,
  ) {}
  get tzinfo(): PyTimezone | null {
    return this.tz ?? null;
  }
  /** The same instant as wall time in `tz` (a naive datetime counts as UTC). */
  astimezone(tz: unknown): PyDateTime {
    const zone = tz instanceof PyTimezone ? tz : UTC_ZONE;
    const instant = this.value.getTime() - (this.tz?.offsetMinutes(this.value) ?? 0) * 60_000;
    return new PyDateTime(new Date(instant + zone.offsetAt(new Date(instant)) * 60_000), false, zone);
  }
  get year() {
    return this.value.getUTCFullYear();
  }
  get month() {
    return this.value.getUTCMonth() + 1;
  }
  get day() {
    return this.value.getUTCDate();
  }
  get hour() {
    return this.value.getUTCHours();
  }
  get minute() {
    return this.value.getUTCMinutes();
  }
  get second() {
    return this.value.getUTCSeconds();
  }
  strftime(format: string): string {
    const d = this.value;
    const codes: Record<string, string> = {
      Y: String(d.getUTCFullYear()),
      m: pad(d.getUTCMonth() + 1),
      d: pad(d.getUTCDate()),
      H: pad(d.getUTCHours()),
      M: pad(d.getUTCMinutes()),
      S: pad(d.getUTCSeconds()),
      f: pad(d.getUTCMilliseconds() * 1000, 6),
      y: pad(d.getUTCFullYear() % 100),
      j: pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3),
      A: DAYS[d.getUTCDay()] as string,
      a: (DAYS[d.getUTCDay()] as string).slice(0, 3),
      B: MONTHS[d.getUTCMonth()] as string,
      b: (MONTHS[d.getUTCMonth()] as string).slice(0, 3),
      '%': '%',
      Z: this.tz?.abbreviation(d) ?? '',
      z: this.tz ? offsetText(this.tz.offsetMinutes(d), '') : '',
    };
    return format.replace(/%([A-Za-z%])/g, (all, code: string) => codes[code] ?? all);
  }
  isoformat(sep = 'T'): string {
    if (this.dateOnly) return this.strftime('%Y-%m-%d');
    const offset = this.tz ? offsetText(this.tz.offsetMinutes(this.value), ':') : '';
    return this.strftime(`%Y-%m-%d${sep}%H:%M:%S`) + (this.value.getUTCMilliseconds() ? `.${this.strftime('%f')}` : '') + offset;
  }
  date(): PyDateTime {
    return new PyDateTime(new Date(Date.UTC(this.year, this.month - 1, this.day)), true);
  }
  /** Python's `dt + timedelta(...)`, which nunjucks cannot express: `dt.add(days=-1)`. */
  add(...args: unknown[]): PyDateTime {
    return new PyDateTime(new Date(this.value.getTime() + timedeltaMs(splitArgs(args).keywords)), this.dateOnly, this.tz);
  }
  replace(...args: unknown[]): PyDateTime {
    const k = splitArgs(args).keywords as Record<string, number>;
    const d = new Date(
      Date.UTC(
        k.year ?? this.year,
        (k.month ?? this.month) - 1,
        k.day ?? this.day,
        k.hour ?? this.hour,
        k.minute ?? this.minute,
        k.second ?? this.second,
      ),
    );
    const tz =
      'tzinfo' in k
        ? (k as Record<string, unknown>).tzinfo instanceof PyTimezone
          ? ((k as Record<string, unknown>).tzinfo as PyTimezone)
          : undefined
        : this.tz;
    return new PyDateTime(d, this.dateOnly, tz);
  }
  timestamp(): number {
    return this.value.getTime() / 1000;
  }
  weekday(): number {
    return (this.value.getUTCDay() + 6) % 7;
  }
  toString(): string {
    return this.isoformat(' ');
  }
}

function timedeltaMs(k: Record<string, unknown>): number {
  const n = (key: string) => Number(k[key] ?? 0);
  return (((n('weeks') * 7 + n('days')) * 24 + n('hours')) * 60 + n('minutes')) * 60_000 + n('seconds') * 1000 + n('milliseconds');
}

function datetimeModule(): Record<string, unknown> {
  const fromParts = (args: unknown[]) => {
    const [y, m = 1, d = 1, h = 0, mi = 0, s = 0] = splitArgs(args).positional.map(Number);
    return new Date(Date.UTC(y as number, (m as number) - 1, d, h, mi, s));
  };
  const datetime = Object.assign((...args: unknown[]) => new PyDateTime(fromParts(args)), {
    now: (tz?: unknown) => (tz instanceof PyTimezone ? new PyDateTime(new Date()).astimezone(tz) : new PyDateTime(new Date())),
    utcnow: () => new PyDateTime(new Date()),
    fromisoformat: (text: string) => new PyDateTime(parseIso(text)),
    strptime: (text: string, format: string) => new PyDateTime(strptime(text, format)),
    fromtimestamp: (seconds: number) => new PyDateTime(new Date(seconds * 1000)),
  });
  const date = Object.assign((...args: unknown[]) => new PyDateTime(fromParts(args), true), {
    today: () => new PyDateTime(new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z'), true),
    fromisoformat: (text: string) => new PyDateTime(parseIso(text), true),
  });
  const timedelta = (...args: unknown[]) => {
    const ms = timedeltaMs(splitArgs(args).keywords);
    return {
      days: Math.trunc(ms / 86_400_000),
      seconds: Math.trunc((ms % 86_400_000) / 1000),
      total_seconds: () => ms / 1000,
      ago: () => new PyDateTime(new Date(Date.now() - ms)),
    };
  };
  return { datetime, date, timedelta, timezone: { utc: UTC_ZONE } };
}

function parseIso(text: string): Date {
  const normalized = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `${text}T00:00:00Z`
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text)
      ? text.replace(' ', 'T')
      : `${text.replace(' ', 'T')}Z`;
  const date = new Date(normalized);
  if (Number.isNaN(date.getTime())) throw new TemplateCallError('template-render', `Invalid isoformat string: '${text}'`);
  return date;
}

function strptime(text: string, format: string): Date {
  const parts: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0 };
  const order: string[] = [];
  const pattern = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%([YmdHMS])/g, (_, code: string) => {
    order.push(code);
    return code === 'Y' ? '(\\d{4})' : '(\\d{1,2})';
  });
  const match = new RegExp(`^${pattern}$`).exec(text);
  if (!match) throw new TemplateCallError('template-render', `time data '${text}' does not match format '${format}'`);
  order.forEach((code, i) => {
    parts[code] = Number(match[i + 1]);
  });
  return new Date(Date.UTC(parts.Y as number, (parts.m as number) - 1, parts.d, parts.H, parts.M, parts.S));
}

/** Python's regex syntax where it differs from JavaScript's: named groups and inline flags. */
function toJsRegex(pattern: string, flags: number | undefined): RegExp {
  let source = pattern.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  let js = '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1]?.includes('i')) js += 'i';
    if (inline[1]?.includes('m')) js += 'm';
    if (inline[1]?.includes('s')) js += 's';
  }
  const f = flags ?? 0;
  if (f & 2 && !js.includes('i')) js += 'i';
  if (f & 8 && !js.includes('m')) js += 'm';
  if (f & 16 && !js.includes('s')) js += 's';
  return new RegExp(source, js);
}

class PyMatch {
  constructor(private readonly m: RegExpExecArray) {}
  group(...which: (number | string)[]): unknown {
    const one = (w: number | string) => (typeof w === 'number' ? this.m[w] : this.m.groups?.[w]) ?? null;
    return which.length <= 1 ? one(which[0] ?? 0) : which.map(one);
  }
  groups(): (string | null)[] {
    return this.m.slice(1).map((g) => g ?? null);
  }
  groupdict(): Record<string, string | null> {
    return { ...(this.m.groups ?? {}) };
  }
  start(): number {
    return this.m.index;
  }
  end(): number {
    return this.m.index + (this.m[0]?.length ?? 0);
  }
}

function reModule(): Record<string, unknown> {
  const match = (pattern: string, text: string, flags?: number, mode: 'start' | 'full' | 'any' = 'any') => {
    const re = toJsRegex(pattern, flags);
    const anchored = new RegExp(mode === 'any' ? re.source : mode === 'start' ? `^(?:${re.source})` : `^(?:${re.source})$`, re.flags);
    const m = anchored.exec(String(text));
    return m ? new PyMatch(m) : null;
  };
  const api = {
    IGNORECASE: 2,
    I: 2,
    MULTILINE: 8,
    M: 8,
    DOTALL: 16,
    S: 16,
    match: (p: string, t: string, f?: number) => match(p, t, f, 'start'),
    fullmatch: (p: string, t: string, f?: number) => match(p, t, f, 'full'),
    search: (p: string, t: string, f?: number) => match(p, t, f, 'any'),
    findall: (p: string, t: string, f?: number) =>
      [...String(t).matchAll(new RegExp(toJsRegex(p, f).source, `${toJsRegex(p, f).flags}g`))].map((m) =>
        m.length > 2 ? m.slice(1) : (m[1] ?? m[0]),
      ),
    sub: (p: string, replacement: string, t: string, count = 0, f?: number) => {
      const re = toJsRegex(p, f);
      let left = count || Infinity;
      return String(t).replace(new RegExp(re.source, `${re.flags}g`), (...m: unknown[]) =>
        left-- > 0 ? String(replacement).replace(/\\(\d)/g, (_, n: string) => String(m[Number(n)] ?? '')) : String(m[0]),
      );
    },
    split: (p: string, t: string) => String(t).split(toJsRegex(p, 0)),
    escape: (t: string) => String(t).replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'),
    compile: (p: string, f?: number) => ({
      pattern: p,
      match: (t: string) => match(p, t, f, 'start'),
      fullmatch: (t: string) => match(p, t, f, 'full'),
      search: (t: string) => match(p, t, f, 'any'),
      findall: (t: string) => api.findall(p, t, f),
      sub: (r: string, t: string, count = 0) => api.sub(p, r, t, count, f),
    }),
  };
  return api;
}

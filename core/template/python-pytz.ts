import { TemplateCallError } from './call-args.js';

/**
 * pytz's basics as dbt projects use them (`modules.pytz.timezone('Europe/Amsterdam')`,
 * `modules.pytz.utc`, `tz.localize(dt)`, `dt.astimezone(tz)`): IANA zones through the ICU data
 * Node ships, offsets per instant (daylight saving included).
 */
export class PyTimezone {
  constructor(readonly zone: string) {}

  /** Minutes east of UTC at the instant whose UTC time is `instant`. */
  offsetAt(instant: Date): number {
    if (this.zone === 'UTC') return 0;
    const parts = Object.fromEntries(
      formatter(this.zone)
        .formatToParts(instant)
        .map((p) => [p.type, p.value]),
    );
    const wall = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour) % 24,
      Number(parts.minute),
      Number(parts.second),
    );
    return Math.round((wall - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
  }

  /** Minutes east of UTC for a wall-clock time in this zone (held in a Date's UTC fields). */
  offsetMinutes(wall: Date): number {
    const guess = this.offsetAt(wall);
    return this.offsetAt(new Date(wall.getTime() - guess * 60_000));
  }

  /** The zone's short name at that wall time (`CET`, `UTC`), as `%Z` prints it. */
  abbreviation(wall: Date): string {
    if (this.zone === 'UTC') return 'UTC';
    const instant = new Date(wall.getTime() - this.offsetMinutes(wall) * 60_000);
    return (
      new Intl.DateTimeFormat('en-US', { timeZone: this.zone, timeZoneName: 'short' })
        .formatToParts(instant)
        .find((p) => p.type === 'timeZoneName')?.value ?? this.zone
    );
  }

  /** pytz's `tz.localize(naive)`: the same wall time, now in this zone. */
  localize(dt: unknown): unknown {
    const value = dt as { value: Date; dateOnly: boolean; constructor: new (v: Date, d: boolean, tz: PyTimezone) => unknown };
    return new value.constructor(value.value, value.dateOnly, this);
  }

  toString(): string {
    return this.zone;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let known = formatters.get(zone);
  if (!known) {
    known = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, known);
  }
  return known;
}

export const UTC_ZONE = new PyTimezone('UTC');

/** `+01:00` (or `+0100` without a separator), as Python prints an offset. */
export function offsetText(minutes: number, separator: string): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${separator}${String(abs % 60).padStart(2, '0')}`;
}

export function pytzModule(): Record<string, unknown> {
  return {
    utc: UTC_ZONE,
    UTC: UTC_ZONE,
    timezone: (name: unknown) => {
      const zone = String(name);
      if (zone.toUpperCase() === 'UTC') return UTC_ZONE;
      try {
        formatter(zone);
      } catch {
        throw new TemplateCallError('template-render', `UnknownTimeZoneError: '${zone}'`);
      }
      return new PyTimezone(zone);
    },
  };
}

import { Option, type Command } from 'commander';
import { envBoolean, envSetting } from '../commands/flag-env.js';
import type { LogLevel } from './log-events.js';
import { DEFAULT_PRINTER_WIDTH } from './progress-row.js';

/** dbt's line formats: `text` and `default` are timestamped lines, `debug` adds level and thread, `json` one object a line. */
export type LogFormat = 'text' | 'default' | 'debug' | 'json';
const FORMATS: readonly LogFormat[] = ['text', 'default', 'debug', 'json'];
const LEVELS: readonly (LogLevel | 'none')[] = ['debug', 'info', 'warn', 'error', 'none'];

/** How a command logs, from the global flags and their DBT_/STRATA_ environment spellings. */
export interface LogSettings {
  format: LogFormat;
  formatFile: LogFormat;
  /** Least severe level shown on the console. */
  level: LogLevel | 'none';
  levelFile: LogLevel | 'none';
  /** Directory of strata.log; undefined: `<project>/logs` (or the project file's `log-path`). */
  logPath?: string;
  /** Rotate strata.log past this size; 0 never rotates. */
  maxBytes: number;
  quiet: boolean;
  /** Colours on the console: undefined decides by terminal and NO_COLOR/FORCE_COLOR. */
  useColors?: boolean;
  useColorsFile: boolean;
  /** Show Jinja print() and log(info=True) output. */
  print: boolean;
  printerWidth: number;
}

/** A bad value for a logging flag or its environment variable: a usage error (exit 2, as dbt's click). */
export class LogSettingsError extends Error {}

/** The global flags as commander hands them over. */
export interface LogFlags {
  logFormat?: string;
  logFormatFile?: string;
  logLevel?: string;
  logLevelFile?: string;
  logPath?: string;
  logFileMaxBytes?: string;
  quiet?: boolean;
  debug?: boolean;
  useColors?: boolean;
  useColorsFile?: boolean;
  print?: boolean;
  printerWidth?: string;
}

/** Adds the logging flags to the program; commander accepts them before or after the subcommand. */
export function addLogOptions(program: Command): Command {
  return program
    .option('--log-format <format>', 'console log format: text, json, default or debug ($DBT_LOG_FORMAT)')
    .option('--log-format-file <format>', 'log file format: text, json, default or debug (default: debug)')
    .option('--log-level <level>', 'least severe console events shown: debug, info, warn, error or none')
    .option('--log-level-file <level>', 'least severe log file events written (default: debug)')
    .option('--log-path <dir>', "directory of strata.log (default: the project's logs/)")
    .option('--log-file-max-bytes <n>', 'rotate strata.log past this size, keeping 5 (default: 10485760; 0: never)')
    .option('-q, --quiet', 'show only errors (and the results of ls, show and compile --inline)')
    .option('-d, --debug', 'show debug events on the console')
    .addOption(new Option('--use-colors', 'colour the console output (default: on a terminal, unless NO_COLOR)'))
    .addOption(new Option('--no-use-colors', 'no colours on the console'))
    .addOption(new Option('--use-colors-file', 'colour codes in the log file (default)'))
    .addOption(new Option('--no-use-colors-file', 'no colour codes in the log file'))
    .addOption(new Option('--print', 'show Jinja print() and log(info=True) output (default)'))
    .addOption(new Option('--no-print', 'hide Jinja print() and log(info=True) output'))
    .option('--printer-width <n>', 'width of progress rows (default: 80, or the terminal when narrower)');
}

/** Reads the flags, falling back to STRATA_<FLAG>/DBT_<FLAG>, then dbt's defaults; throws LogSettingsError on a bad value. */
export function resolveLogSettings(flags: LogFlags, env: NodeJS.ProcessEnv): LogSettings {
  const setting = (value: string | undefined, flag: string) => value ?? envSetting(env, flag);
  const format = choice(setting(flags.logFormat, 'log-format'), FORMATS, 'log-format') ?? 'default';
  const level = choice(setting(flags.logLevel, 'log-level'), LEVELS, 'log-level');
  const debug = flags.debug ?? envBoolean(env, 'debug') ?? false;
  const logPath = setting(flags.logPath, 'log-path');
  const colors = flags.useColors ?? envBoolean(env, 'use-colors');
  return {
    format,
    formatFile:
      choice(setting(flags.logFormatFile, 'log-format-file'), FORMATS, 'log-format-file') ?? (format === 'json' ? 'json' : 'debug'),
    level: debug ? 'debug' : (level ?? 'info'),
    levelFile: choice(setting(flags.logLevelFile, 'log-level-file'), LEVELS, 'log-level-file') ?? 'debug',
    ...(logPath ? { logPath } : {}),
    maxBytes: whole(setting(flags.logFileMaxBytes, 'log-file-max-bytes'), 'log-file-max-bytes', 0) ?? 10 * 1024 * 1024,
    quiet: flags.quiet ?? envBoolean(env, 'quiet') ?? false,
    ...(colors !== undefined ? { useColors: colors } : {}),
    useColorsFile: flags.useColorsFile ?? envBoolean(env, 'use-colors-file') ?? true,
    print: flags.print ?? envBoolean(env, 'print') ?? true,
    printerWidth: whole(setting(flags.printerWidth, 'printer-width'), 'printer-width', 1) ?? DEFAULT_PRINTER_WIDTH,
  };
}

/** Whether the level was set (flag or environment), rather than defaulted: commands that print results lower the default. */
export function levelWasSet(flags: LogFlags, env: NodeJS.ProcessEnv): boolean {
  return flags.logLevel !== undefined || envSetting(env, 'log-level') !== undefined || (flags.debug ?? envBoolean(env, 'debug') ?? false);
}

function choice<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  const lower = value.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(lower)) return lower as T;
  throw new LogSettingsError(`Invalid value for '--${flag}': '${value}' is not one of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
}

function whole(value: string | undefined, flag: string, least: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < least)
    throw new LogSettingsError(`Invalid value for '--${flag}': '${value}' is not a whole number of ${least} or more.`);
  return n;
}

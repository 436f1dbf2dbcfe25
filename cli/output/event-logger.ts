import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { currentInvocation, useInvocationId } from '../../core/template/invocation.js';
import { consoleColors } from './colors.js';
import { LogFile } from './log-file.js';
import { formatLine, levelOf, messageOf, type LineContext } from './log-line.js';
import type { LogEvent, LogLevel } from './log-events.js';
import { secretValues, scrub } from './log-secrets.js';
import type { LogSettings } from './log-settings.js';
import { DEFAULT_PRINTER_WIDTH } from './progress-row.js';
import type { Terminal } from './terminal.js';

const RANK: Record<LogLevel | 'none', number> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

/** What the logger learns when a command starts. */
export interface CommandStart {
  /** `run`, `ls`, ... */
  name: string;
  /** Its options, as dbt's MainReportArgs lists them. */
  args: Record<string, unknown>;
  projectDir: string;
  profilesDir?: string;
  /** The command prints results (ls, show, compile --inline): shown bare, kept by --quiet, and its console level defaults to warn. */
  printsResults: boolean;
  /** The console level was set by a flag or the environment. */
  levelSet: boolean;
  /** The project file's `log-path`, when it has one. */
  projectLogPath?: string;
}

/**
 * Every line the CLI prints goes through here as an event: to the console in the chosen format
 * and level, and to `<log-path>/strata.log`. Before a command starts (usage errors, help) lines
 * pass through unchanged.
 */
export class EventLogger {
  private settings: LogSettings | undefined;
  private command: CommandStart | undefined;
  private file: LogFile | undefined;
  private secrets: string[] = [];
  private colors = false;
  private startedAt = 0;
  private id: string | undefined;

  /** The Terminal commands write to: plain lines become Note events (errors on stderr, bare). */
  readonly terminal: Terminal;

  constructor(
    private readonly base: Terminal,
    private readonly env: NodeJS.ProcessEnv,
    private readonly version: string,
  ) {
    this.terminal = {
      out: (line) => this.emit(this.command?.printsResults ? this.resultEvent(line) : this.lineEvent(line)),
      err: (line) => this.emit({ name: 'Note', level: 'error', msg: line, stderr: true, bare: true }),
      emit: (event) => this.emit(event),
      ...(base.outputClosed ? { outputClosed: base.outputClosed } : {}),
      // Commands ask these of the real terminal (init prompts only on one).
      get isTTY() {
        return base.isTTY;
      },
      get columns() {
        return base.columns;
      },
    };
  }

  /** Applies the settings for the command about to run and logs its start. */
  start(settings: LogSettings, command: CommandStart): void {
    this.settings = settings;
    this.command = command;
    // One invocation_id for every line of the command and for the artifacts it writes.
    this.id = randomUUID();
    useInvocationId(this.id);
    this.startedAt = performance.now();
    this.colors = consoleColors(settings.useColors, this.base.isTTY ?? false, this.env);
    this.secrets = secretValues(this.env, command.projectDir, command.profilesDir);
    const dir =
      settings.logPath ?? (existsSync(command.projectDir) ? resolve(command.projectDir, command.projectLogPath ?? 'logs') : undefined);
    if (dir && settings.levelFile !== 'none') {
      this.file = new LogFile(dir, settings.maxBytes, (message) => this.base.err(`warning: ${message}`));
      if (settings.formatFile !== 'json')
        this.file.write(`${'='.repeat(30)} ${new Date().toISOString().slice(11, 23)}000 | ${this.invocationId()} ${'='.repeat(30)}`);
    }
    this.emit({
      name: 'MainReportVersion',
      msg: `Running with strata=${this.version}`,
      data: { version: `=${this.version}`, log_version: 3 },
    });
    this.emit({
      name: 'MainReportArgs',
      msg: `running strata with arguments ${JSON.stringify(command.args)}`,
      data: { args: Object.fromEntries(Object.entries(command.args).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])) },
    });
  }

  /** Logs CommandCompleted and hands back the exit code. */
  finish(code: number): number {
    if (!this.command) return code;
    const elapsed = (performance.now() - this.startedAt) / 1000;
    const success = code === 0;
    const now = new Date();
    this.emit({
      name: 'CommandCompleted',
      msg: `Command \`strata ${this.command.name}\` ${success ? 'succeeded' : 'failed'} at ${now.toISOString().slice(11, 22)} after ${elapsed.toFixed(2)} seconds`,
      data: { command: `strata ${this.command.name}`, success, completed_at: now.toISOString(), elapsed },
    });
    this.file?.flush();
    this.command = undefined;
    this.settings = undefined;
    this.id = undefined;
    return code;
  }

  /** A template's print() or log(info=True): a JinjaLogInfo event, unless --no-print. */
  templateLog(message: string): void {
    if (this.settings && !this.settings.print) return;
    this.emit({ name: 'JinjaLogInfo', msg: message });
  }

  /** A plain line a command prints: dbt's DebugCmdOut for `debug`, an empty line's Formatting, else a Note. */
  private lineEvent(line: string): LogEvent {
    if (line === '') return { name: 'Formatting', msg: line };
    return { name: this.command?.name === 'debug' ? 'DebugCmdOut' : 'Note', msg: line };
  }

  private resultEvent(line: string): LogEvent {
    const ls = this.command?.name === 'ls' || this.command?.name === 'list';
    return { name: ls ? 'ListCmdOut' : 'Note', msg: line, result: true, bare: true };
  }

  private invocationId(): string {
    return this.id ?? currentInvocation().invocationId;
  }

  private emit(event: LogEvent): void {
    const settings = this.settings;
    if (!settings) {
      (event.stderr ? this.base.err : this.base.out)(messageOf(event, DEFAULT_PRINTER_WIDTH, false));
      return;
    }
    if (this.showsOnConsole(event, settings)) {
      const columns = this.base.isTTY && this.base.columns ? this.base.columns : Infinity;
      // Names are cut to fit only on a terminal, where a wrapped row is what a person sees; piped
      // output (CI logs, grep) keeps every name whole, as dbt's, and overruns the width instead.
      const line = formatLine(
        event,
        settings.format,
        this.context(Math.min(settings.printerWidth, columns), this.colors, this.base.isTTY === true),
      );
      (event.stderr ? this.base.err : this.base.out)(scrub(line, this.secrets));
    }
    if (this.file && RANK[levelOf(event)] >= RANK[settings.levelFile]) {
      const line = formatLine(
        { ...event, bare: false, result: false },
        settings.formatFile,
        this.context(settings.printerWidth, settings.useColorsFile, false),
      );
      if (line !== '') this.file.write(scrub(line, this.secrets));
    }
  }

  private showsOnConsole(event: LogEvent, settings: LogSettings): boolean {
    if (event.result) return true;
    const level = settings.quiet ? 'error' : !this.command?.levelSet && this.command?.printsResults ? 'warn' : settings.level;
    return RANK[levelOf(event)] >= RANK[level];
  }

  private context(width: number, colors: boolean, truncate: boolean): LineContext {
    return { invocationId: this.invocationId(), pid: process.pid, colors, width, truncate, now: new Date() };
  }
}

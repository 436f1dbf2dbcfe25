import type { Command, CommanderError, Option } from 'commander';
import { closestName } from '../../core/diagnostics/suggest.js';

/**
 * Command-line usage errors as dbt's click reports them: one line naming what is wrong, with a
 * suggestion when a known option is close, and where to read the options; exit code 2.
 */

/** CommanderError codes that mean the command line itself is wrong. */
const USAGE_CODES = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.invalidArgument',
  'commander.excessArguments',
  'commander.conflictingOption',
]);

/** The exit code for a CommanderError: 0 for help and version, 2 for a usage error, else 1. */
export function commanderExitCode(err: CommanderError): number {
  if (err.exitCode === 0) return 0;
  return USAGE_CODES.has(err.code) ? 2 : 1;
}

/**
 * Makes `command` and every command under it print a usage error as one line (its own
 * suggestion replacing commander's) followed by where the options are described.
 * Call once every command is registered.
 */
export function briefUsageErrors(command: Command): void {
  for (const sub of command.commands) briefUsageErrors(sub);
  const path = commandPath(command);
  command.configureOutput({
    ...command.configureOutput(),
    outputError: (text, write) => write(`${usageLine(command, text)}\nRun '${path} --help' for the options.\n`),
  });
}

/** `strata docs serve`, for the help hint. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Commander's message on one line; an unknown option gets a suggestion from the command's own options. */
function usageLine(command: Command, text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const first = lines[0] ?? 'error: invalid command line';
  const unknown = /^error: unknown option '([^']+)'/.exec(first);
  if (unknown) {
    const name = (unknown[1] as string).split('=')[0] as string;
    // The command's options and the global ones (the program's), which may be written after it.
    const options: Option[] = [];
    for (let c: Command | null = command; c; c = c.parent) options.push(...c.options);
    const flags = options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
    const best = closestName(name, flags);
    return `${first}${best ? ` (did you mean ${best}?)` : ''}`;
  }
  // Commander's own hint ("(Did you mean build?)") joins the line it belongs to.
  const hint = lines.slice(1).find((l) => /^\(Did you mean/i.test(l));
  return hint ? `${first} ${hint.replace(/^\(Did/, '(did')}` : first;
}

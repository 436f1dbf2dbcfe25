import type { Argument, Command, Option } from 'commander';

/** One option of a command, as the reference shows it. */
export interface OptionReference {
  /** As written in the definition: `-s, --select <selector...>`. */
  flags: string;
  description: string;
  /** The default commander applies, as its help shows it; undefined when there is none. */
  defaultValue?: string;
  /** The values the option accepts, when it restricts them. */
  choices?: readonly string[];
  /** The environment variables read for this option, STRATA_ first (empty when none). */
  env: readonly string[];
}

/** One positional argument of a command. */
export interface ArgumentReference {
  name: string;
  description: string;
  required: boolean;
  variadic: boolean;
  defaultValue?: string;
  choices?: readonly string[];
}

/** One command (or subcommand) of the program. */
export interface CommandReference {
  /** The words typed after the program name: `docs generate`. */
  path: string;
  description: string;
  aliases: readonly string[];
  /** commander's usage line: `[options] [selector...]`. */
  usage: string;
  arguments: readonly ArgumentReference[];
  options: readonly OptionReference[];
}

/** The whole program: its own options and every command, depth first, in definition order. */
export interface ProgramReference {
  name: string;
  description: string;
  globalOptions: readonly OptionReference[];
  commands: readonly CommandReference[];
}

/**
 * Reads a commander program into plain data. `envOf` names the environment variables the code
 * reads for a long flag (see env-flags.ts). Hidden options and commands, and commander's own
 * help option and help command, are left out, as `--help` leaves them out.
 */
export function describeProgram(program: Command, envOf: (flag: string) => readonly string[]): ProgramReference {
  const help = program.createHelp();
  const commands: CommandReference[] = [];
  const walk = (command: Command, prefix: string): void => {
    for (const sub of help.visibleCommands(command)) {
      if (sub.name() === 'help' && !command.commands.includes(sub)) continue;
      const path = `${prefix}${sub.name()}`;
      commands.push({
        path,
        description: sub.description(),
        aliases: sub.aliases(),
        usage: sub.usage(),
        arguments: help.visibleArguments(sub).map(describeArgument),
        options: visibleOwnOptions(help, sub).map((o) => describeOption(o, envOf, sub)),
      });
      walk(sub, `${path} `);
    }
  };
  walk(program, '');
  return {
    name: program.name(),
    description: program.description(),
    globalOptions: visibleOwnOptions(help, program).map((o) => describeOption(o, envOf, program)),
    commands,
  };
}

/** A command's visible options without commander's implicit -h/--help (every command has it). */
function visibleOwnOptions(help: ReturnType<Command['createHelp']>, command: Command): Option[] {
  return help.visibleOptions(command).filter((o) => command.options.includes(o));
}

/**
 * An option's environment variables: its own, and those of a hidden plural spelling of it, as
 * dbt names some (`--resource-type` is read from DBT_RESOURCE_TYPES, the name of its hidden
 * `--resource-types` twin).
 */
function describeOption(option: Option, envOf: (flag: string) => readonly string[], command: Command): OptionReference {
  const defaultValue = showDefault(option.defaultValue, option.defaultValueDescription);
  const twins = command.options.filter((o) => o.hidden && option.long && o.long === `${option.long}s`);
  const flags = [option.long, ...twins.map((o) => o.long)].filter((f): f is string => f !== undefined);
  const env = [...flags.flatMap(envOf), ...(option.envVar ? [option.envVar] : [])];
  return {
    flags: option.flags,
    description: option.description,
    ...(defaultValue !== undefined ? { defaultValue } : {}),
    ...(option.argChoices ? { choices: option.argChoices } : {}),
    env: [...new Set(env)],
  };
}

function describeArgument(argument: Argument): ArgumentReference {
  const defaultValue = showDefault(argument.defaultValue, argument.defaultValueDescription);
  return {
    name: argument.name(),
    description: argument.description,
    required: argument.required,
    variadic: argument.variadic,
    ...(defaultValue !== undefined ? { defaultValue } : {}),
    ...(argument.argChoices ? { choices: argument.argChoices } : {}),
  };
}

/** A default as commander's help prints it (its description if it has one, else JSON). */
function showDefault(value: unknown, description: string | undefined): string | undefined {
  if (description !== undefined) return description;
  if (value === undefined) return undefined;
  return JSON.stringify(value);
}

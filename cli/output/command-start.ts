import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { envSetting } from '../commands/flag-env.js';
import type { EventLogger } from './event-logger.js';
import { levelWasSet, resolveLogSettings, type LogFlags } from './log-settings.js';

/** Commands whose output is their result (dbt prints these bare and keeps them under --quiet). */
const RESULT_COMMANDS = new Set(['ls', 'list', 'show']);

/**
 * Starts the logger when commander is about to run a command's action: the global flags are read
 * (a bad value throws LogSettingsError), the log file is opened in the command's project.
 */
export function startLoggingOnAction(program: Command, logger: EventLogger, env: NodeJS.ProcessEnv): void {
  program.hook('preAction', (_root, action) => {
    const flags = program.opts<LogFlags>();
    const settings = resolveLogSettings(flags, env);
    const options = action.opts<Record<string, unknown>>();
    const names: string[] = [];
    for (let c: Command | null = action; c && c !== program; c = c.parent) names.unshift(c.name());
    const name = names.join(' ');
    const projectDir = typeof options.projectDir === 'string' ? options.projectDir : (envSetting(env, 'project-dir') ?? '.');
    const profilesDir = typeof options.profilesDir === 'string' ? options.profilesDir : envSetting(env, 'profiles-dir');
    const logPath = projectLogPath(projectDir);
    logger.start(settings, {
      name,
      args: snakeKeys({ which: name, ...options, ...flags }),
      projectDir,
      ...(profilesDir ? { profilesDir } : {}),
      printsResults: RESULT_COMMANDS.has(name) || (name === 'compile' && options.inline !== undefined),
      levelSet: levelWasSet(flags, env),
      ...(logPath ? { projectLogPath: logPath } : {}),
    });
  });
}

/** `log-path:` from the project file, read without loading the project (it may not load). */
function projectLogPath(projectDir: string): string | undefined {
  for (const file of ['strata_project.yml', 'dbt_project.yml']) {
    const path = join(projectDir, file);
    if (!existsSync(path)) continue;
    try {
      return /^log-path:\s*(['"]?)([^'"#\n]+?)\1\s*(#.*)?$/m.exec(readFileSync(path, 'utf8'))?.[2];
    } catch {
      // The command reports a project file it cannot read; the log goes to logs/ meanwhile.
      return undefined;
    }
  }
  return undefined;
}

/** dbt names its arguments in snake_case (`project_dir`). */
function snakeKeys(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

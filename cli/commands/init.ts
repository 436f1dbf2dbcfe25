import { existsSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { diagnostic, StrataUserError } from '../../core/diagnostics/diagnostic.js';
import type { Terminal } from '../output/terminal.js';
import { envSetting } from './flag-env.js';
import { InitInputs, profileSettingsInput, projectNameInput, type Ask, type InitInputFlags } from './init-prompts.js';

interface InitFlags extends InitInputFlags {
  skipProfileSetup?: boolean;
  profile?: string;
  profilesDir?: string;
  projectDir?: string;
}

/** `strata init [project_name]`: a new project from the starter, and a profile for it. */
export function registerInit(program: Command, term: Terminal, env: NodeJS.ProcessEnv, ask?: Ask): void {
  program
    .command('init')
    .description('create a new project (strata_project.yml, example models and tests) and a profile to build it with')
    .argument('[project_name]', 'name of the new project, created in a folder of that name (a path: created there)')
    .option('-s, --skip-profile-setup', 'write no profile (profiles.yml is left alone)')
    .option('--profile <name>', 'name of the profile to write (default: the project name)')
    .option('--profiles-dir <dir>', 'where profiles.yml goes (default: the one Strata reads, else ~/.strata)')
    .option(
      '--project-dir <dir>',
      'folder to work in: the new project is created in it; with no project_name, the existing project whose profile to set up (default: current directory)',
    )
    .option('--adapter <name>', 'database: duckdb or postgres')
    .option('--duckdb-path <file>', 'DuckDB: the database file, relative to the project (default: <project_name>.duckdb)')
    .option('--host <host>', 'Postgres: server host (default: localhost)')
    .option('--port <port>', 'Postgres: server port (default: 5432)')
    .option('--user <user>', 'Postgres: user name')
    .option(
      '--password-env <var>',
      'Postgres: environment variable profiles.yml reads the password from (default: STRATA_ENV_SECRET_POSTGRES_PASSWORD)',
    )
    .option('--dbname <name>', 'Postgres: database name')
    .option('--schema <schema>', 'Postgres: schema to build in')
    .option('--threads <n>', 'threads of the profile (default: 1)')
    .action(async (given: string | undefined, flags: InitFlags) => {
      const { addProfile, existingProject, profileYaml, profilesFileFor } = await import('../../core/project/profile-setup.js');
      const { writeStarterProject } = await import('../../core/project/starter-project.js');
      // Prompts need a person at a terminal: stdin to answer and stdout to show the question.
      const prompt = ask ? { ask, close: () => undefined } : process.stdin.isTTY && process.stdout.isTTY ? terminalAsk() : undefined;
      try {
        const inputs = new InitInputs(prompt?.ask);
        const here = resolve(flags.projectDir ?? envSetting(env, 'project-dir') ?? '.');
        const current = given === undefined ? existingProject(here) : undefined;
        if (current) term.out(`${here} is a project (${current.name}): setting up its profile only.`);
        const name = current?.name ?? (await projectNameInput(inputs, given === undefined ? undefined : basename(given)));
        const dir = current ? here : resolve(here, given ?? name ?? '.');
        if (!current && name !== undefined && existsSync(dir))
          throw new StrataUserError([
            diagnostic('invalid-init', `${dir} already exists; choose another project name (init never writes into an existing folder).`),
          ]);
        const profile = flags.profile ?? envSetting(env, 'profile') ?? current?.profile ?? name ?? '';
        // Asked even without a name, so one error names every missing flag.
        const settings = flags.skipProfileSetup ? undefined : await profileSettingsInput(inputs, flags, name ?? 'project');
        inputs.finish();
        if (!current && name) {
          writeStarterProject(dir, name, profile);
          term.out(`Created project ${name} in ${dir}.`);
        }
        if (settings) {
          const file = profilesFileFor({ projectDir: dir, ...(flags.profilesDir ? { profilesDir: flags.profilesDir } : {}), env });
          const outcome = addProfile(file, profile, profileYaml(profile, settings));
          term.out(
            outcome === 'added'
              ? `Added profile ${profile} (${settings.adapter}) to ${file}.`
              : `Profile ${profile} is already in ${file}: left as it is.`,
          );
          if (settings.adapter === 'postgres' && settings.passwordEnv)
            term.out(`Its password is read from $${settings.passwordEnv}: set it before running (empty for a server that asks none).`);
        }
        if (!current) term.out(`Next: cd ${relative(process.cwd(), dir) || '.'} && strata debug && strata build`);
      } finally {
        prompt?.close();
      }
    });
}

/** Questions on the terminal, one line each: `Question [default]: `. */
function terminalAsk(): { ask: Ask; close: () => void } {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  return {
    ask: (question, fallback) => rl.question(`${question}${fallback !== undefined ? ` [${fallback}]` : ''}: `),
    close: () => rl.close(),
  };
}

import { join } from 'node:path';
import { buildProgram } from '../run-cli.js';
import type { Terminal } from '../output/terminal.js';
import { describeProgram } from './describe-program.js';
import { envVariablesBySource, recordingEnv } from './env-flags.js';
import { renderCliReference } from './render-cli-reference.js';

/** Where the generated page lives, relative to the repository. */
export const CLI_REFERENCE_PAGE = join('docs', 'cli-reference.md');

/**
 * The text of docs/cli-reference.md, from the program runCli parses with and the code under
 * `repoRoot` that reads flags' environment variables. Nothing is run and nothing is printed.
 */
export function cliReference(repoRoot: string): string {
  const silent: Terminal = { out: () => {}, err: () => {} };
  const { env, read } = recordingEnv();
  const program = buildProgram(silent, env, () => {});
  const envOf = envVariablesBySource(
    ['cli', 'core', 'adapters'].map((dir) => join(repoRoot, dir)),
    read,
  );
  return renderCliReference(describeProgram(program, envOf));
}

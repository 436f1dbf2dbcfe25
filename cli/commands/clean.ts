import { rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Terminal } from '../output/terminal.js';
import { withProjectOptions, type CommonFlags } from './common.js';

/** `strata clean`: delete the project's clean-targets (default: the target path). */
export function registerClean(program: Command, term: Terminal, env: NodeJS.ProcessEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command('clean').description("delete the folders listed in 'clean-targets' (default: target/)")).action(
    async (flags: CommonFlags) => {
      const [{ readCleanTargets }, { notInsideProject }, { parseVars }] = await Promise.all([
        import('../../core/project/clean-targets.js'),
        import('../../core/project/inside-project.js'),
        import('../../core/project/parse-vars.js'),
      ]);
      const root = resolve(flags.projectDir ?? '.');
      for (const target of readCleanTargets(root, env, parseVars(flags.vars))) {
        const path = resolve(root, target);
        const inside = relative(root, path);
        // Never delete the project itself or anything outside it.
        const refused = notInsideProject(root, target);
        if (refused) {
          term.err(`Refusing to clean '${target}': ${refused}.`);
          setExit(1);
          continue;
        }
        rmSync(path, { recursive: true, force: true });
        term.out(`Cleaned ${inside}/`);
      }
    },
  );
}

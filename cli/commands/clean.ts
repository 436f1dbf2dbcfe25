import { rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Terminal } from '../output/terminal.js';
import { projectOptions, withProjectOptions, type CommonFlags } from './common.js';

/** `strata clean`: delete the project's clean-targets (default: the target path). */
export function registerClean(program: Command, term: Terminal, env: NodeJS.ProcessEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command('clean').description("delete the folders listed in 'clean-targets' (default: target/)"))
    .action(async (flags: CommonFlags) => {
      const { loadProject } = await import('../../core/project/load-project.js');
      const { notInsideProject } = await import('../../core/project/inside-project.js');
      const project = loadProject(await projectOptions(flags, env));
      const targets = project.settings['clean-targets'] ?? [relative(project.root, project.targetPath)];
      for (const target of targets) {
        const path = resolve(project.root, target);
        const inside = relative(project.root, path);
        // Never delete the project itself or anything outside it.
        const refused = notInsideProject(project.root, target);
        if (refused) {
          term.err(`Refusing to clean '${target}': ${refused}.`);
          setExit(1);
          continue;
        }
        rmSync(path, { recursive: true, force: true });
        term.out(`Cleaned ${inside}/`);
      }
    });
}

import type { Command } from 'commander';
import type { Terminal } from '../output/terminal.js';
import { projectOptions, withProjectOptions, type CommonFlags } from './common.js';

/** `strata publish`: write the manifest of this project's public models for other teams. */
export function registerPublish(program: Command, term: Terminal, env: NodeJS.ProcessEnv): void {
  withProjectOptions(program.command('publish').description("write the manifest of this project's public models, for other projects' dependencies.yml"))
    .option('--to <dir>', 'where to write manifest.json (default: target/publish/)')
    .action(async (flags: CommonFlags & { to?: string }) => {
      const { publishProject } = await import('../../core/artifacts/publish.js');
      const { file, models } = publishProject({ ...(await projectOptions(flags, env)), ...(flags.to ? { to: flags.to } : {}) });
      term.out(`Published ${models.length} public model${models.length === 1 ? '' : 's'} to ${file}`);
      for (const id of models) term.out(`  ${id}`);
    });
}

import type { Command } from 'commander';
import type { Terminal } from '../output/terminal.js';
import { projectOptions, withProjectOptions, type CommonFlags } from './common.js';

/** `strata publish`: write the manifest of this project's public models for other teams. */
export function registerPublish(program: Command, term: Terminal, env: NodeJS.ProcessEnv): void {
  withProjectOptions(
    program.command('publish').description("write the manifest of this project's public models, for other projects' dependencies.yml"),
  )
    .option('--to <dir>', 'where to write manifest.json (default: target/publish/)')
    .action(async (flags: CommonFlags & { to?: string }) => {
      const [{ prepareProject }, { publishManifest }] = await Promise.all([
        import('../../core/compile/compile-project.js'),
        import('../../core/artifacts/publish.js'),
      ]);
      const options = await projectOptions(flags, env);
      const { project, dag, adapter } = prepareProject(options);
      const { file, models } = publishManifest({
        project,
        dag,
        dialect: adapter.dialect,
        ...(options.env ? { env: options.env } : {}),
        ...(flags.to ? { to: flags.to } : {}),
      });
      term.out(`Published ${models.length} public model${models.length === 1 ? '' : 's'} to ${file}`);
      for (const id of models) term.out(`  ${id}`);
    });
}

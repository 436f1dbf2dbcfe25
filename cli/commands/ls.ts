import { Option, type Command } from 'commander';
import { printDiagnostics } from '../output/diagnostics.js';
import type { Terminal } from '../output/terminal.js';
import { projectOptions, withProjectOptions, withSelectionOptions, type CommonFlags } from './common.js';

interface LsFlags extends CommonFlags {
  output: 'selector' | 'name' | 'path' | 'json';
  resourceType?: string[];
}

/** `strata ls`: list the nodes a selection matches. */
export function registerLs(program: Command, term: Terminal, env: NodeJS.ProcessEnv): void {
  withSelectionOptions(withProjectOptions(program.command('ls').alias('list').description('list the nodes a selection matches')))
    .addOption(new Option('--output <format>', 'how to print each node').choices(['selector', 'name', 'path', 'json']).default('selector'))
    .option('--resource-type <type...>', 'only these resource types (model, seed, ...)')
    .action(async (flags: LsFlags) => {
      const { prepareProject } = await import('../../core/compile/compile-project.js');
      const { project, selected, warnings } = prepareProject(await projectOptions(flags, env));
      printDiagnostics(term, warnings, project.root);
      for (const id of selected) {
        const node = project.nodes.get(id);
        if (!node || (flags.resourceType && !flags.resourceType.includes(node.resourceType))) continue;
        if (flags.output === 'name') term.out(node.name);
        else if (flags.output === 'path') term.out(node.originalFilePath);
        else if (flags.output === 'json')
          term.out(
            JSON.stringify({
              name: node.name,
              resource_type: node.resourceType,
              unique_id: node.uniqueId,
              original_file_path: node.originalFilePath,
              config: { materialized: node.config.materialized, tags: node.config.tags },
            }),
          );
        else term.out(node.fqn.join('.'));
      }
    });
}

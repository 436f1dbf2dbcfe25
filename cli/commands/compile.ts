import type { Command } from 'commander';
import { compileProject } from '../../core/compile/compile-project.js';
import { printDiagnostics } from '../output/diagnostics.js';
import type { Terminal } from '../output/terminal.js';
import { projectOptions, withProjectOptions, withSelectionOptions, type CommonFlags } from './common.js';

/** `strata compile`: render the selected models to target/compiled/ without touching the database. */
export function registerCompile(program: Command, term: Terminal, env: NodeJS.ProcessEnv): void {
  withSelectionOptions(withProjectOptions(program.command('compile').description('render selected models to SQL under target/compiled/')))
    .action(async (flags: CommonFlags) => {
      const result = await compileProject(projectOptions(flags, env));
      printDiagnostics(term, result.warnings, result.project.root);
      term.out(`Compiled ${result.compiled.length} node${result.compiled.length === 1 ? '' : 's'} to ${result.project.targetPath}/compiled/.`);
    });
}
